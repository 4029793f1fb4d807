"""Whose grade is whose: the roster, and one row per account, never per typed name.

`assign_students` turns verified submissions (each with the `ingest.Account` that uploaded
it) into gradebook rows:

* **An upload counts only for the account that uploaded it.** A roster row is matched by the
  account's id (`lms_id` for Canvas and Moodle, `hub_user` for the hub); the kit id inside
  the file only says which of an account's submissions is theirs. Another kit id inside the
  same account's uploads is graded for no one and listed in problems.csv.
* **Nothing merges silently.** A kit id arriving from two accounts, two accounts with the
  same display name, and (in a plain folder, where no account vouches for a file) one kit id
  handed in from two different installs of the kit are graded as separate rows and flagged
  for a person to look at.
* **Resubmissions** of one account are ordered by the LMS's own information: Canvas's `-N`
  resubmission number, then the upload time the LMS or the file system gives. The manifest's
  `created` is the student's clock and never decides.

A roster with the same kit id, LMS id or hub user on two rows is refused, naming the lines:
two students must never share a row.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.store import is_valid_student_id
from diplomatic_cover.grading.deadlines import DeadlineError, parse_time
from diplomatic_cover.grading.ingest import (
    FOLDER,
    GRADED,
    GRADED_OTHER,
    HUB,
    MOODLE,
    NOT_GRADED,
    REJECTED,
    Account,
    Problem,
    Submission,
)

ROSTER_COLUMNS = (
    "kit_id",
    "lms_id",
    "name",
    "section",
    "sis_user_id",
    "sis_login_id",
    "hub_user",
    "deadline",
)

# Student states a row can have before it is graded
DAMAGED = "damaged submission"


@dataclass(frozen=True)
class RosterEntry:
    """A row of the roster: how a kit id maps to the LMS's (or hub's) ids and names."""

    kit_id: str
    lms_id: str = ""
    name: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    hub_user: str = ""
    deadline: str = ""
    line: int = 0


@dataclass
class Student:
    """A row of the gradebook: one account (or one kit id in a plain folder) and its file.

    `owner` is who the row belongs to, for splitting a class (`ingest.shard_of(owner, N)`):
    the account key of its upload (`canvas:4821`, `hub:asilva`), `folder:<kit id>` in a
    plain folder, `roster:<kit id>` for a roster row with no upload. Every upload of one
    account, and every row it makes, has the same owner.
    """

    key: str
    name: str
    lms_id: str = ""
    lms: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    deadline: str = ""
    late: bool = False
    status: str = ""
    submission: Submission | None = None
    sources: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    on_roster: bool = False
    owner: str = ""


class RosterError(ValueError):
    """The roster cannot be used as it is; the message names the file and lines."""


# ---------------------------------------------------------------------------------------
# The roster file


def read_roster(path: Path) -> dict[str, RosterEntry]:
    """The roster CSV by kit id. Columns: ROSTER_COLUMNS (only kit_id is required).

    A spreadsheet's byte-order mark and stray spaces are tolerated. Refused (RosterError,
    naming the lines): no kit_id column, a kit id the kit could not make, and the same kit
    id, LMS id or hub user on two rows.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
        if "kit_id" not in fields:
            raise RosterError(
                f"{path} has no kit_id column; expected the columns " + ", ".join(ROSTER_COLUMNS)
            )
        entries = []
        for row in reader:
            entry = _entry(path, row, fields, reader.line_num)
            if entry is not None:
                entries.append(entry)
    _refuse_duplicates(path, entries)
    return {entry.kit_id: entry for entry in entries}


def _entry(
    path: Path, row: dict[str, Any], fields: dict[str, str], line: int
) -> RosterEntry | None:
    def get(column: str) -> str:
        return str(row.get(fields.get(column, ""), "") or "").strip()

    kit_id = get("kit_id").lower()
    if not kit_id:
        return None
    if not is_valid_student_id(kit_id):
        raise RosterError(
            f"{path}, line {line}: {kit_id!r} is not a kit id (lower-case letters, digits, "
            "'.', '_' and '-', as the kit makes them from names)"
        )
    deadline = get("deadline")
    if deadline:
        try:
            parse_time(deadline)
        except DeadlineError as error:
            raise RosterError(f"{path}, line {line}: deadline {error}") from error
    return RosterEntry(
        kit_id=kit_id,
        lms_id=get("lms_id"),
        name=get("name"),
        section=get("section"),
        sis_user_id=get("sis_user_id"),
        sis_login_id=get("sis_login_id"),
        hub_user=get("hub_user"),
        deadline=deadline,
        line=line,
    )


