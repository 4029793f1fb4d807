"""The CSV files: grades.csv, the Canvas and Moodle imports, problems.csv, grades_detail.csv.

Files are written whole (`store.atomic_write_bytes`), so a crash mid-run leaves the previous
version, never half a gradebook. Numbers are written the same way every time (at most two
decimals, no trailing zeros), so grading the same folder twice gives identical files.

Gradebook formats, as the LMSs read them:

* Canvas (Grades › Import): `Student, ID, SIS User ID, SIS Login ID, Section`, then one column
  per assignment, `Title (canvas assignment id)` for an existing assignment or just `Title`
  to create one; a `Points Possible` row under the header. Canvas matches rows by ID (the
  Canvas user id in the bulk download's file names), else by SIS User ID or SIS Login ID.
* Moodle (assignment › Upload grading worksheet): the offline grading worksheet, rows keyed
  by `Participant <id>` (the id in the bulk download's folder names).

An assignment with answers still waiting for manual grading is left blank in both imports,
so an incomplete grade is never uploaded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from diplomatic_cover.grading.config import GradingConfig
from diplomatic_cover.grading.ingest import CANVAS as CANVAS_LMS
from diplomatic_cover.grading.ingest import MOODLE as MOODLE_LMS
from diplomatic_cover.grading.ingest import Problem
from diplomatic_cover.grading.results import CHANGED, PENDING, StudentResult
from diplomatic_cover.safe_files import atomic_write_bytes

GRADES = "grades.csv"
DETAIL = "grades_detail.csv"
CANVAS = "canvas_import.csv"
MOODLE = "moodle_grading_worksheet.csv"
PROBLEMS = "problems.csv"
MOODLE_COLUMNS = [
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
]


def number(value: float | None) -> str:
    """A score as text: "" for none, at most two decimals, no trailing zeros."""
    if value is None:
        return ""
    return _number(float(value))


@lru_cache(maxsize=4096)
def _number(value: float) -> str:
    # Cached: a class's gradebook writes the same few scores tens of thousands of times.
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RISKY = frozenset("".join(_FORMULA_START))
# Control characters (but tab and line breaks) and the marks that reorder text on screen
# (a name with U+202E shows its letters backwards): never written to a CSV.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: no control or direction characters, and text
    that would start a formula gets a quote.

    Names, file names and reasons come from students' files; a "name" such as
    =HYPERLINK(...) must stay text when an instructor opens grades.csv in Excel, and a NUL,
    an escape sequence or a right-to-left override must not reach the file at all.
    """
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # cheap: most cells are plain text
        value = _INVISIBLE.sub("", value)
    if value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def _csv(rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # Plain cells (most of a gradebook: scores, ids) skip the call to `_cell`.
    writer.writerows(
        [
            _cell(value)
            if isinstance(value, str) and value and (value[0] in _RISKY or not value.isprintable())
            else value
            for value in row
        ]
        for row in rows
    )
    # A byte-order mark so spreadsheet programs read names with accents correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write(path: Path, rows: Iterable[Iterable[object]]) -> Path:
    atomic_write_bytes(path, _csv(rows))
    return path


def _ordered(students: dict[str, StudentResult]) -> list[StudentResult]:
    return [students[key] for key in sorted(students)]


def write_grades(out: Path, config: GradingConfig, students: dict[str, StudentResult]) -> Path:
    """grades.csv: one row per student, per-item points, total, status and flags."""
    items = config.items()
    header = ["student", "name", "lms_id", "section", "status", "late", "source", "graded_by"]
    header += [item.id for item in items] + ["total", "max", "pending", "flags"]
    rows: list[list[object]] = [header]
    for student in _ordered(students):
        by_id = {result.id: result for result in student.items}
        late = student.late_by or ("late" if student.late else "")
        row: list[object] = [
            student.key, student.name, student.lms_id, student.section, student.status,
            late, student.source, student.graded_by,
        ]  # fmt: skip
        for item in items:
            result = by_id.get(item.id)
            row.append(number(result.points) if result is not None else "")
        submitted = student.submitted
        row += [
            number(student.total) if submitted else "",
            number(config.max_points),
            student.pending or "",
            " | ".join(student.flags),
        ]
        rows.append(row)
    return _write(out / GRADES, rows)


def write_detail(out: Path, students: dict[str, StudentResult]) -> Path:
    """grades_detail.csv: one row per student and item, with what the hidden checks found.

    For instructors only: the `detail` column may describe the expected answer.
    """
    rows: list[list[object]] = [
        [
            "student",
            "assignment",
            "item",
            "kind",
            "points",
            "max_points",
            "status",
            "flag",
            "hint",
            "detail",
            "comment",
            "override",
        ]
    ]
    for student in _ordered(students):
        for r in student.items:
            rows.append(
                [
                    student.key,
                    r.assignment,
                    r.id,
                    r.kind,
                    number(r.points),
                    number(r.max_points),
                    r.status,
                    r.flag,
                    r.hint,
                    r.detail,
                    r.comment,
                    r.override,
                ]
            )
    return _write(out / DETAIL, rows)


def _assignment_cell(student: StudentResult, name: str) -> str:
    items = [r for r in student.items if r.assignment == name]
    if not student.submitted or not items or any(r.status in (PENDING, CHANGED) for r in items):
        return ""
    return number(student.assignment_total(name))


def write_canvas(out: Path, config: GradingConfig, students: dict[str, StudentResult]) -> Path:
    """The Canvas gradebook import: fixed identity columns, then one column per assignment."""
    titles = [f"{a.title} ({a.canvas_id})" if a.canvas_id else a.title for a in config.assignments]
    rows: list[list[object]] = [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles]
    ]
    rows.append(
        ["Points Possible", "", "", "", "", *[number(a.max_points) for a in config.assignments]]
    )
    for student in _ordered(students):
        canvas_id = student.lms_id if student.lms in ("", CANVAS_LMS) else ""
        rows.append([
            student.name, canvas_id, student.sis_user_id, student.sis_login_id,
            student.section, *[_assignment_cell(student, a.name) for a in config.assignments],
        ])  # fmt: skip
    return _write(out / CANVAS, rows)


