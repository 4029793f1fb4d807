"""Finding, opening and checking submissions, whatever shape the folder arrives in.

Submissions reach the grader as a folder of `submission-<id>.zip` files, as an LMS bulk
download, or as a mix after a late hand-in:

* Canvas names every file `<name>_<user id>_<submission id>_<original name>`, with `LATE`
  after the name for late work and `-1`, `-2`... added to the original name on resubmission
  (`silvaana_LATE_4821_99120_submission-ana-silva-1.zip`). The download is a zip of zips.
* Moodle makes one folder per participant, `<Full Name>_<participant id>_assignsubmission_file_`
  (older versions prefix each file name the same way instead).

Every zip is read here in memory, never extracted: member names are checked (no absolute
paths, no `..`, no drive letters or backslashes, no symbolic links), and the bytes actually
decompressed are counted against a cap, so a small zip that expands without end (also one
nested in a zip of zips) is stopped, not believed. A submission that passes those checks is
then verified against its manifest by `submit.verify_submission`, the same check students'
files pass when they are built. Anything wrong becomes a `Problem` with a plain reason; it
never stops the other students' grading.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from diplomatic_cover._version import __version__
from diplomatic_cover.answers.store import is_valid_student_id
from diplomatic_cover.handin.submission import MANIFEST, SubmissionError, verify_submission

REJECTED = "rejected"
IGNORED = "ignored"
GRADED = "graded"
GRADED_OTHER = "graded another file"
NOT_GRADED = "not graded"

_CHUNK = 1 << 16
_CANVAS = re.compile(
    r"^(?P<name>[^_/]+?)_(?:(?P<late>LATE)_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$"
)
_MOODLE = re.compile(
    r"^(?P<name>.+?)_(?P<participant>\d+)_assign(?:submission|feedback)_[a-z]+_(?P<file>.*)$"
)
_KIT_NAME = re.compile(r"^submission-(?P<id>[a-z0-9._-]+?)(?:-\d+)?\.zip$")
_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:[.+-]?[A-Za-z0-9.+-]*)?$")
_SKIPPED_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class Limits:
    """Caps on what a zip may expand to; a file over a cap is rejected, never extracted.

    The submission caps are far above a real hand-in (a few hundred kB); the container caps
    bound a whole LMS bulk download (zip of zips).
    """

    submission_bytes: int = 64 * 2**20
    submission_members: int = 500
    container_bytes: int = 8 * 2**30
    container_members: int = 100_000
    depth: int = 4


@dataclass(frozen=True)
class Problem:
    """Something about one input file or student the instructor should know, and its outcome."""

    source: str
    student: str
    reason: str
    action: str

    def as_row(self) -> dict[str, str]:
        """The problem as a row of problems.csv."""
        return {
            "file": self.source,
            "student": self.student,
            "problem": self.reason,
            "action": self.action,
        }


@dataclass(frozen=True)
class Origin:
    """Where a submission file came from and what the LMS's file naming says about it."""

    source: str
    lms: str = ""
    lms_id: str = ""
    lms_name: str = ""
    lms_submission: str = ""
    late: bool = False


@dataclass
class Submission:
    """One verified submission: who it says it is from, their documents and notebooks."""

    origin: Origin
    student_id: str
    student_name: str
    created: str
    kit_version: str
    documents: dict[str, dict[str, Any]]
    notebooks: dict[str, bytes]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RosterEntry:
    """A row of the roster: how a kit id maps to the LMS's ids and names."""

    kit_id: str
    lms_id: str = ""
    name: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""


@dataclass
class Student:
    """A student as the gradebooks need them, and the submission that counts for them."""

    key: str
    name: str
    lms_id: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    late: bool = False
    submission: Submission | None = None
    sources: list[str] = field(default_factory=list)