def _refuse_duplicates(path: Path, entries: list[RosterEntry]) -> None:
    found = []
    for column in ("kit_id", "lms_id", "hub_user"):
        lines: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            value = getattr(entry, column)
            if value:
                lines[value].append(entry.line)
        for value, where in lines.items():
            if len(where) > 1:
                found.append(f"{column} {value!r} is on lines {', '.join(map(str, where))}")
    if found:
        raise RosterError(
            f"{path}: two rows would share one student's grade: " + "; ".join(found) + ". "
            "Give each student a row of their own (two students called Wei Zhang get, say, "
            "wei-zhang and wei-zhang-2, each with their own lms_id) and grade again."
        )


# ---------------------------------------------------------------------------------------
# Rows


def _letters(text: str) -> str:
    return "".join(sorted(c for c in text.lower() if c.isalpha()))


def _resubmission_number(submission: Submission, siblings: Iterable[Submission]) -> int:
    """Canvas's `-N` on a re-uploaded file name, when the account also sent the base name."""
    name = submission.upload.original_name
    match = re.match(r"^(?P<base>.+)-(?P<n>\d+)(?P<ext>\.[A-Za-z0-9]+)$", name)
    if not match:
        return 0
    base = match.group("base")
    for other in siblings:
        other_name = other.upload.original_name
        same_base = other_name == base + match.group("ext") or re.match(
            re.escape(base) + r"-\d+" + re.escape(match.group("ext")) + "$", other_name
        )
        if same_base and other is not submission:
            return int(match.group("n"))
    return 0


def _ordered(group: list[Submission]) -> list[Submission]:
    """Oldest first, by the LMS's order: resubmission number, upload time, submission id."""

    def key(s: Submission) -> tuple[int, str, int, str]:
        number = s.upload.lms_submission
        return (
            _resubmission_number(s, group),
            s.upload.received_at,
            int(number) if number.isdigit() else -1,
            s.source,
        )

    return sorted(group, key=key)


@dataclass
class _Row:
    """A row being built: who it is, and the submissions that count for it."""

    wanted_key: str
    account: Account
    entry: RosterEntry | None
    counted: list[Submission]
    name: str = ""
    warnings: list[str] = field(default_factory=list)
    by_account: bool = False  # the roster names this account: who it is is settled


def _same_install(earlier: Submission, later: Submission) -> bool:
    """True when `later` can be a resubmission from the install that made `earlier`.

    An answer store never drops a document, so a resubmission holds every document the
    earlier file held, each started at the same moment.
    """
    return all(later.installs.get(nb) == created for nb, created in earlier.installs.items())


def _split_installs(group: list[Submission]) -> list[list[Submission]]:
    """A plain folder's files of one kit id, split by the install of the kit that made them."""
    clusters: list[list[Submission]] = []
    for submission in _ordered(group):
        for cluster in clusters:
            if _same_install(cluster[-1], submission):
                cluster.append(submission)
                break
        else:
            clusters.append([submission])
    return clusters


