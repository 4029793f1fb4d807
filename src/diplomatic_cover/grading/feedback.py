"""One feedback page per student: offline HTML with their answers, points and comments.

A page shows, per assignment, each graded item with the points earned, the student's own
answer (widget and written answers), the hint or general feedback, and a grader's comment
and rubric scores where a person graded it. It never shows what a hidden check found beyond
its hint (the `detail` stays in the instructors' files), and it never claims that all
checks passed: the only summary it gives is points, and "full points" only when every item
earned them.

Like the students' own report, a page has no scripts and loads nothing (a Content Security
Policy forbids it); everything a student wrote is escaped. The page is the template
`pages/templates/feedback.html`; this module gathers the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from diplomatic_cover.answers.catalogue import Catalogue
from diplomatic_cover.grading.config import GradingConfig
from diplomatic_cover.grading.results import (
    PENDING,
    ItemResult,
    StudentResult,
)
from diplomatic_cover.pages.render import render

FEEDBACK_DIR = "feedback"


def _score_class(result: ItemResult) -> str:
    """The card's colour: full, part or none of the points, or not graded yet."""
    if result.points is None or result.status == PENDING:
        return "pending"
    if result.points >= result.max_points:
        return "full"
    return "part" if result.points > 0 else "none"


class Criterion(NamedTuple):
    """A rubric criterion's score as a card shows it."""

    title: str
    points: float | None
    max_points: float


@dataclass(frozen=True)
class Card:
    """What one item's card shows (`feedback_item.html`).

    Frozen, so equal cards are drawn once per run for the whole class (`remembered` in
    `pages/render.py`): most students' cards for a right answer or a blank are the same.
    """

    id: str
    title: str
    kind: str
    points: float | None
    max_points: float
    status: str
    score_class: str
    answer: str
    criteria: tuple[Criterion, ...]
    hint: str
    feedback: str
    comment: str


def _item_view(result: ItemResult, catalogue: Catalogue) -> Card:
    question = catalogue.questions.get(result.id)
    return Card(
        id=result.id,
        title=question.title if question is not None and question.title else "",
        kind=result.kind,
        points=result.points,
        max_points=result.max_points,
        status=result.status,
        score_class=_score_class(result),
        answer=result.answer,
        criteria=tuple(
            Criterion(str(c.get("title", "")), c.get("points"), c.get("max_points", 0.0))
            for c in result.criteria
        ),
        hint=result.hint,
        feedback=result.feedback,
        comment=result.comment,
    )


def feedback_page(
    student: StudentResult, config: GradingConfig, catalogue: Catalogue, course: str = ""
) -> str:
    """The HTML of one student's feedback page."""
    by_assignment: dict[str, list[ItemResult]] = {}
    for result in student.items:
        by_assignment.setdefault(result.assignment, []).append(result)
    assignments = []
    for assignment in config.assignments:
        results = by_assignment.get(assignment.name, [])
        if not results:
            continue
        assignments.append(
            {
                "anchor": f"a-{assignment.name}",
                "title": assignment.title,
                "got": student.assignment_total(assignment.name),
                "max": assignment.max_points,
                "waiting": sum(1 for r in results if r.status == PENDING),
                "results": [_item_view(r, catalogue) for r in results],
            }
        )
    everything_full = bool(student.items) and all(
        r.points is not None and r.points >= r.max_points for r in student.items
    )
    return render(
        "feedback.html",
        student=student,
        course=course,
        missing=not student.submitted,
        everything_full=everything_full,
        assignments=assignments,
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
