"""Finding, opening and checking submissions, and knowing whose account each one came from.

## Identity comes from where a file came from, never from what it says

A submission's manifest says which kit id and name the student typed. Anyone can type any
name, so the grader never decides *whose grade* a file is from its contents. It decides
from the **account** that uploaded it, as the place the file came from says:

| Source | Account id                                  | Order of resubmissions              |
|--------|---------------------------------------------|-------------------------------------|
| canvas | Canvas user id in Canvas's file name        | `-N` resubmission suffix, then time |
| moodle | participant id in Moodle's folder/file name | upload time                         |
| hub    | hub user (issue 13: the service's receipts) | the receipt's `received_at`         |
| folder | none: a plain folder vouches for no one     | file time                           |

An `Account` (kind, id, display name) is read from the **outermost** LMS-named part of a
file's path: the name Canvas or Moodle gave the upload. A name inside a student's upload
(a zip holding a zip named like a classmate's Canvas file) never changes the account. An
`Upload` is one file as it arrived, with its account and the LMS's ordering information
(submission number, upload time), never a date the student wrote. `roster.assign_students`
then gives every account one row, so an upload counts only for the account that uploaded it.

## Sources of uploads: the one interface

Everything the grader reads comes from an `UploadSource`: one method, `arrivals()`, that
yields each file once, in a stable order, as an `Arrival(path, label, upload, sha256,
refused)`. A source that knows who sent a file says so in `upload`; one that does not leaves
it None, and the collector reads the account from the LMS's names (in the path and, for a
bulk download kept zipped, inside it). `collect(source)` and `grade(submissions=source)`
accept any source; a path is read as a `FolderSource`.

| Source                         | Implementation           | `Arrival.upload`                     |
|--------------------------------|--------------------------|--------------------------------------|
| Canvas or Moodle bulk download | `FolderSource(path)`     | None: the LMS's names say            |
| a plain folder, or one zip     | `FolderSource(path)`     | None: no account (`Account(FOLDER)`) |
| the hub's course service      | `hub.inbox` sources      | `Upload(account=Account(HUB, user))` |

The hub's sources are a few lines over `hub.inbox` (`HubStorageSource` over
`from_storage(root)` for `grade STORAGE_DIR`, `HubServiceSource` over `from_service` for
`grade --from-hub URL`, each giving every hub user's newest `HandIn` with the service's
receipt): for each, `Arrival(path=h.path, label=h.source, upload=Upload(h.source,
Account(HUB, h.user), h.received_at), sha256=h.receipt["sha256"])`. The collector refuses
a file whose SHA-256 is not the one the source recorded, or that cannot be read, as that hub
user's damaged submission; the rest (caps, manifest checks, rows, flags) is shared, and a
roster's `hub_user` column maps hub users to kit ids.

Grading shards (`--shard I/N`) need nothing more: every shard collects every file and
resolves identities (so resubmissions and shared names are seen whole), then keeps the rows
with `shard_of(student.owner, N) == I`. `owner` is the account key (`canvas:4821`,
`hub:asilva`), `folder:<kit id>` in a plain folder (where no account vouches),
`roster:<kit id>` for a roster row that handed nothing in (a damaged file's row takes the
account the file's name gave, if any): every upload of one account, and every row it makes,
lands in the same shard.

## Opening files

Every zip is read in memory, never extracted: member names are checked (no absolute paths,
no `..`, no drive letters or backslashes, no symbolic links), each member is capped by what
it is before it inflates, and one `archive.Budget` bounds the whole run (bytes inflated,
zips opened inside zips), so a small file that expands without end, or a zip of zips of
zips, is refused in a moment. Each manifest field is validated
(`handin.submission.validate_manifest`) and the files are checked against their SHA-256.
Response documents are capped in size and number of values before they are parsed;
notebooks are hashed and not kept (`Submission.notebooks` reads them again when `--execute`
needs them). Anything wrong becomes a `Problem` with a plain reason; it never stops the
other students' grading.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol, runtime_checkable

from diplomatic_cover._version import __version__
from diplomatic_cover.grading.archive import (
    Budget,
    Limits,
    TooBig,
    hash_member,
    load_json,
    read_member,
    zip_errors,
)
from diplomatic_cover.handin.submission import (
    MANIFEST,
    SubmissionError,
    check_files,
    validate_manifest,
)

REJECTED = "rejected"
IGNORED = "ignored"
GRADED = "graded"
GRADED_OTHER = "graded another file"
NOT_GRADED = "not graded"

CANVAS, MOODLE, FOLDER, HUB = "canvas", "moodle", "folder", "hub"
_KIND_NAMES = {CANVAS: "Canvas user", MOODLE: "Moodle participant", HUB: "hub user"}

_CANVAS = re.compile(
    r"^(?P<name>[^_/]+?)_(?:(?P<late>LATE)_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$"
)
_MOODLE = re.compile(
    r"^(?P<name>.+?)_(?P<participant>\d+)_assign(?:submission|feedback)_[a-z]+_(?P<file>.*)$"
)
# The Hand in button's file name; a browser's " (1)" on a second download is not part of the
# id, but a trailing "-9" may be ("student-009"), so it stays.
_KIT_NAME = re.compile(r"^submission-(?P<id>[a-z0-9._-]+?)(?: ?\(\d+\))?\.zip$")
_SKIPPED_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")
_SEPARATOR = " › "

__all__ = [
    "CANVAS",
    "FOLDER",
    "GRADED",
    "GRADED_OTHER",
    "HUB",
    "IGNORED",
    "MOODLE",
    "NOT_GRADED",
    "REJECTED",
    "Account",
    "Arrival",
    "Collector",
    "FolderSource",
    "Limits",
    "Problem",
    "Submission",
    "Upload",
    "UploadSource",
    "check_kit_version",
    "collect",
    "shard_of",
]


# ---------------------------------------------------------------------------------------
# Accounts and uploads


@dataclass(frozen=True)
class Account:
    """Who uploaded a file, as the LMS, the hub or the folder says (never the file itself).

    `kind` is CANVAS, MOODLE, HUB or FOLDER; `id` the LMS user id, Moodle participant id or
    hub user ("" in a plain folder, which vouches for no one); `name` the display name the
    LMS shows.
    """

    kind: str
    id: str = ""
    name: str = ""

    @property
    def key(self) -> str:
        """ "canvas:4821", "moodle:1077", "hub:asilva"; "" for a plain folder."""
        return f"{self.kind}:{self.id}" if self.id else ""

    def describe(self) -> str:
        """The account in words, for problems.csv: "Canvas user 4821 (silvaana)"."""
        if not self.id:
            return "a plain folder (no account)"
        text = f"{_KIND_NAMES.get(self.kind, self.kind)} {self.id}"
        return f"{text} ({self.name})" if self.name else text


def shard_of(key: str, shards: int) -> int:
    """Which of `shards` grading shards a key (an account, or a kit id) belongs to; stable."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % max(shards, 1)