class _Assigner:
    def __init__(self, roster: dict[str, RosterEntry]) -> None:
        self.roster = roster
        self.by_lms = {e.lms_id: e for e in roster.values() if e.lms_id}
        self.by_hub = {e.hub_user: e for e in roster.values() if e.hub_user}
        self.problems: list[Problem] = []

    def entry_for(self, account: Account) -> RosterEntry | None:
        if account.kind == HUB:
            return self.by_hub.get(account.id)
        return self.by_lms.get(account.id) if account.id else None

    def account_row(self, account: Account, group: list[Submission]) -> _Row | None:
        """The row an account's submissions make, or None when nothing says which is theirs."""
        entry = self.entry_for(account)
        kit_ids = sorted({s.student_id for s in group})
        if entry is not None and entry.kit_id in kit_ids:
            own = entry.kit_id
        elif len(kit_ids) == 1:
            own = kit_ids[0]
        else:
            named = [k for k in kit_ids if account.name and _letters(k) == _letters(account.name)]
            own = named[0] if len(named) == 1 else ""
        if not own:
            for submission in group:
                self.problems.append(
                    Problem(
                        submission.source,
                        submission.student_id,
                        f"{account.describe()} sent submissions under {len(kit_ids)} kit ids "
                        f"({', '.join(kit_ids)}) and nothing says which is theirs: graded for "
                        "no one. Add the account to the roster (lms_id) and grade again.",
                        NOT_GRADED,
                        account.key,
                    )
                )
            return None
        counted = [s for s in group if s.student_id == own]
        for other in (s for s in group if s.student_id != own):
            self.problems.append(
                Problem(
                    other.source,
                    other.student_id,
                    f"built under kit id {other.student_id!r}, but it came from "
                    f"{account.describe()}, whose submissions are {own!r}: an upload counts "
                    "only for the account that uploaded it, so this one is graded for no one",
                    NOT_GRADED,
                    account.key,
                )
            )
        if (
            entry is None
            and own in self.roster
            and (self.roster[own].lms_id or self.roster[own].hub_user)
        ):
            # The roster gives this kit id to another account: never take over its row.
            taken = self.roster[own]
            holder = (
                f"hub user {taken.hub_user}" if account.kind == HUB else f"LMS id {taken.lms_id}"
            )
            return _Row(
                f"{own}.{account.id}",
                account,
                None,
                counted,
                warnings=[
                    f"built under kit id {own!r}, which the roster gives to "
                    f"{holder} (line {taken.line}); this upload came from {account.describe()}"
                ],
            )
        by_account = entry is not None
        entry = entry or (self.roster.get(own) if own in self.roster else None)
        row = _Row(entry.kit_id if entry else own, account, entry, counted, by_account=by_account)
        if entry is not None and entry.kit_id != own:
            self.problems.append(
                Problem(
                    counted[-1].source,
                    entry.kit_id,
                    f"built under kit id {own!r}; the roster gives {account.describe()} to "
                    f"{entry.kit_id!r}",
                    f"{GRADED} as {entry.kit_id}",
                    account.key,
                )
            )
        return row

    def folder_rows(self, kit_id: str, group: list[Submission]) -> list[_Row]:
        """Rows for a plain folder's files of one kit id: one per install of the kit."""
        entry = self.roster.get(kit_id)
        clusters = _split_installs(group)
        if len(clusters) == 1:
            return [_Row(kit_id, Account(FOLDER), entry, clusters[0])]
        sources = "; ".join(c[-1].source for c in clusters)
        warning = (
            f"{len(clusters)} different installs of the kit handed in under kit id {kit_id!r} "
            f"({sources}): a plain folder cannot say who sent which, so each is graded on "
            "its own row. Grade the LMS's download with a roster (--roster) mapping each LMS "
            "id to its own kit id, or ask the students."
        )
        return [
            _Row(f"{kit_id}.{number}", Account(FOLDER), None, cluster, warnings=[warning])
            for number, cluster in enumerate(clusters, start=1)
        ]


def assign_students(
    submissions: list[Submission],
    roster: dict[str, RosterEntry] | None,
    problems: Iterable[Problem] = (),
) -> tuple[dict[str, Student], list[Problem]]:
    """One row per account (see the module docstring); every roster row gets one.

    `problems` are the collection's: a roster student whose file was rejected reads
    "damaged submission", not "no submission". Returns the rows by key, and new problems.
    """
    roster = roster or {}
    assigner = _Assigner(roster)
    owners: dict[str, list[Submission]] = defaultdict(list)
    for submission in submissions:
        owners[submission.owner].append(submission)
    rows: list[_Row] = []
    for owner, group in sorted(owners.items()):
        if owner.startswith(f"{FOLDER}:"):
            rows += assigner.folder_rows(group[0].student_id, group)
        else:
            row = assigner.account_row(group[0].account, group)
            if row is not None:
                rows.append(row)
    _flag_shared_kit_ids(rows)
    _flag_shared_names(rows)
    students = _students(rows, roster, assigner.problems)
    _mark_damaged(students, roster, problems, assigner)
    return students, assigner.problems


def _flag_shared_kit_ids(rows: list[_Row]) -> None:
    """Flag rows whose kit id another account also sent (unless the roster settles all)."""
    by_kit: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.account.id:
            for kit_id in {s.student_id for s in row.counted}:
                by_kit[kit_id].append(row)
    for kit_id, sharing in by_kit.items():
        if len(sharing) < 2 or all(row.by_account for row in sharing):
            continue
        accounts = ", ".join(r.account.describe() for r in sharing)
        for row in sharing:
            row.warnings.append(
                f"kit id {kit_id!r} arrived from {len(sharing)} accounts ({accounts}): each "
                "is graded on its own row; check which student is which"
            )


def _flag_shared_names(rows: list[_Row]) -> None:
    """Flag accounts that share a display name (unless the roster settles all)."""
    by_name: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.account.id and row.account.name:
            by_name[" ".join(row.account.name.lower().split())].append(row)
    for sharing in by_name.values():
        if len(sharing) < 2 or all(row.by_account for row in sharing):
            continue
        accounts = ", ".join(r.account.describe() for r in sharing)
        for row in sharing:
            row.warnings.append(
                f"{len(sharing)} accounts have the same name ({accounts}): each is graded on "
                "its own row; check each row is the right student"
            )


