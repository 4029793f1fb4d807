"""The class report: score distribution, per-item difficulty, and the room's opinions.

For the instructor and, for the opinion section, for the next discussion: "how did the room
vote on restoring the consulates?" Opinion answers are pooled without names, and a question
with fewer than `MIN_GROUP` answers is not shown at all, so no answer can be traced to a
student in a small group. Bars are plain HTML (a width and the number beside it), so the page
needs no plotting library, loads nothing and reads the same in a screen reader.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.catalogue import Catalogue, Question, format_answer, is_answered
from diplomatic_cover.grading.config import GradingConfig
from diplomatic_cover.grading.exports import number
from diplomatic_cover.grading.results import (
    NOT_ANSWERED,
    PENDING,
    UNISOLATED,
    StudentResult,
)
from diplomatic_cover.handin.report import CONTENT_SECURITY_POLICY, CSS, esc
from diplomatic_cover.safe_files import atomic_write_bytes

CLASS_REPORT = "class_report.html"
MIN_GROUP = 5

_EXTRA_CSS = """
.bar { display: inline-block; height: 0.9rem; background: #3f6fb5; vertical-align: middle; }
.bar.hard { background: #b5533f; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 0.4rem 0 1rem; }
"""


def _bar(share: float, hard: bool = False) -> str:
    width = max(0.0, min(share, 1.0)) * 12
    return f'<span class="bar{" hard" if hard else ""}" style="width:{width:.2f}rem"></span>'


def _distribution(students: list[StudentResult], max_total: float) -> str:
    bins = Counter()
    for student in students:
        share = student.total / max_total if max_total else 0.0
        bins[min(int(share * 10), 9)] += 1
    biggest = max(bins.values(), default=1)
    rows = "".join(
        f"<tr><td>{low * 10}–{low * 10 + 10 if low < 9 else 100}%</td>"
        f'<td class="num">{bins[low]}</td><td>{_bar(bins[low] / biggest)}</td></tr>'
        for low in range(10)
    )
    totals = [s.total for s in students]
    summary = (
        f"{len(students)} students graded; mean {number(statistics.fmean(totals))}, median "
        f"{number(statistics.median(totals))} of {number(max_total)} points."
        if totals
        else "No graded submissions yet."
    )
    return (
        f"<section><h2>Score distribution</h2><p>{esc(summary)}</p>"
        "<table><caption>Students by share of the points</caption><thead><tr>"
        '<th scope="col">Score</th><th scope="col">Students</th><th scope="col"></th></tr>'
        f"</thead><tbody>{rows}</tbody></table></section>"
    )


def _difficulty(students: list[StudentResult], config: GradingConfig, catalogue: Catalogue) -> str:
    rows = []
    by_item: dict[str, list[Any]] = {}
    for student in students:
        for result in student.items:
            by_item.setdefault(result.id, []).append(result)
    for item in config.items():
        results = by_item.get(item.id, [])
        graded = [r for r in results if r.points is not None]
        mean = statistics.fmean(r.points or 0.0 for r in graded) if graded else 0.0
        share = mean / item.points if item.points and graded else 0.0
        full = sum(1 for r in graded if (r.points or 0) >= item.points)
        blank = sum(1 for r in results if r.status == NOT_ANSWERED)
        waiting = sum(1 for r in results if r.status == PENDING)
        question = catalogue.questions.get(item.id)
        title = question.title if question is not None else ""
        n = max(len(results), 1)
        rows.append(
            f"<tr><td><code>{esc(item.id)}</code> {esc(title)}</td>"
            f'<td class="num">{number(mean)} / {number(item.points)}</td>'
            f"<td>{_bar(share, hard=bool(graded) and share < 0.5)}</td>"
            f'<td class="num">{round(100 * full / n)}%</td>'
            f'<td class="num">{round(100 * blank / n)}%</td>'
            f'<td class="num">{waiting or ""}</td></tr>'
        )
    return (
        "<section><h2>Difficulty by item</h2><p>Mean points per item; red bars mark items "
        "where the class earned less than half the points.</p><table><thead><tr>"
        '<th scope="col">Item</th><th scope="col">Mean</th><th scope="col"></th>'
        '<th scope="col">Full points</th><th scope="col">Not answered</th>'
        f'<th scope="col">Not graded yet</th></tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table></section>"
    )


def _choice_counts(question: Question, values: list[Any]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for value in values:
        if question.type == "scale" and isinstance(value, Mapping):
            point = value.get("point")
            if isinstance(point, int) and 1 <= point <= question.scale_points:
                counts[question.scale_labels[point - 1]] += 1
        elif question.type == "single":
            counts[question.option_label(str(value))] += 1
        elif question.type == "multiple" and isinstance(value, list):
            for choice in value:
                counts[question.option_label(str(choice))] += 1
        elif question.type == "ranking" and isinstance(value, list) and value:
            counts[question.option_label(str(value[0]))] += 1
        elif question.type == "number" and isinstance(value, Mapping):
            counts[format_answer(question, value)] += 1
    return counts


def _order(question: Question) -> list[str]:
    if question.type == "scale":
        return list(question.scale_labels)
    return [choice.label for choice in question.options]


def _opinion_html(question: Question, values: list[Any]) -> str:
    head = f'<h3><span class="qid">{esc(question.id)}</span>{esc(question.title)}</h3>'
    if len(values) < MIN_GROUP:
        return (
            f'{head}<p class="meta">{len(values)} answer(s): fewer than {MIN_GROUP}, so not '
            "shown (too few to stay anonymous).</p>"
        )
    if question.type in ("text", "short_text"):
        texts = sorted(" ".join(str(v).split()) for v in values)
        items = "".join(f"<li>{esc(t)}</li>" for t in texts)
        return (
            f"{head}<details><summary>{len(texts)} answers (in alphabetical order, no names)"
            f"</summary><ul>{items}</ul></details>"
        )
    counts = _choice_counts(question, values)
    order = [label for label in _order(question) if label in counts]
    order += sorted(label for label in counts if label not in order)
    biggest = max(counts.values(), default=1)
    caption = "first choices" if question.type == "ranking" else "answers"
    rows = "".join(
        f'<tr><td>{esc(label)}</td><td class="num">{counts[label]}</td>'
        f"<td>{_bar(counts[label] / biggest)}</td></tr>"
        for label in order
    )
    return (
        f'{head}<p class="meta">{len(values)} {caption}.</p><table><thead><tr>'
        '<th scope="col">Answer</th><th scope="col">Students</th><th scope="col"></th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _opinions(students: list[StudentResult], catalogue: Catalogue) -> str:
    blocks = []
    for question in catalogue.values():
        if not question.opinion:
            continue
        values = []
        for student in students:
            value = student.opinions.get(question.id)
            try:
                if value is not None and is_answered(question, value):
                    values.append(value)
            except (AttributeError, TypeError, ValueError):
                continue
        if values:
            blocks.append(_opinion_html(question, values))
    body = "".join(blocks) or "<p>No opinion answers in these submissions.</p>"
    return (
        "<section><h2>What the class thinks</h2><p>Opinion questions, pooled without names, "
        f"for the next discussion. Never graded.</p>{body}</section>"
    )


def class_report(
    students: dict[str, StudentResult],
    config: GradingConfig,
    catalogue: Catalogue,
    course: str = "",
) -> str:
    """The class report's HTML."""
    graded = [s for _key, s in sorted(students.items()) if s.submitted]
    missing = sum(1 for s in students.values() if not s.submitted)
    waiting = sum(s.pending for s in graded)
    notes = []
    if missing:
        notes.append(f"{missing} student(s) have no graded submission (none, or a damaged file).")
    if waiting:
        notes.append(f"{waiting} written answer(s) are not graded yet; totals will rise.")
    unisolated = sum(1 for s in graded if s.mode == UNISOLATED)
    if unisolated:
        notes.append(
            f"{unisolated} submission(s) were re-run without a sandbox (--no-isolation): "
            "their code could have changed their own grades or a classmate's."
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        f"<title>Class report</title><style>{CSS}{_EXTRA_CSS}</style></head><body>"
        f'<h1>Class report</h1><p class="byline">{esc(course)}</p>'
        + "".join(f"<p>{esc(n)}</p>" for n in notes)
        + _distribution(graded, config.max_points)
        + _difficulty(graded, config, catalogue)
        + _opinions(graded, catalogue)
        + "</body></html>\n"
    )


def write_class_report(
    out: Path,
    students: dict[str, StudentResult],
    config: GradingConfig,
    catalogue: Catalogue,
    course: str = "",
) -> Path:
    """Write class_report.html."""
    path = out / CLASS_REPORT
    atomic_write_bytes(path, class_report(students, config, catalogue, course).encode("utf-8"))
    return path