@dataclass(frozen=True)
class Upload:
    """One file as it arrived: the account that sent it and the LMS's order information.

    `number` is the LMS's resubmission number where it gives one (Canvas's `-N`, set by
    `roster`), `received_at` the upload time as the LMS, the hub or the file system says
    (ISO 8601; without a zone it is this machine's local time, as zip times are), `late` the
    LMS's own late mark. `created` in the manifest is the student's clock and never counts.
    """

    source: str
    account: Account
    received_at: str = ""
    late: bool = False
    lms_submission: str = ""
    original_name: str = ""


@dataclass(frozen=True)
class Arrival:
    """One file a source hands to the grader, and what the source vouches for.

    `label` names the file in problems.csv and the progress line. `upload` is who sent it
    when the source knows (the hub's receipt); None lets the collector read the account from
    the LMS's names, or find none (a plain folder). `sha256`, when the source recorded one
    on receipt, must be the file's. `refused` is why the source does not hand the file over
    (a symbolic link): the collector lists it in problems.csv and reads nothing.
    `unreadable` is why the source could not fetch a file its account did send (the hub's
    service refused one download): that account's damaged submission, never a file nobody sent.
    """

    path: Path
    label: str
    upload: Upload | None = None
    sha256: str = ""
    refused: str = ""
    unreadable: str = ""