def _unique(key: str, taken: set[str], account: Account) -> str:
    if key not in taken:
        return key
    base = f"{key}.{account.id}" if account.id and not key.endswith(f".{account.id}") else key
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}.{number}"
        number += 1
    return candidate


def _students(
    rows: list[_Row], roster: dict[str, RosterEntry], problems: list[Problem]
) -> dict[str, Student]:
    students: dict[str, Student] = {}
    for key, entry in sorted(roster.items()):
        students[key] = _roster_student(entry)
    # Rows matched to the roster first, so they own their keys; the rest make room.
    rows = sorted(rows, key=lambda r: (r.entry is None, r.wanted_key))
    taken = {key for key in students}
    for row in rows:
        counted = _ordered(row.counted)
        latest = counted[-1]
        if row.entry is not None and students[row.entry.kit_id].submission is None:
            student = students[row.entry.kit_id]
        else:
            if row.entry is not None:
                row.warnings.append(
                    f"the roster row {row.entry.kit_id!r} already has a submission from "
                    "another account; this one is graded on its own row"
                )
            key = _unique(row.wanted_key, taken, row.account)
            student = Student(key=key, name=latest.student_name)
            students[key] = student
        taken.add(student.key)
        student.submission = latest
        student.owner = latest.owner
        student.late = latest.upload.late
        student.sources = [s.source for s in counted]
        student.warnings = row.warnings + latest.warnings
        if row.account.kind != FOLDER and not student.lms_id:
            student.lms_id = row.account.id if row.account.kind != HUB else ""
            student.lms = row.account.kind if row.account.kind != HUB else ""
        _resubmissions(student, counted, problems)
    return students


def _roster_student(entry: RosterEntry) -> Student:
    return Student(
        key=entry.kit_id,
        name=entry.name or entry.kit_id,
        lms_id=entry.lms_id,
        section=entry.section,
        sis_user_id=entry.sis_user_id,
        sis_login_id=entry.sis_login_id,
        deadline=entry.deadline,
        on_roster=True,
        owner=f"roster:{entry.kit_id}",
    )


def _resubmissions(student: Student, counted: list[Submission], problems: list[Problem]) -> None:
    latest = counted[-1]
    key = student.key
    if len(counted) > 1:
        when = latest.upload.received_at or "time unknown"
        for older in counted[:-1]:
            problems.append(
                Problem(
                    older.source,
                    key,
                    f"{len(counted)} submissions from this student; the latest by the LMS's "
                    f"order ({when}, {latest.source}) counts",
                    GRADED_OTHER,
                )
            )
        problems.append(
            Problem(latest.source, key, f"latest of {len(counted)} submissions", GRADED)
        )
    for note in latest.notes:
        problems.append(Problem(latest.source, key, note, GRADED))
    for warning in student.warnings:
        problems.append(Problem(latest.source, key, warning, "graded; flagged for a person"))


def _mark_damaged(
    students: dict[str, Student],
    roster: dict[str, RosterEntry],
    problems: Iterable[Problem],
    assigner: _Assigner,
) -> None:
    """Rows for students whose only file was rejected: "damaged submission", not "none"."""
    for problem in problems:
        if problem.action != REJECTED or not (problem.account or problem.kit_id):
            continue
        student = None
        if problem.account:
            kind, _, account_id = problem.account.partition(":")
            entry = assigner.entry_for(Account(kind, account_id))
            if entry is not None:
                student = students.get(entry.kit_id)
            else:
                student = next(
                    (s for s in students.values()
                     if s.lms_id == account_id and s.lms == kind), None
                )  # fmt: skip
        if student is None and problem.kit_id:
            student = students.get(problem.kit_id)
            if student is not None and student.on_roster and student.lms_id and problem.account:
                student = None  # the roster gives that kit id to another account
        if student is None:
            key = problem.kit_id if is_valid_student_id(problem.kit_id) else ""
            if not key or key in students:
                continue
            kind, _, account_id = problem.account.partition(":")
            student = Student(
                key=key,
                name=key,
                lms_id=account_id if kind in ("canvas", MOODLE) else "",
                lms=kind if kind in ("canvas", MOODLE) else "",
                owner=problem.account or f"{FOLDER}:{key}",
            )
            students[key] = student
        if student.submission is None:
            student.status = DAMAGED
            student.sources.append(problem.source)
            student.owner = problem.account or student.owner
