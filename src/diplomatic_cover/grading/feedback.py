"""One feedback page per student: offline HTML with their answers, points and comments.

A page shows, per assignment, each graded item with the points earned, the student's own
answer (widget and written answers), the hint or general feedback, and a grader's comment
and rubric scores where a person graded it. It never shows what a hidden check found beyond
its hint (the `detail` stays in the instructors' files), and it never claims that all
checks passed: the only summary it gives is points, and "full points" only when every item
earned them.

Like the students' own report, a page has no scripts and loads nothing (a Content Security
Policy forbids it); everything a student wrote is escaped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from diplomatic_cover.answers.catalogue import Catalogue
from diplomatic_cover.grading.config import CHECK, MANUAL, GradingConfig
from diplomatic_cover.grading.exports import number
from diplomatic_cover.grading.results import (
    GRADED,
    PENDING,
    ItemResult,
    StudentResult,
)
from diplomatic_cover.handin.report import CONTENT_SECURITY_POLICY, CSS, esc

FEEDBACK_DIR = "feedback"

_EXTRA_CSS = """
.score { font-weight: bold; white-space: nowrap; }
.full { color: #1b5e20; } .part { color: #8a4b00; } .none { color: #b71c1c; }
.status { color: #555; font-size: 0.9rem; }
.hint { background: #fff8e1; border-left: 4px solid #f9a825; padding: 0.3rem 0.6rem;
        margin: 0.4rem 0; }
.comment { background: #eef6ee; border-left: 4px solid #2e7d32; padding: 0.3rem 0.6rem;
           margin: 0.4rem 0; white-space: pre-wrap; }
"""

_STUDENT_STATUS = {
    "not answered": "not answered",
    "saved, not valid": "saved, but not a valid answer",
    "not reached": "not reached: an earlier cell had to be stopped when your notebook was re-run",
    "stopped: time or memory limit": "stopped: this cell hit the time or memory limit when "
    "your notebook was re-run",
    "awaiting manual grading": "not graded yet",
    "not re-run": "not graded: the notebook could not be re-run",
    "changed since --execute: not re-run": "graded from the value your notebook recorded; "
    "your instructor will re-run it",
    "grading error": "could not be graded automatically; your instructor will look at it",
}


def _score_class(result: ItemResult) -> str:
    if result.points is None:
        return ""
    if result.points >= result.max_points:
        return "full"
    return "part" if result.points > 0 else "none"


def _item_html(result: ItemResult, catalogue: Catalogue) -> str:
    question = catalogue.questions.get(result.id)
    title = question.title if question is not None and question.title else ""
    label = (
        "Code check"
        if result.kind == CHECK
        else ("Written answer" if result.kind == MANUAL else "Question")
    )
    score = (
        f'<span class="score {_score_class(result)}">{number(result.points)} of '
        f"{number(result.max_points)} points</span>"
        if result.points is not None
        else f'<span class="score">– of {number(result.max_points)} points</span>'
    )
    parts = [
        f'<article class="question" id="item-{esc(result.id)}">',
        f'<h3><span class="qid">{esc(result.id)}</span>{esc(title)}</h3>',
        f'<p class="meta">{label} · {score}</p>',
    ]
    if result.status != GRADED:
        parts.append(
            f'<p class="status">{esc(_STUDENT_STATUS.get(result.status, result.status))}</p>'
        )
    if result.answer and result.kind != CHECK:
        parts.append(
            f'<div class="answer"><span class="answer-label">Your answer:</span>'
            f'<div class="text">{esc(result.answer)}</div></div>'
        )
    if result.criteria and result.status == GRADED:
        rows = "".join(
            f"<tr><td>{esc(c['title'])}</td><td>{number(c['points'])} of "
            f"{number(c['max_points'])}</td></tr>"
            for c in result.criteria
        )
        parts.append(
            '<table><thead><tr><th scope="col">Criterion</th><th scope="col">Points</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>"
        )
    if result.hint and (result.points is None or result.points < result.max_points):
        parts.append(f'<p class="hint"><strong>Hint:</strong> {esc(result.hint)}</p>')
    if result.feedback and result.status == GRADED:
        parts.append(f'<p class="meta">{esc(result.feedback)}</p>')
    if result.comment and result.status == GRADED:
        parts.append(f'<p class="comment"><strong>Comment:</strong> {esc(result.comment)}</p>')
    parts.append("</article>")
    return "".join(parts)


def feedback_page(
    student: StudentResult, config: GradingConfig, catalogue: Catalogue, course: str = ""
) -> str:
    """The HTML of one student's feedback page."""
    by_assignment: dict[str, list[ItemResult]] = {}
    for result in student.items:
        by_assignment.setdefault(result.assignment, []).append(result)
    sections = []
    summary_rows = []
    for assignment in config.assignments:
        results = by_assignment.get(assignment.name, [])
        if not results:
            continue
        waiting = sum(1 for r in results if r.status == PENDING)
        got = number(student.assignment_total(assignment.name))
        note = f" ({waiting} not graded yet)" if waiting else ""
        summary_rows.append(
            f"<tr><td>{esc(assignment.title)}</td><td>{got} of "
            f"{number(assignment.max_points)}{note}</td></tr>"
        )
        sections.append(
            f"<section><h2>{esc(assignment.title)}</h2>"
            f'<p class="meta">{got} of {number(assignment.max_points)} points{note}.</p>'
            + "".join(_item_html(r, catalogue) for r in results)
            + "</section>"
        )
    everything_full = bool(student.items) and all(
        r.points is not None and r.points >= r.max_points for r in student.items
    )
    if not student.submitted:
        headline = "No submission was received."
    else:
        headline = f"{number(student.total)} of {number(student.max_total)} points."
        if student.pending:
            headline += f" {student.pending} answer(s) are not graded yet."
        elif everything_full:
            headline += " Full points on every item."
    late = '<p class="meta">Handed in late.</p>' if student.late else ""
    title = f"Feedback for {student.name}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}{_EXTRA_CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1>"
        f'<p class="byline">{esc(course)}</p>'
        f"<p><strong>{esc(headline)}</strong></p>{late}"
        '<table><thead><tr><th scope="col">Assignment</th><th scope="col">Points</th></tr>'
        f"</thead><tbody>{''.join(summary_rows)}</tbody></table></header>"
        f"<main>{''.join(sections)}</main></body></html>\n"
    )


def write_feedback(
    out: Path,
    students: dict[str, StudentResult],
    config: GradingConfig,
    catalogue: Catalogue,
    course: str = "",
    on_error: Callable[[str, Exception], None] | None = None,
) -> Path:
    """Write `feedback/<student>.html` for every student with a submission.

    A page that cannot be made goes to `on_error(key, error)` (raised without it) and the
    others are written. Pages are replaced whole but not synced one by one: they are made
    again by every run, and a class's worth of fsyncs cost more than the grading itself.
    """
    folder = out / FEEDBACK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for key, student in sorted(students.items()):
        if not student.submitted:
            continue
        try:
            page = feedback_page(student, config, catalogue, course)
            replace_quickly(folder / f"{key}.html", page.encode("utf-8"))
        except (ValueError, TypeError, KeyError, AttributeError, OSError) as error:
            if on_error is None:
                raise
            on_error(key, error)
    return folder


def replace_quickly(path: Path, data: bytes) -> None:
    """Write `path` whole (a temporary file, then a rename), without waiting for the disk."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
