"""The class report: score distribution, per-item difficulty, and the room's opinions.

For the instructor and, for the opinion section, for the next discussion: "how did the room
vote on restoring the consulates?" Opinion answers are pooled without names, and a question
with fewer than `MIN_GROUP` answers is not shown at all, so no answer can be traced to a
student in a small group. Bars are plain HTML (a width and the number beside it), so the page
needs no plotting library, loads nothing and reads the same in a screen reader. The page is
the template `pages/templates/class_report.html`; this module computes the numbers.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.catalogue import Catalogue, Question, format_answer, is_answered
from diplomatic_cover.grading.config import GradingConfig
from diplomatic_cover.grading.results import (
    DAMAGED,
    MISSING,
    NOT_ANSWERED,
    PENDING,
    UNISOLATED,
    StudentResult,
)
from diplomatic_cover.pages.render import render
from diplomatic_cover.safe_files import atomic_write_bytes

CLASS_REPORT = "class_report.html"
MIN_GROUP = 5


def _share(part: float, whole: float) -> float:
    return max(0.0, min(part / whole, 1.0)) if whole else 0.0


def _bins(students: list[StudentResult], max_total: float) -> list[dict[str, Any]]:
    bins: Counter[int] = Counter()
    for student in students:
        share = student.total / max_total if max_total else 0.0
        bins[min(int(share * 10), 9)] += 1
    biggest = max(bins.values(), default=1)
    return [
        {
            "low": low * 10,
            "high": low * 10 + 10 if low < 9 else 100,
            "count": bins[low],
            "share": _share(bins[low], biggest),
        }
        for low in range(10)
    ]


def _difficulty(
    students: list[StudentResult], config: GradingConfig, catalogue: Catalogue
) -> list[dict[str, Any]]:
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
        n = max(len(results), 1)
        question = catalogue.questions.get(item.id)
        rows.append(
            {
                "id": item.id,
                "title": question.title if question is not None else "",
                "mean": mean,
                "points": item.points,
                "share": _share(share, 1.0),
                "hard": bool(graded) and share < 0.5,
                "full": round(100 * sum(1 for r in graded if (r.points or 0) >= item.points) / n),
                "blank": round(100 * sum(1 for r in results if r.status == NOT_ANSWERED) / n),
                "waiting": sum(1 for r in results if r.status == PENDING),
            }
        )
    return rows


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


def _opinion_view(question: Question, values: list[Any]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": question.id,
        "title": question.title,
        "count": len(values),
        "hidden": len(values) < MIN_GROUP,
        "texts": [],
        "rows": [],
        "ranking": question.type == "ranking",
    }
    if view["hidden"]:
        return view
    if question.type in ("text", "short_text"):
        view["texts"] = sorted(" ".join(str(v).split()) for v in values)
        return view
    counts = _choice_counts(question, values)
    order = [label for label in _order(question) if label in counts]
    order += sorted(label for label in counts if label not in order)
    biggest = max(counts.values(), default=1)
    view["rows"] = [(label, counts[label], _share(counts[label], biggest)) for label in order]
    return view


def _opinions(students: list[StudentResult], catalogue: Catalogue) -> list[dict[str, Any]]:
    views = []
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
            views.append(_opinion_view(question, values))
    return views


def class_report(
    students: dict[str, StudentResult],
    config: GradingConfig,
    catalogue: Catalogue,
    course: str = "",
) -> str:
    """The class report's HTML."""
    graded = [s for _key, s in sorted(students.items()) if s.submitted]
    totals = [s.total for s in graded]
    return render(
        "class_report.html",
        course=course,
        missing=sum(1 for s in students.values() if s.status == MISSING),
        damaged=sum(1 for s in students.values() if s.status == DAMAGED),
        waiting=sum(s.pending for s in graded),
        unisolated=sum(1 for s in graded if s.mode == UNISOLATED),
        graded=len(graded),
        mean=statistics.fmean(totals) if totals else 0.0,
        median=statistics.median(totals) if totals else 0.0,
        max_total=config.max_points,
        bins=_bins(graded, config.max_points),
        items=_difficulty(graded, config, catalogue),
        opinions=_opinions(graded, catalogue),
        min_group=MIN_GROUP,
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