class _TooBig(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Names


def unsafe_member(name: str) -> str:
    """Why a zip member name could escape a folder or mislead ("" when it is safe)."""
    if not name or "\x00" in name:
        return "an empty name"
    if name.startswith(("/", "\\")) or PurePosixPath(name).is_absolute():
        return "an absolute path"
    if "\\" in name:
        return "a backslash (a Windows path)"
    if re.match(r"^[A-Za-z]:", name) or ":" in name:
        return "a drive letter or colon"
    if any(part == ".." for part in name.split("/")):
        return "'..' (a path out of the folder)"
    return ""


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _skipped(name: str) -> bool:
    parts = name.split("/")
    return (
        "__MACOSX" in parts
        or any(p.startswith(".") for p in parts if p)
        or (parts[-1] in _SKIPPED_NAMES)
    )


def parse_lms_name(parts: Iterable[str]) -> Origin:
    """What Canvas or Moodle file naming says, from a file's path parts (outermost first)."""
    lms = Origin(source="")
    for part in parts:
        canvas = _CANVAS.match(part)
        if canvas:
            lms = Origin(
                source="",
                lms="canvas",
                lms_id=canvas.group("user"),
                lms_name=canvas.group("name"),
                lms_submission=canvas.group("submission"),
                late=bool(canvas.group("late")),
            )
            continue
        moodle = _MOODLE.match(part)
        if moodle:
            lms = Origin(
                source="",
                lms="moodle",
                lms_id=moodle.group("participant"),
                lms_name=moodle.group("name").strip(),
            )
    return lms


def _version_tuple(text: object) -> tuple[int, int, int] | None:
    match = _VERSION.match(str(text)) if isinstance(text, str) else None
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def check_kit_version(version: object) -> tuple[bool, str]:
    """(usable, note) for the kit version a submission was built with.

    The same or an older kit is graded (an older one with a note, in case a question
    changed); a newer kit than the grader's, or a version that cannot be read, is refused
    with a reason: its questions may not be the ones this grader knows.
    """
    theirs, ours = _version_tuple(version), _version_tuple(__version__)
    if theirs is None or ours is None:
        return False, f"unknown kit version {version!r} in its manifest"
    if theirs[:2] > ours[:2]:
        return False, (
            f"built with kit {version}, newer than this grader's kit {__version__}: "
            "update the instructors' kit and grade again"
        )
    if theirs[:2] < ours[:2]:
        return True, f"built with an older kit ({version}; grader {__version__})"
    return True, ""


# ---------------------------------------------------------------------------------------
# Reading zips with caps


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's bytes, decompressing at most `budget` bytes (else _TooBig)."""
    out = bytearray()
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            out += chunk
            if len(out) > budget:
                raise _TooBig
    return bytes(out)


def _zip_errors() -> tuple[type[BaseException], ...]:
    return (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        OSError,
    )


class Collector:
    """Walks the input, opening containers and submissions; keeps every problem found."""

    def __init__(self, limits: Limits, scratch: Path) -> None:
        self.limits = limits
        self.scratch = scratch
        self.problems: list[Problem] = []
        self.submissions: list[Submission] = []
        self._counter = 0

    def problem(self, source: str, reason: str, action: str = REJECTED, student: str = "") -> None:
        """Record a problem with one input file."""
        self.problems.append(Problem(source, student, reason, action))

    # -- the folder ---------------------------------------------------------------------

    def walk(self, root: Path) -> None:
        """Collect from a folder (recursively, symlinks not followed) or a single file."""
        if root.is_file():
            self._file(root, root.name)
            return
        if not root.is_dir():
            self.problem(str(root), "there is no such file or folder", NOT_GRADED)
            return
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
            here = Path(folder)
            for link in [d for d in dirs if (here / d).is_symlink()]:
                dirs.remove(link)
                self.problem(self._rel(here / link, root), "a symbolic link: not followed", IGNORED)
            for name in sorted(files):
                if _skipped(name):
                    continue
                path = here / name
                rel = self._rel(path, root)
                if path.is_symlink():
                    self.problem(rel, "a symbolic link: not followed", IGNORED)
                    continue
                self._file(path, rel)

    @staticmethod
    def _rel(path: Path, root: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return path.name

    def _file(self, path: Path, rel: str) -> None:
        if not path.name.lower().endswith(".zip"):
            self._not_a_submission(rel)
            return
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if MANIFEST in names:
                    self._submission(archive, rel, on_disk=path)
                else:
                    self._container(archive, rel, depth=1)
        except _zip_errors() as error:
            self.problem(
                rel,
                f"not a readable zip file ({error}); it may be damaged or cut short",
                student=self._guess_student(rel),
            )

    def _not_a_submission(self, rel: str) -> None:
        self.problem(
            rel,
            "not a submission file (expected submission-<id>.zip from the Hand in button)",
            IGNORED,
            student=self._guess_student(rel),
        )

    @staticmethod
    def _guess_student(rel: str) -> str:
        """Who a file that could not be read is probably from: the LMS's or the kit's name."""
        parts = rel.replace(" › ", "/").split("/")
        origin = parse_lms_name(parts)
        if origin.lms:
            return f"{origin.lms_name} ({origin.lms_id})"
        kit = _KIT_NAME.match(parts[-1])
        return kit.group("id") if kit else ""

    # -- zips of zips -------------------------------------------------------------------

    def _container(self, archive: zipfile.ZipFile, rel: str, depth: int) -> None:
        if depth > self.limits.depth:
            self.problem(rel, f"zips nested more than {self.limits.depth} deep")
            return
        infos = archive.infolist()
        if len(infos) > self.limits.container_members:
            self.problem(
                rel,
                f"holds {len(infos)} files, more than the limit of "
                f"{self.limits.container_members}; not opened",
            )
            return
        if not any(i.filename.lower().endswith(".zip") for i in infos):
            self.problem(
                rel,
                f"a zip without {MANIFEST}: not a submission built by the kit's Hand in "
                "button (the student may have zipped the files by hand)",
                student=self._guess_student(rel),
            )
            return
        budget = self.limits.container_bytes
        for info in sorted(infos, key=lambda i: i.filename):
            name = info.filename
            where = f"{rel} › {name}"
            reason = unsafe_member(name)
            if reason:
                self.problem(where, f"a file name with {reason}: not read")
                continue
            if name.endswith("/") or _skipped(name):
                continue
            if _is_symlink(info):
                self.problem(where, "a symbolic link: not followed", IGNORED)
                continue
            if not name.lower().endswith(".zip"):
                self._not_a_submission(where)
                continue
            try:
                data = _read_member(archive, info, min(budget, self.limits.submission_bytes))
            except _TooBig:
                self.problem(
                    where,
                    f"expands past the size limit ({self.limits.submission_bytes // 2**20} MB)",
                    student=self._guess_student(where),
                )
                budget -= self.limits.submission_bytes
                if budget <= 0:
                    self.problem(
                        rel,
                        "expands past the size limit for a whole download; "
                        "the remaining files were not read",
                    )
                    return
                continue
            except _zip_errors() as error:
                self.problem(
                    where,
                    f"could not be read from the zip ({error})",
                    student=self._guess_student(where),
                )
                continue
            budget -= len(data)
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    if MANIFEST in inner.namelist():
                        self._submission(inner, where, data=data)
                    else:
                        self._container(inner, where, depth + 1)
            except _zip_errors() as error:
                self.problem(
                    where,
                    f"not a readable zip file ({error}); it may be damaged or cut short",
                    student=self._guess_student(where),
                )

    # -- one submission -----------------------------------------------------------------

    def _submission(
        self,
        archive: zipfile.ZipFile,
        rel: str,
        *,
        on_disk: Path | None = None,
        data: bytes | None = None,
    ) -> None:
        guess = self._guess_student(rel)
        files, reason = self._safe_members(archive)
        if reason:
            self.problem(rel, reason, student=guess)
            return
        path = on_disk or self._scratch_copy(data or b"")
        try:
            manifest = verify_submission(path)
        except SubmissionError as error:
            message = str(error).split(" Build the file again")[0]
            self.problem(rel, message, student=guess)
            return
        finally:
            if on_disk is None:
                path.unlink(missing_ok=True)
        student = manifest.get("student") or {}
        student_id = student.get("id") if isinstance(student, dict) else None
        name = student.get("name") if isinstance(student, dict) else None
        if not isinstance(student_id, str) or not is_valid_student_id(student_id):
            self.problem(
                rel, f"its manifest names no valid student id ({student_id!r})", student=guess
            )
            return
        usable, note = check_kit_version(manifest.get("kit_version"))
        if not usable:
            self.problem(rel, note, student=student_id)
            return
        documents, notebooks, notes = {}, {}, [note] if note else []
        for member, content in files.items():
            parts = member.split("/")
            if len(parts) == 2 and parts[0] == "responses" and parts[1].endswith(".json"):
                document = _document(content)
                if document is None:
                    notes.append(f"{member} is not a readable response document: skipped")
                else:
                    documents[parts[1][: -len(".json")]] = document
            elif len(parts) == 2 and parts[0] == "exercises" and parts[1].endswith(".ipynb"):
                notebooks[parts[1][: -len(".ipynb")]] = content
        origin = replace(parse_lms_name(rel.replace(" › ", "/").split("/")), source=rel)
        self.submissions.append(
            Submission(
                origin=origin,
                student_id=student_id,
                student_name=name if isinstance(name, str) and name.strip() else student_id,
                created=str(manifest.get("created") or ""),
                kit_version=str(manifest.get("kit_version")),
                documents=documents,
                notebooks=notebooks,
                notes=notes,
            )
        )

    def _safe_members(self, archive: zipfile.ZipFile) -> tuple[dict[str, bytes], str]:
        infos = archive.infolist()
        if len(infos) > self.limits.submission_members:
            return {}, (
                f"holds {len(infos)} files, more than the limit of {self.limits.submission_members}"
            )
        files: dict[str, bytes] = {}
        budget = self.limits.submission_bytes
        for info in infos:
            reason = unsafe_member(info.filename)
            if reason:
                return {}, f"holds a file name with {reason}: {info.filename!r}"
            if _is_symlink(info):
                return {}, f"holds a symbolic link: {info.filename!r}"
            if info.filename.endswith("/"):
                continue
            if info.filename in files:
                return {}, f"holds {info.filename!r} twice"
            try:
                files[info.filename] = _read_member(archive, info, budget)
            except _TooBig:
                return {}, (
                    f"expands past the size limit ({self.limits.submission_bytes // 2**20} MB)"
                )
            except _zip_errors() as error:
                return {}, f"not a readable zip file ({error}); it may be damaged or cut short"
            budget -= len(files[info.filename])
        return files, ""

    def _scratch_copy(self, data: bytes) -> Path:
        self._counter += 1
        path = self.scratch / f"nested-{self._counter}.zip"
        path.write_bytes(data)
        return path


def _document(content: bytes) -> dict[str, Any] | None:
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    answers, checks = document.get("answers", {}), document.get("checks", {})
    if not isinstance(answers, dict) or not isinstance(checks, dict):
        return None
    return document


def collect(root: Path, limits: Limits | None = None) -> tuple[list[Submission], list[Problem]]:
    """Every verified submission under `root` (a folder or one zip), and every problem."""
    with tempfile.TemporaryDirectory(prefix="dc-ingest-") as scratch:
        collector = Collector(limits or Limits(), Path(scratch))
        collector.walk(Path(root))
    return collector.submissions, collector.problems


# ---------------------------------------------------------------------------------------
# Students: roster, LMS ids, duplicates


def read_roster(path: Path) -> dict[str, RosterEntry]:
    """The roster CSV (kit_id, lms_id, name, section, sis_user_id, sis_login_id) by kit id.

    A spreadsheet's byte-order mark and stray spaces are tolerated; a file without a
    kit_id column is refused (ValueError) rather than silently matching nobody.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
        if "kit_id" not in fields:
            raise ValueError(
                f"{path} has no kit_id column; expected the columns kit_id, lms_id, name, "
                "section, sis_user_id, sis_login_id"
            )
        roster: dict[str, RosterEntry] = {}
        for row in reader:

            def get(column: str, row: dict[str, Any] = row) -> str:
                return str(row.get(fields.get(column, ""), "") or "").strip()

            kit_id = get("kit_id").lower()
            if not kit_id:
                continue
            if not is_valid_student_id(kit_id):
                raise ValueError(
                    f"{path}, line {reader.line_num}: {kit_id!r} is not a kit id (lower-case "
                    "letters, digits, '.', '_' and '-', as the kit makes them from names)"
                )
            roster[kit_id] = RosterEntry(
                kit_id=kit_id,
                lms_id=get("lms_id"),
                name=get("name"),
                section=get("section"),
                sis_user_id=get("sis_user_id"),
                sis_login_id=get("sis_login_id"),
            )
    return roster


def _order_key(submission: Submission) -> tuple[str, int, str]:
    number = submission.origin.lms_submission
    return (submission.created, int(number) if number.isdigit() else -1, submission.origin.source)


def assign_students(
    submissions: list[Submission], roster: dict[str, RosterEntry] | None
) -> tuple[dict[str, Student], list[Problem]]:
    """Group submissions by student (the LMS's id wins over the kit id); latest counts.

    A roster maps kit ids to LMS ids where names do not match: a file Canvas or Moodle
    attributes to LMS user 4821 belongs to the roster row with lms_id 4821, whatever name
    the student typed into the kit. Every roster row gets a Student, submitted or not.
    """
    roster = roster or {}
    by_lms = {entry.lms_id: entry for entry in roster.values() if entry.lms_id}
    problems: list[Problem] = []
    groups: dict[str, list[Submission]] = {}
    for submission in submissions:
        origin = submission.origin
        entry = by_lms.get(origin.lms_id) if origin.lms_id else None
        if entry is None:
            entry = roster.get(submission.student_id)
        key = entry.kit_id if entry is not None else submission.student_id
        if entry is not None and key != submission.student_id:
            problems.append(
                Problem(
                    origin.source,
                    key,
                    f"built under kit id {submission.student_id!r}; the roster gives LMS id "
                    f"{entry.lms_id} to {key!r}",
                    f"{GRADED} as {key}",
                )
            )
        groups.setdefault(key, []).append(submission)
    students: dict[str, Student] = {}
    for key, entry in sorted(roster.items()):
        students[key] = Student(
            key=key,
            name=entry.name or key,
            lms_id=entry.lms_id,
            section=entry.section,
            sis_user_id=entry.sis_user_id,
            sis_login_id=entry.sis_login_id,
        )
    for key, group in sorted(groups.items()):
        group.sort(key=_order_key)
        latest = group[-1]
        student = students.get(key) or Student(key=key, name=latest.student_name)
        student.submission = latest
        student.late = latest.origin.late
        student.sources = [s.origin.source for s in group]
        if not student.lms_id:
            student.lms_id = latest.origin.lms_id
        students[key] = student
        if len(group) > 1:
            for older in group[:-1]:
                problems.append(
                    Problem(
                        older.origin.source,
                        key,
                        f"{len(group)} submissions from this student; the latest "
                        f"({latest.created or 'undated'}, {latest.origin.source}) counts",
                        GRADED_OTHER,
                    )
                )
            problems.append(
                Problem(
                    latest.origin.source,
                    key,
                    f"latest of {len(group)} submissions from this student",
                    GRADED,
                )
            )
        for note in latest.notes:
            problems.append(Problem(latest.origin.source, key, note, GRADED))
    return students, problems


def iter_documents(submission: Submission) -> Iterator[tuple[str, dict[str, Any]]]:
    """(notebook, document) pairs in a stable order."""
    yield from sorted(submission.documents.items())