@runtime_checkable
class UploadSource(Protocol):
    """Where uploads come from, and who sent each one: the interface `collect` reads.

    `arrivals()` yields every file once, in a stable order (see the module docstring for
    the sources there are). A source that cannot be read at all should
    say so before grading starts (in its constructor), so nothing is written.
    """

    def arrivals(self) -> Iterator[Arrival]:
        """Every file of the source, once, in a stable order."""
        ...


class FolderSource:
    """A folder read recursively, or one file: an LMS's bulk download, or a plain folder.

    The account of each file comes from the names Canvas or Moodle gave it (in its path, or
    inside a bulk download kept zipped); a plain folder's files have none. Hidden files and
    folders, `__MACOSX` and desktop clutter are skipped; symbolic links are refused, never
    followed (they could lead a grader anywhere on the disk).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def single_file(self) -> bool:
        """True when the source is one file (a late submission graded alone)."""
        return self.root.is_file()

    def arrivals(self) -> Iterator[Arrival]:
        root = self.root
        if root.is_file():
            yield Arrival(root, root.name)
            return
        if not root.is_dir():
            yield Arrival(root, str(root), refused="there is no such file or folder")
            return
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
            here = Path(folder)
            for link in [d for d in dirs if (here / d).is_symlink()]:
                dirs.remove(link)
                yield Arrival(here / link, _relative(here / link, root), refused=_LINK)
            for name in sorted(files):
                if _skipped(name):
                    continue
                path = here / name
                label = _relative(path, root)
                yield Arrival(path, label, refused=_LINK if path.is_symlink() else "")


_LINK = "a symbolic link: not followed"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


@dataclass(frozen=True)
class Problem:
    """Something about one input file or student the instructor should know, and its outcome.

    `account` (an account key) and `kit_id` (the id a file name suggests) say whom a file
    that could not be read probably belongs to, so a roster student's damaged file shows as
    a damaged submission, not as none.
    """

    source: str
    student: str
    reason: str
    action: str
    account: str = ""
    kit_id: str = ""

    def as_row(self) -> dict[str, str]:
        """The problem as a row of problems.csv."""
        return {
            "file": self.source,
            "student": self.student,
            "problem": self.reason,
            "action": self.action,
        }


@dataclass(frozen=True)
class _Where:
    """Where a file is: a path on disk, then member names inside zips (outermost first)."""

    disk: Path
    rel: str
    members: tuple[str, ...] = ()

    def inside(self, member: str) -> _Where:
        return _Where(self.disk, self.rel, (*self.members, member))

    @property
    def label(self) -> str:
        return _SEPARATOR.join((self.rel, *self.members))

    @property
    def parts(self) -> list[str]:
        """Every path part, disk folders and zip members alike, outermost first."""
        found = [p for p in self.rel.split("/") if p]
        for member in self.members:
            found += [p for p in member.split("/") if p]
        return found


@dataclass
class Submission:
    """One verified submission: the upload it came in, what it says, and its documents.

    `documents` are the parsed response documents (capped). Notebooks are not kept:
    `notebooks` reads them from the file again (for `--execute`). `installs` maps each
    notebook to the time its answer store document was started (which install made it);
    `fingerprints` identify each document by its revisions and save times, so a document
    copied from a classmate is recognised. `warnings` are for a person to look at.
    """

    upload: Upload
    source: str
    sha256: str
    student_id: str
    student_name: str
    created: str
    kit_version: str
    documents: dict[str, dict[str, Any]]
    notebook_names: tuple[str, ...] = ()
    installs: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    where: _Where | None = field(default=None, repr=False)
    limits: Limits = field(default_factory=Limits, repr=False)

    @property
    def account(self) -> Account:
        """The account that uploaded it."""
        return self.upload.account

    @property
    def owner(self) -> str:
        """What the submission is grouped (and sharded) by: its account, else its kit id."""
        return self.account.key or f"{FOLDER}:{self.student_id}"

    @property
    def notebooks(self) -> dict[str, bytes]:
        """The exercise notebooks (name -> bytes), read from the file again; {} if it moved."""
        if self.where is None or not self.notebook_names:
            return {}
        try:
            return _reread_notebooks(self.where, self.sha256, self.limits)
        except (TooBig, SubmissionError, *zip_errors()):
            return {}


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


@dataclass(frozen=True)
class LmsName:
    """What the outermost LMS-made name in a path says, and which part is the upload."""

    account: Account
    upload_parts: int
    late: bool = False
    lms_submission: str = ""
    original_name: str = ""


def parse_lms_name(parts: list[str]) -> LmsName | None:
    """The account from the outermost Canvas or Moodle name among `parts` (outermost first).

    Only the outermost counts: it is the name the LMS gave the upload. Names further in are
    what a student put inside their own upload, and never change whose upload it is.
    """
    for index, part in enumerate(parts):
        canvas = _CANVAS.match(part)
        if canvas:
            return LmsName(
                Account(CANVAS, canvas.group("user"), canvas.group("name")),
                upload_parts=index + 1,
                late=bool(canvas.group("late")),
                lms_submission=canvas.group("submission"),
                original_name=canvas.group("file"),
            )
        moodle = _MOODLE.match(part)
        if moodle:
            # Folder style ("Name_1077_assignsubmission_file_/x.zip"): the upload is the
            # file inside; old style prefixes the file name itself.
            inside = moodle.group("file") == "" and index + 1 < len(parts)
            return LmsName(
                Account(MOODLE, moodle.group("participant"), moodle.group("name").strip()),
                upload_parts=index + 2 if inside else index + 1,
                original_name=parts[index + 1] if inside else moodle.group("file"),
            )
    return None


def kit_id_in_name(name: str) -> str:
    """The kit id a Hand in file name carries ("submission-ana-silva.zip" -> "ana-silva")."""
    found = _KIT_NAME.match(name)
    return found.group("id") if found else ""


_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:[.+-]?[A-Za-z0-9.+-]*)?$")


def version_tuple(text: object) -> tuple[int, int, int] | None:
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
    theirs, ours = version_tuple(version), version_tuple(__version__)
    if theirs is None or ours is None:
        return False, f"unknown kit version {str(version)[:40]!r} in its manifest"
    if theirs[:2] > ours[:2]:
        return False, (
            f"built with kit {version}, newer than this grader's kit {__version__}: "
            "update the instructors' kit and grade again"
        )
    if theirs[:2] < ours[:2]:
        return True, f"built with an older kit ({version}; grader {__version__})"
    return True, ""


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _zip_time(info: zipfile.ZipInfo) -> str:
    try:
        return datetime(*info.date_time).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return ""


# ---------------------------------------------------------------------------------------
# Reading one submission's members


@dataclass
class _Members:
    """What a submission zip holds, read under the caps: JSON kept, the rest only hashed."""

    digests: dict[str, str] = field(default_factory=dict)
    json: dict[str, bytes] = field(default_factory=dict)
    notebooks: list[str] = field(default_factory=list)


def _member_cap(name: str, limits: Limits) -> tuple[int, bool]:
    """(cap in bytes, keep the bytes) for a member of a submission, by what it is."""
    parts = name.split("/")
    if name == MANIFEST:
        return limits.manifest_bytes, True
    if len(parts) == 2 and parts[0] == "responses" and parts[1].endswith(".json"):
        return limits.json_bytes, True
    if len(parts) == 2 and parts[0] == "exercises" and parts[1].endswith(".ipynb"):
        return limits.notebook_bytes, False
    return limits.other_bytes, False


def _read_members(archive: zipfile.ZipFile, limits: Limits, budget: Budget) -> _Members:
    """Every member checked and capped; SubmissionError (or TooBig) with the reason."""
    infos = archive.infolist()
    if len(infos) > limits.submission_members:
        raise SubmissionError(
            f"holds {len(infos)} files, more than the limit of {limits.submission_members}"
        )
    found = _Members()
    left = limits.submission_bytes
    for info in infos:
        name = info.filename
        reason = unsafe_member(name)
        if reason:
            raise SubmissionError(f"holds a file name with {reason}: {name[:120]!r}")
        if _is_symlink(info):
            raise SubmissionError(f"holds a symbolic link: {name[:120]!r}")
        if name.endswith("/"):
            continue
        if name in found.digests:
            raise SubmissionError(f"holds {name[:120]!r} twice")
        cap, keep = _member_cap(name, limits)
        cap = min(cap, left)
        if keep:
            data, digest = read_member(archive, info, cap, budget, name)
            found.json[name] = data
            left -= len(data)
        else:
            digest = hash_member(archive, info, cap, budget, name)
            left -= info.file_size
            if name.startswith("exercises/"):
                found.notebooks.append(name[len("exercises/") : -len(".ipynb")])
        found.digests[name] = digest
    return found


def _fingerprint(notebook: str, document: dict[str, Any]) -> str:
    """A document's revisions and save times: equal only for a copy of the same document."""
    entries = []
    for part in ("answers", "checks"):
        for qid, entry in sorted((document.get(part) or {}).items()):
            if isinstance(entry, dict):
                entries.append([part, qid, entry.get("revision"), entry.get("saved_at")])
    if not entries:
        return ""
    text = json.dumps([notebook, document.get("created"), document.get("revision"), entries])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _documents(
    members: _Members, student_id: str, limits: Limits
) -> tuple[dict[str, dict[str, Any]], list[str], list[str]]:
    """(documents by notebook, notes, warnings) from the response documents, capped."""
    documents: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    warnings: list[str] = []
    bytes_left, values_left = limits.submission_json_bytes, limits.submission_json_values
    for member, content in sorted(members.json.items()):
        if member == MANIFEST:
            continue
        notebook = member[len("responses/") : -len(".json")]
        try:
            document = load_json(
                content,
                member,
                max_bytes=min(limits.json_bytes, bytes_left),
                max_values=min(limits.json_values, values_left),
            )
        except (TooBig, ValueError) as error:
            notes.append(f"{error}: skipped")
            continue
        bytes_left -= len(content)
        values_left -= 1 + content.count(b",")
        answers = document.get("answers", {}) if isinstance(document, dict) else None
        checks = document.get("checks", {}) if isinstance(document, dict) else None
        if not isinstance(answers, dict) or not isinstance(checks, dict):
            notes.append(f"{member} is not a response document: skipped")
            continue
        owner = document.get("student")
        owner_id = owner.get("id") if isinstance(owner, dict) else None
        if isinstance(owner_id, str) and owner_id != student_id:
            warnings.append(
                f"{member} was saved by the kit of another student (id {owner_id[:64]!r}), "
                f"not {student_id!r}: copied?"
            )
        documents[notebook] = document
    return documents, notes, warnings


