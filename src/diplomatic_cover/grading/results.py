"""What grading found, per item and per student, in a form that round-trips through JSON.

`results.json` in the output folder holds every student's results, so that grading one late
submission later can merge into the class's grades instead of replacing them, and so that
every other output (CSV files, feedback pages, the class report) is rendered from one source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

RESULTS_SCHEMA = "diplomatic-cover.grading-results"
RESULTS_VERSION = 1

# Item states
GRADED = "graded"
NOT_ANSWERED = "not answered"
INVALID = "saved, not valid"
NOT_REACHED = "not reached"
TIMED_OUT = "stopped: time or memory limit"
PENDING = "awaiting manual grading"
NOT_RUN = "not re-run"
CHANGED = "changed since --execute: not re-run"
ERROR = "grading error"
AFTER_REVEAL = "answered only after the result was shown"
UNVERIFIED = "prediction not verified: no record the result was shown"

# Student states
SUBMITTED = "graded"
MISSING = "no submission"
DAMAGED = "damaged submission"
#: Rows with nothing graded: left blank (never 0) in every gradebook.
NO_GRADE = (MISSING, DAMAGED)

# How a student was graded (`StudentResult.mode`), where it matters to the reader
UNISOLATED = "execute, unisolated"
UNISOLATED_FLAG = (
    "re-run without a sandbox (--no-isolation): the code could have changed its own grade "
    "or a classmate's"
)


@dataclass
class ItemResult:
    """One graded item of one student.

    `hint` and `feedback` may be shown to the student; `detail` is for instructors only
    (what a hidden check found) and never reaches a feedback page.
    """

    assignment: str
    id: str
    kind: str
    max_points: float
    points: float | None = None
    status: str = NOT_ANSWERED
    answer: str = ""
    hint: str = ""
    feedback: str = ""
    detail: str = ""
    comment: str = ""
    passed: bool | None = None
    criteria: list[dict[str, Any]] = field(default_factory=list)
    flag: str = ""
    override: str = ""

    @property
    def earned(self) -> float:
        """Points counted in totals (an ungraded item counts 0 until it is graded)."""
        return self.points or 0.0


@dataclass
class StudentResult:
    """Everything graded for one student, plus what the gradebooks need to match them."""

    key: str
    name: str
    status: str = SUBMITTED
    lms_id: str = ""
    lms: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    late: bool = False
    late_by: str = ""
    source: str = ""
    created: str = ""
    received_at: str = ""
    sha256: str = ""
    kit_version: str = ""
    mode: str = ""
    graded_by: str = ""
    items: list[ItemResult] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)
    opinions: dict[str, Any] = field(default_factory=dict)

    @property
    def submitted(self) -> bool:
        """True when the row has a graded submission (not missing, not damaged)."""
        return self.status not in NO_GRADE

    @property
    def total(self) -> float:
        """Points earned across every item."""
        return round(sum(item.earned for item in self.items), 6)

    @property
    def max_total(self) -> float:
        """Points available across every item."""
        return round(sum(item.max_points for item in self.items), 6)

    def assignment_total(self, assignment: str) -> float:
        """Points earned in one assignment."""
        return round(sum(i.earned for i in self.items if i.assignment == assignment), 6)

    @property
    def pending(self) -> int:
        """How many items still wait for a person."""
        return sum(1 for item in self.items if item.status == PENDING)


def _item(raw: dict[str, Any]) -> ItemResult:
    known = {f.name for f in fields(ItemResult)}
    return ItemResult(**{k: v for k, v in raw.items() if k in known})


def _student(raw: dict[str, Any]) -> StudentResult:
    known = {f.name for f in fields(StudentResult)} - {"items"}
    student = StudentResult(**{k: v for k, v in raw.items() if k in known})
    student.items = [_item(item) for item in raw.get("items", [])]
    return student


def _plain(student: StudentResult) -> dict[str, Any]:
    """A student's result as JSON-ready data (what `asdict` gives, without its deep copies:
    the result is encoded at once and never changed)."""
    plain = dict(vars(student))
    plain["items"] = [dict(vars(item)) for item in student.items]
    return plain


def encode_results(students: dict[str, StudentResult], settings: dict[str, Any]) -> bytes:
    """results.json's bytes: stable (sorted students, fixed key order) for the same grades."""
    document = {
        "schema": RESULTS_SCHEMA,
        "schema_version": RESULTS_VERSION,
        "settings": settings,
        "students": [_plain(students[key]) for key in sorted(students)],
    }
    # One student per line: the C encoder (no indent) is ten times faster on a class's
    # written answers, and a diff between two runs still shows which students changed. Keys
    # keep the dataclasses' field order, so the same grades give the same bytes.
    lines = [
        json.dumps(student, ensure_ascii=False, separators=(",", ":"))
        for student in document.pop("students")
    ]
    head = json.dumps(document, ensure_ascii=False, sort_keys=True)[:-1]
    body = ",\n".join(lines)
    return f'{head}, "students": [\n{body}\n]}}\n'.encode()


def read_settings(path: Path) -> dict[str, Any] | None:
    """The settings earlier results were graded with; None when there are no readable results."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("schema") != RESULTS_SCHEMA:
        return None
    settings = document.get("settings")
    return settings if isinstance(settings, dict) else {}


def read_results(path: Path) -> dict[str, StudentResult]:
    """Earlier results by student key; empty when there are none or they cannot be read."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("schema") != RESULTS_SCHEMA:
        return {}
    found = {}
    for raw in document.get("students", []):
        try:
            student = _student(raw)
        except TypeError:
            continue
        found[student.key] = student
    return found