def write_moodle(
    out: Path, config: GradingConfig, students: dict[str, StudentResult], now: datetime
) -> Path:
    """Moodle's offline grading worksheet: the total, keyed by participant id."""
    stamp = now.astimezone(UTC).strftime("%A, %d %B %Y, %H:%M")
    rows: list[list[object]] = [MOODLE_COLUMNS]
    for student in _ordered(students):
        if not student.lms_id or student.lms not in ("", MOODLE_LMS) or not student.submitted:
            continue
        pending = any(r.status in (PENDING, CHANGED) for r in student.items)
        parts = [
            f"{a.title}: {number(student.assignment_total(a.name))}/{number(a.max_points)}"
            for a in config.assignments
        ]
        submitted = _moodle_time(student.received_at)
        rows.append([
            f"Participant {student.lms_id}", student.name, "", "Submitted for grading",
            "" if pending else number(student.total), number(config.max_points), "Yes",
            submitted, stamp, "; ".join(parts),
        ])  # fmt: skip
    return _write(out / MOODLE, rows)


def _moodle_time(received_at: str) -> str:
    """When the file arrived, as Moodle writes times ("" when unknown or unreadable)."""
    try:
        moment = datetime.fromisoformat(received_at.replace("Z", "+00:00"))
        return moment.astimezone(UTC).strftime("%A, %d %B %Y, %H:%M")
    except (ValueError, OverflowError, OSError):
        return ""


def write_problems(out: Path, problems: list[Problem]) -> Path:
    """problems.csv: every problem with its file, student, reason and what was done."""
    rows: list[list[object]] = [["file", "student", "problem", "action"]]
    for problem in problems:
        row = problem.as_row()
        rows.append([row["file"], row["student"], row["problem"], row["action"]])
    return _write(out / PROBLEMS, rows)