def _reread_notebooks(where: _Where, sha256: str, limits: Limits) -> dict[str, bytes]:
    """The notebooks of a submission read again from its file (SubmissionError if it changed)."""
    budget = Budget(limits)  # already paid for once; this only bounds the second read
    with zipfile.ZipFile(where.disk) as outer:
        archive, data = outer, None
        for member in where.members:
            data, _ = read_member(archive, archive.getinfo(member), limits.submission_bytes,
                                  budget, member)  # fmt: skip
            archive = zipfile.ZipFile(io.BytesIO(data))
        digest = hashlib.sha256(data).hexdigest() if data is not None else _file_sha256(where.disk)
        if digest != sha256:
            raise SubmissionError("the file changed while it was being graded")
        notebooks = {}
        for info in archive.infolist():
            name = info.filename
            if name.startswith("exercises/") and name.endswith(".ipynb") and name.count("/") == 1:
                data_nb, _ = read_member(archive, info, limits.notebook_bytes, budget, name)
                notebooks[name[len("exercises/") : -len(".ipynb")]] = data_nb
        return notebooks


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------
# Collecting


class Collector:
    """Walks the input, opening containers and submissions; keeps every problem found.

    `progress` (a text stream, e.g. stderr) gets a line naming the file being read once
    `every` seconds have passed since the last line, so a slow file is never silent.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        progress: IO[str] | None = None,
        every: float = 1.0,
    ) -> None:
        self.limits = limits or Limits()
        self.budget = Budget(self.limits)
        self.problems: list[Problem] = []
        self.submissions: list[Submission] = []
        self.progress = progress
        self.every = every
        self._said_at = time.monotonic()
        self._out_of_budget = False

    def problem(
        self,
        where: str,
        reason: str,
        action: str = REJECTED,
        *,
        guess: tuple[Account | None, str] = (None, ""),
    ) -> None:
        """Record a problem with one input file; `guess` = (account, kit id) where known."""
        account, kit_id = guess
        whom = kit_id or (account.describe() if account is not None else "")
        key = account.key if account is not None else ""
        self.problems.append(Problem(where, whom, reason, action, key, kit_id))

    def _reading(self, label: str) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self._said_at >= self.every:
            self._said_at = now
            self.progress.write(f"Reading {label[:150]}\n")
            self.progress.flush()

    # -- sources ----------------------------------------------------------------------

    def read(self, source: UploadSource) -> None:
        """Collect every file `source` hands over (see `UploadSource`)."""
        for arrival in source.arrivals():
            if arrival.refused:
                self.problem(arrival.label, arrival.refused, IGNORED)
                continue
            if arrival.unreadable:
                where = _Where(Path(arrival.path), arrival.label)
                self.problem(arrival.label, arrival.unreadable,
                             guess=self._guess(where, arrival.upload))  # fmt: skip
                continue
            self._file(_Where(Path(arrival.path), arrival.label), arrival.upload, arrival.sha256)

    def walk(self, root: Path) -> None:
        """Collect from a folder (recursively, symlinks not followed) or a single file."""
        self.read(FolderSource(root))

    def read_upload(self, path: Path, upload: Upload, sha256: str = "") -> None:
        """Read one file that `upload` says came from its account (a source that vouches)."""
        self._file(_Where(Path(path), upload.source), upload, sha256)

    def _file(self, where: _Where, upload: Upload | None = None, sha256: str = "") -> None:
        self._reading(where.label)
        if not where.disk.name.lower().endswith(".zip"):
            self._not_a_submission(where)
            return
        if sha256:
            try:
                same = _file_sha256(where.disk) == sha256.lower()
            except OSError as error:
                self.problem(where.label, f"could not be read ({error.strerror or error})",
                             guess=self._guess(where, upload))  # fmt: skip
                return
            if not same:
                self.problem(
                    where.label,
                    "not the file its source received (its SHA-256 differs from the receipt's): "
                    "changed or damaged since",
                    guess=self._guess(where, upload),
                )
                return
        if self._out_of_budget:
            self.problem(where.label, "not read: the run's reading budget was spent", NOT_GRADED,
                         guess=self._guess(where, upload))  # fmt: skip
            return
        upload = upload or self._upload_of(where)
        try:
            with zipfile.ZipFile(where.disk) as archive:
                if MANIFEST in archive.namelist():
                    self._submission(archive, where, upload)
                else:
                    self._container(archive, where, depth=1, upload=upload)
        except TooBig as error:
            self._too_big(where, error, upload)  # the whole file: one problem, however deep
        except zip_errors() as error:
            self.problem(
                where.label,
                f"not a readable zip file ({error}); it may be damaged or cut short",
                guess=self._guess(where, upload),
            )

    def _too_big(self, where: _Where, error: TooBig, upload: Upload | None = None) -> None:
        if self.budget.spent:
            self._out_of_budget = True
        self.problem(where.label, str(error), guess=self._guess(where, upload))

    def _not_a_submission(self, where: _Where) -> None:
        self.problem(
            where.label,
            "not a submission file (expected submission-<id>.zip from the Hand in button)",
            IGNORED,
            guess=self._guess(where),
        )

    @staticmethod
    def _guess(where: _Where, upload: Upload | None = None) -> tuple[Account | None, str]:
        """(account, kit id) a file that could not be read probably belongs to: the account
        its source vouched for, else the one an LMS name gives."""
        parts = where.parts
        lms = parse_lms_name(parts)
        kit = kit_id_in_name(parts[-1]) if parts else ""
        if upload is not None and upload.account.id:
            original = upload.original_name.split("/")[-1]
            return upload.account, kit or kit_id_in_name(original)
        if lms is not None:
            original = lms.original_name.split("/")[-1]
            return lms.account, kit or kit_id_in_name(original)
        return None, kit

    # -- zips of zips -------------------------------------------------------------------

    def _container(
        self, archive: zipfile.ZipFile, where: _Where, depth: int, upload: Upload | None
    ) -> None:
        if depth > self.limits.depth:
            self.problem(where.label, f"zips nested more than {self.limits.depth} deep")
            return
        infos = archive.infolist()
        if len(infos) > self.limits.container_members:
            self.problem(
                where.label,
                f"holds {len(infos)} files, more than the limit of "
                f"{self.limits.container_members}; not opened",
            )
            return
        if not any(i.filename.lower().endswith(".zip") for i in infos):
            self.problem(
                where.label,
                f"a zip without {MANIFEST}: not a submission built by the kit's Hand in "
                "button (the student may have zipped the files by hand)",
                guess=self._guess(where),
            )
            return
        for info in sorted(infos, key=lambda i: i.filename):
            if self._out_of_budget:
                self.problem(
                    where.label, "the remaining files were not read: the run's reading budget "
                    "was spent", NOT_GRADED,
                )  # fmt: skip
                return
            self._member(archive, info, where, depth, upload)

    def _member(
        self,
        archive: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        where: _Where,
        depth: int,
        upload: Upload | None,
    ) -> None:
        name = info.filename
        inner = where.inside(name)
        reason = unsafe_member(name)
        if reason:
            self.problem(inner.label, f"a file name with {reason}: not read")
            return
        if name.endswith("/") or _skipped(name):
            return
        if _is_symlink(info):
            self.problem(inner.label, "a symbolic link: not followed", IGNORED)
            return
        if not name.lower().endswith(".zip"):
            self._not_a_submission(inner)
            return
        self._reading(inner.label)
        # A file of its own (an upload the LMS named, or a member of a top-level bulk zip)
        # is where a bomb found anywhere inside it is reported, once; the rest of the
        # download goes on. Inside it, a bomb ends the whole file (raised up to here).
        own_upload = self._upload_of(inner, info) if upload is None else None
        boundary = upload is None and (own_upload is not None or depth == 1)
        upload = upload or own_upload
        try:
            data, _ = read_member(
                archive,
                info,
                self.limits.submission_bytes,
                self.budget,
                "this zip",
                ratio=self.limits.nested_ratio,
            )
            with zipfile.ZipFile(io.BytesIO(data)) as nested:
                if MANIFEST in nested.namelist():
                    self._submission(nested, inner, upload, data=data, received=_zip_time(info))
                else:
                    self.budget.open_container()
                    self._container(nested, inner, depth + 1, upload)
        except TooBig as error:
            if not boundary:
                raise
            self._too_big(inner, error, upload)
        except zip_errors() as error:
            self.problem(
                inner.label,
                f"not a readable zip file ({error}); it may be damaged or cut short",
                guess=self._guess(inner, upload),
            )

    def _upload_of(self, where: _Where, info: zipfile.ZipInfo | None = None) -> Upload | None:
        """The upload `where` is, if an LMS name says so (None: not decided yet)."""
        lms = parse_lms_name(where.parts)
        if lms is None:
            return None
        parts = where.parts
        label = _label(where, lms.upload_parts)
        received = _zip_time(info) if info is not None and where.members else ""
        if not where.members:
            received = _mtime(where.disk)
        return Upload(
            source=label,
            account=lms.account,
            received_at=received,
            late=lms.late,
            lms_submission=lms.lms_submission,
            original_name=lms.original_name or parts[-1],
        )

    # -- one submission -----------------------------------------------------------------

    def _submission(
        self,
        archive: zipfile.ZipFile,
        where: _Where,
        upload: Upload | None,
        *,
        data: bytes | None = None,
        received: str = "",
    ) -> None:
        guess = self._guess(where, upload)
        upload = (
            upload
            or self._upload_of(where)
            or Upload(
                source=where.label,
                account=Account(FOLDER),
                received_at=received if where.members else _mtime(where.disk),
                original_name=where.parts[-1],
            )
        )
        try:
            members = _read_members(archive, self.limits, self.budget)
            manifest = load_json(
                members.json.get(MANIFEST, b""),
                MANIFEST,
                max_bytes=self.limits.manifest_bytes,
                max_values=10_000,
            )
            manifest = validate_manifest(manifest, where.parts[-1])
            check_files(manifest, members.digests, where.parts[-1])
        except TooBig as error:
            self._too_big(where, error, upload)
            return
        except (SubmissionError, ValueError) as error:
            message = str(error).split(" Build the file again")[0]
            self.problem(where.label, message, guess=guess)
            return
        student_id = manifest["student"]["id"]
        usable, note = check_kit_version(manifest["kit_version"])
        if not usable:
            self.problem(where.label, note, guess=(guess[0], student_id))
            return
        documents, notes, warnings = _documents(members, student_id, self.limits)
        name = manifest["student"]["name"]
        sha256 = hashlib.sha256(data).hexdigest() if data is not None else _file_sha256(where.disk)
        self.submissions.append(
            Submission(
                upload=upload,
                source=where.label,
                sha256=sha256,
                student_id=student_id,
                student_name=name if name.strip() else student_id,
                created=manifest["created"],
                kit_version=manifest["kit_version"],
                documents=documents,
                notebook_names=tuple(sorted(members.notebooks)),
                installs={
                    nb: doc["created"]
                    for nb, doc in documents.items()
                    if isinstance(doc.get("created"), str)
                },
                fingerprints={
                    nb: fp for nb, doc in documents.items() if (fp := _fingerprint(nb, doc))
                },
                notes=([note] if note else []) + notes,
                warnings=warnings,
                where=where,
                limits=self.limits,
            )
        )


def _mtime(path: Path) -> str:
    try:
        return _utc(path.stat().st_mtime)
    except OSError:
        return ""


def _label(where: _Where, upto: int) -> str:
    """The label of `where` cut after its first `upto` path parts (the upload's own name)."""
    pieces: list[str] = []
    count = 0
    for segment in (where.rel, *where.members):
        parts = [p for p in segment.split("/") if p]
        if count + len(parts) >= upto:
            pieces.append("/".join(parts[: upto - count]))
            break
        pieces.append(segment)
        count += len(parts)
    return _SEPARATOR.join(pieces)


def collect(
    source: Path | str | UploadSource,
    limits: Limits | None = None,
    progress: IO[str] | None = None,
) -> tuple[list[Submission], list[Problem]]:
    """Every verified submission from `source` (a folder, one zip, or any `UploadSource`),
    and every problem."""
    collector = Collector(limits, progress)
    collector.read(as_source(source))
    return collector.submissions, collector.problems


def as_source(source: Path | str | UploadSource) -> UploadSource:
    """`source` itself, or a `FolderSource` for a path."""
    return FolderSource(Path(source)) if isinstance(source, (str, os.PathLike)) else source


def iter_documents(submission: Submission) -> Iterator[tuple[str, dict[str, Any]]]:
    """(notebook, document) pairs in a stable order."""
    yield from sorted(submission.documents.items())
