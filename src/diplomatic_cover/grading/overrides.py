"""Points an instructor set by hand on an autograded item, kept through every regrade.

When the key, a hidden check or a re-run got one student's item wrong, write the points you
decided in `<out>/overrides.csv` (make it with a spreadsheet; only these columns are read):

    student,item,points,comment
    ana-silva,ex1.ratios,3,"Your ratios were right; the check misread the rounding."

`student` is the row's key in grades.csv, `item` the question or check id, `points` between
0 and the item's points, `comment` (optional) is shown on the student's feedback page.
Grading only ever reads the file, so an override survives every regrade; the row's
`graded_by` column and grades_detail.csv say which items were set by hand and from what.
Written answers are scored in the manual grading notebook instead. A line that cannot be
applied (unknown student or item, points out of range) is listed in problems.csv.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from diplomatic_cover.grading.config import MANUAL
from diplomatic_cover.grading.ingest import Problem
from diplomatic_cover.grading.results import GRADED, StudentResult

OVERRIDES = "overrides.csv"
APPLIED = "applied"
NOT_APPLIED = "override not applied"


@dataclass(frozen=True)
class Override:
    """One line of overrides.csv."""

    student: str
    item: str
    points: float
    comment: str
    line: int


def read_overrides(out: Path) -> tuple[list[Override], list[Problem]]:
    """The overrides in `<out>/overrides.csv` (none if there is no file), and bad lines."""
    path = Path(out) / OVERRIDES
    if not path.is_file():
        return [], []
    found: list[Override] = []
    problems: list[Problem] = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                line = reader.line_num
                try:
                    points = float(clean.get("points", ""))
                except ValueError:
                    points = math.nan
                if not clean.get("student") or not clean.get("item") or not math.isfinite(points):
                    problems.append(
                        Problem(OVERRIDES, clean.get("student", ""),
                                f"line {line}: needs student, item and points (a number)",
                                NOT_APPLIED)
                    )  # fmt: skip
                    continue
                found.append(
                    Override(
                        clean["student"], clean["item"], points, clean.get("comment", ""), line
                    )
                )
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        problems.append(Problem(OVERRIDES, "", f"could not be read ({error})", NOT_APPLIED))
    return found, problems


def apply_overrides(students: dict[str, StudentResult], overrides: list[Override]) -> list[Problem]:
    """Set each overridden item's points (the autograded points stay in `override`)."""
    problems = []
    for override in overrides:
        student = students.get(override.student)
        item = next(
            (r for r in student.items if r.id == override.item), None
        ) if student is not None else None  # fmt: skip
        reason = ""
        if student is None:
            reason = f"line {override.line}: no student {override.student!r} in the grades"
        elif item is None:
            reason = f"line {override.line}: {override.student} has no item {override.item!r}"
        elif item.kind == MANUAL:
            reason = f"line {override.line}: score written answers in the manual grading notebook"
        elif not 0 <= override.points <= item.max_points:
            reason = (
                f"line {override.line}: {override.points:g} points is outside 0 to "
                f"{item.max_points:g} for {override.item}"
            )
        if reason or item is None:
            problems.append(Problem(OVERRIDES, override.student, reason, NOT_APPLIED))
            continue
        # Grading an earlier row again (a merge) finds the override already applied: keep
        # what the autograder gave the first time.
        was = item.override.partition("(autograded ")[2].partition(")")[0]
        was = was or f"{item.points or 0:g}, {item.status}"
        item.override = (
            f"set by hand to {override.points:g} (autograded {was}); "
            f"{OVERRIDES} line {override.line}"
        )
        item.points = override.points
        item.status = GRADED
        item.flag = ""
        if override.comment:
            item.comment = override.comment
    return problems
