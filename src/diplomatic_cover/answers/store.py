"""The durable answer store: one JSON document per student per notebook, never lost.

Students' answers must survive kernel restarts, crashes mid-save, two kernels of the same
student writing at once, and network home directories (NFS on JupyterHub) where SQLite and
`fcntl` locks are unreliable. So the store uses only operations that hold on such systems:

* A lock file created with `O_CREAT | O_EXCL` beside the document. It records pid, host and
  time; a waiter breaks it when it is older than `stale_lock_seconds`, or at once when its
  owner is a process on this machine that no longer exists (a kernel killed mid-save).
  Breaking renames the lock to a unique name first, so two breakers cannot both win.
* Every change is read-merge-write under that lock: the document is read afresh, one
  answer is changed, and the whole document is written back. Two kernels writing different
  questions therefore never lose each other's answers.
* The new version is written to a temporary file in the same folder, flushed and fsynced,
  then `os.replace`d onto the document, and the folder is fsynced. A crash leaves the old
  or the new version, never a half-written one. Before replacing, the writer checks that
  the lock is still its own (a writer stalled past the stale timeout starts over instead
  of overwriting newer answers).
* Folders are made 0700 and documents written 0600 (`safe_files.private_folder`,
  `PRIVATE_FILE`): on a shared machine no classmate can read them.
* A document that cannot be read (not JSON, wrong schema, wrong types) is renamed to
  `<notebook>.json.unreadable-<UTC stamp>`, never deleted or overwritten; the student is
  told through `pop_notices()` and a fresh document is started.

The lock, the atomic write and setting a file aside are `diplomatic_cover.safe_files`, which
the grader uses too. Standard library only, so saving an answer never waits for pandas or
jsonschema to import.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diplomatic_cover import paths
from diplomatic_cover._version import __version__
from diplomatic_cover.safe_files import (
    DEFAULT_STALE_LOCK_SECONDS,
    PRIVATE_FILE,
    FileLock,
    StoreError,
    atomic_write_bytes,
    cannot_save,
    file_lock,
    private_folder,
    set_aside,
    unlink_quietly,
    utc_now,
)

if TYPE_CHECKING:
    from diplomatic_cover.answers.identity import Student

SCHEMA = "diplomatic-cover.responses"
SCHEMA_VERSION = 1
MAX_NAME_LENGTH = 100

_NAME = re.compile(r"[A-Za-z0-9._-]+")
_STUDENT_ID = re.compile(r"[a-z0-9._-]+")
_STUDENT_ID_LENGTH = 64


class _LockLost(Exception):
    """Our lock was broken while we worked (we stalled past the stale timeout): start over."""


# ---------------------------------------------------------------------------------------
# Names


def is_valid_student_id(student_id: str) -> bool:
    """True for ids `identity.student_id_from_name` can produce: lower-case, file-safe."""
    return (
        isinstance(student_id, str)
        and len(student_id) <= _STUDENT_ID_LENGTH
        and _STUDENT_ID.fullmatch(student_id) is not None
        and not student_id.startswith((".", "-"))
        and ".." not in student_id
    )


def _check_name(kind: str, value: object) -> str:
    """Reject notebook names and question ids that are not plain file-safe words.

    A leading dot is refused too: it rules out "." and "..", hidden files, and clashes with
    the store's own `.lock` and `.tmp` files.
    """
    if (
        not isinstance(value, str)
        or len(value) > MAX_NAME_LENGTH
        or _NAME.fullmatch(value) is None
        or value.startswith(".")
    ):
        raise StoreError(
            f"{value!r} is not a valid {kind}: use letters, digits, '.', '_' and '-' only "
            f"(at most {MAX_NAME_LENGTH} characters, not starting with '.')."
        )
    return value


def _check_student_id(student_id: object) -> str:
    if not is_valid_student_id(student_id):  # type: ignore[arg-type]
        raise StoreError(
            f"{student_id!r} is not a valid student id; use identity.set_student('Your Name') "
            "to choose one."
        )
    return student_id  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------
# The document


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entries_ok(entries: object, flag: str, flag_types: tuple[type, ...]) -> bool:
    if not isinstance(entries, dict):
        return False
    for entry in entries.values():
        if not (
            isinstance(entry, dict)
            and "value" in entry
            and isinstance(entry.get(flag), flag_types)
            and isinstance(entry.get("saved_at"), str)
            and _is_int(entry.get("revision"))
        ):
            return False
        if flag == "valid" and not isinstance(entry.get("raw"), str | type(None)):
            return False
    return True


def _matches_schema(document: object, student_id: str, notebook: str) -> bool:
    """True when `document` is a version-1 response document for this student and notebook.

    A document filed under another student or notebook (a copied file) does not match: it
    is set aside rather than silently taken over.
    """
    if not isinstance(document, dict):
        return False
    student = document.get("student")
    return (
        document.get("schema") == SCHEMA
        and _is_int(document.get("schema_version"))
        and document.get("schema_version") == SCHEMA_VERSION
        and isinstance(document.get("kit_version"), str)
        and isinstance(student, dict)
        and isinstance(student.get("id"), str)
        and isinstance(student.get("name"), str)
        and student["id"].casefold() == student_id.casefold()
        and isinstance(document.get("notebook"), str)
        and document["notebook"].casefold() == notebook.casefold()
        and isinstance(document.get("created"), str)
        and isinstance(document.get("updated"), str)
        and _is_int(document.get("revision"))
        and _entries_ok(document.get("answers"), "valid", (bool,))
        and _entries_ok(document.get("checks"), "passed", (bool, type(None)))
        and _reveals_ok(document.get("reveals", {}))
    )


def _reveals_ok(reveals: object) -> bool:
    """Reveal records: when each ran, and the answers saved before it (optional key)."""
    return isinstance(reveals, dict) and all(
        isinstance(record, dict)
        and isinstance(record.get("at"), str)
        and _entries_ok(record.get("answers"), "valid", (bool,))
        for record in reveals.values()
    )


def _plain(value: Any, what: str) -> Any:
    """`value` as it will read back from JSON; StoreError if it is not plain data."""
    try:
        return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError, RecursionError) as error:
        raise StoreError(
            f"{what} could not be saved: it must be plain data (text, numbers, True/False, "
            f"None, lists and dicts of those), not {type(value).__name__} ({error})."
        ) from error


def _encode(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


class ResponseStore:
    """Students' answers, one JSON document per student per notebook, safe to share.

    `folder` defaults to `paths.responses_dir()` (read once, here) and is created on the
    first save. `stale_lock_seconds` is how old another writer's lock must be before it is
    treated as abandoned and broken; keep the default on shared file systems, where a slow
    server can stall a live writer for seconds. Tests of crashes pass a short value.
    (A lock whose owner is a process on this machine that has ended is broken at once,
    whatever its age.) `lock_timeout` is how long a save waits for the lock before giving
    up with a StoreError; by default twice the stale timeout plus 10 s.
    """

    def __init__(
        self,
        folder: Path | None = None,
        *,
        stale_lock_seconds: float = DEFAULT_STALE_LOCK_SECONDS,
        lock_timeout: float | None = None,
    ) -> None:
        self.folder = Path(folder) if folder is not None else paths.responses_dir()
        self.stale_lock_seconds = stale_lock_seconds
        self.lock_timeout = lock_timeout
        self._notices: list[str] = []

    # -- where things are ----------------------------------------------------------------

    def document_path(self, student: Student, notebook: str) -> Path:
        """The file holding `student`'s answers for `notebook` (it may not exist yet)."""
        student_id = _check_student_id(student.id)
        return self.folder / student_id / f"{_check_name('notebook name', notebook)}.json"

    def students(self) -> list[str]:
        """Ids of students with a folder in the store, sorted."""
        try:
            entries = list(os.scandir(self.folder))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(
            entry.name
            for entry in entries
            if is_valid_student_id(entry.name) and entry.is_dir(follow_symlinks=False)
        )

    def documents(self, student_id: str) -> list[Path]:
        """The student's documents (one per notebook), sorted; set-aside files excluded."""
        folder = self.folder / _check_student_id(student_id)
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for entry in entries:
            stem, dot, extension = entry.name.rpartition(".")
            if (
                dot
                and extension == "json"
                and _NAME.fullmatch(stem)
                and not stem.startswith(".")
                and entry.is_file()
            ):
                found.append(folder / entry.name)
        return sorted(found)

    # -- reading -------------------------------------------------------------------------

    def _new_document(self, student: Student, notebook: str) -> dict[str, Any]:
        now = utc_now()
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "kit_version": __version__,
            "student": {"id": student.id, "name": student.name},
            "notebook": notebook,
            "created": now,
            "updated": now,
            "revision": 0,
            "answers": {},
            "checks": {},
        }

    def _parse(self, path: Path, student: Student, notebook: str) -> dict[str, Any] | None:
        """The document at `path`; None if it does not exist; ValueError if unreadable."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(
                f"Your saved answers for {notebook} could not be opened "
                f"({error.strerror or error}). Tell your instructor."
            ) from error
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, RecursionError) as error:
            raise ValueError("not UTF-8 JSON") from error
        if not _matches_schema(document, student.id, notebook):
            raise ValueError("does not match the schema")
        return document

    def _read_or_set_aside(self, path: Path, student: Student, notebook: str) -> dict[str, Any]:
        """Read the document while holding its lock; set it aside if unreadable."""
        try:
            document = self._parse(path, student, notebook)
        except ValueError:
            kept = set_aside(path)
            self._notices.append(
                f"Your saved answers for {notebook} could not be read; the file was kept as "
                f"{kept} and a fresh one started. Tell your instructor."
            )
            document = None
        return document if document is not None else self._new_document(student, notebook)

    def load(self, student: Student, notebook: str) -> dict[str, Any]:
        """The student's document for `notebook`; an empty one (not yet saved) if none exists.

        Reading needs no lock (files are only ever replaced whole), except to set aside a
        document that cannot be read.
        """
        path = self.document_path(student, notebook)
        try:
            document = self._parse(path, student, notebook)
        except ValueError:
            with self._lock(path):
                document = self._read_or_set_aside(path, student, notebook)
        return document if document is not None else self._new_document(student, notebook)

    def get_answer(self, student: Student, notebook: str, question_id: str) -> dict | None:
        """The stored entry for `question_id` ({"value", "valid", "raw", ...}), or None."""
        _check_name("question id", question_id)
        return self.load(student, notebook)["answers"].get(question_id)

    # -- writing -------------------------------------------------------------------------

    def _lock(self, path: Path) -> contextlib.AbstractContextManager[FileLock]:
        return file_lock(path, stale_seconds=self.stale_lock_seconds, timeout=self.lock_timeout)

    def _sweep(self, path: Path) -> None:
        """Remove temporary files and broken locks that killed writers left for `path`.

        Only the lock holder writes temporary files, so while we hold the lock any that
        exist were abandoned (a stalled writer whose lock was broken starts over).
        """
        prefixes = (f".{path.name}.tmp-", f".{path.name}.lock.broken-")
        with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
            for entry in entries:
                if entry.name.startswith(prefixes):
                    unlink_quietly(Path(entry.path))

    def _update(
        self,
        student: Student,
        notebook: str,
        change: Callable[[dict[str, Any], str, int], dict[str, Any] | None],
    ) -> dict[str, Any] | None:
        """Read-merge-write: apply `change(document, now, revision)` under the lock, save.

        `change` returns the changed entry, or None when there is nothing to write.
        """
        path = self.document_path(student, notebook)
        for _attempt in range(5):
            try:
                private_folder(self.folder)
                private_folder(path.parent)
            except OSError as error:
                raise cannot_save(
                    error,
                    path.parent,
                    f"Your answers could not be saved: the folder {path.parent} could not be "
                    f"created ({error.strerror or error}). Tell your instructor.",
                ) from error
            with self._lock(path) as lock:
                self._sweep(path)
                document = self._read_or_set_aside(path, student, notebook)
                now = utc_now()
                revision = document["revision"] + 1
                entry = change(document, now, revision)
                if entry is None:
                    return None
                document["revision"] = revision
                document["updated"] = now
                document["kit_version"] = __version__
                document["student"] = {"id": student.id, "name": student.name}

                def check_lock(lock: FileLock = lock) -> None:
                    if not lock.still_held():
                        raise _LockLost

                try:
                    atomic_write_bytes(
                        path, _encode(document), before_replace=check_lock, mode=PRIVATE_FILE
                    )
                except _LockLost:
                    continue
                except FileNotFoundError:
                    # Our temporary file was swept by a writer who broke our lock.
                    continue
                except OSError as error:
                    raise cannot_save(
                        error,
                        path.parent,
                        f"Your answer for {notebook} could not be saved "
                        f"({error.strerror or error}); your earlier answers are safe. "
                        "Try again; if it keeps failing, tell your instructor.",
                    ) from error
                return entry
        raise StoreError(
            f"Your answer for {notebook} could not be saved: the answers folder is too slow "
            "right now (the save was interrupted several times). Try again in a moment."
        )

    def save_answer(
        self,
        student: Student,
        notebook: str,
        question_id: str,
        value: Any,
        *,
        valid: bool = True,
        raw: str | None = None,
    ) -> dict[str, Any]:
        """Store the answer to `question_id` and return the stored entry.

        `valid=False` with `raw` keeps what the student typed even when it could not be
        understood (e.g. "1O" for a number), so nothing they wrote is lost.
        """
        _check_name("question id", question_id)
        if not isinstance(valid, bool):
            raise TypeError("valid must be True or False")
        if raw is not None and not isinstance(raw, str):
            raise TypeError("raw must be the text the student typed, or None")
        stored = _plain(value, f"The answer to {question_id}")

        def change(document: dict[str, Any], now: str, revision: int) -> dict[str, Any]:
            entry = {
                "value": stored,
                "valid": valid,
                "raw": raw,
                "saved_at": now,
                "revision": revision,
            }
            document["answers"][question_id] = entry
            return entry

        return dict(self._update(student, notebook, change) or {})

    def clear_answer(self, student: Student, notebook: str, question_id: str) -> None:
        """Remove the answer to `question_id` (nothing happens if there is none)."""
        _check_name("question id", question_id)
        if not self.document_path(student, notebook).exists():
            return

        def change(document: dict[str, Any], now: str, revision: int) -> dict[str, Any] | None:
            return document["answers"].pop(question_id, None)

        self._update(student, notebook, change)

    def save_check(
        self, student: Student, notebook: str, check_id: str, value: Any, *, passed: bool | None
    ) -> dict[str, Any]:
        """Store the outcome of a self-check (`passed` None: not marked) and return it."""
        _check_name("check id", check_id)
        if passed is not None and not isinstance(passed, bool):
            raise TypeError("passed must be True, False or None")
        stored = _plain(value, f"The check {check_id}")

        def change(document: dict[str, Any], now: str, revision: int) -> dict[str, Any]:
            entry = {"value": stored, "passed": passed, "saved_at": now, "revision": revision}
            document["checks"][check_id] = entry
            return entry

        return dict(self._update(student, notebook, change) or {})

    def record_reveal(
        self, student: Student, notebook: str, reveal_id: str, question_ids: list[str]
    ) -> dict[str, Any]:
        """Record that the result `reveal_id` was shown, once: when, and the answers saved
        before it to the questions that predict it. Returns the record (the first one, if
        the reveal ran before: running it again changes nothing).

        A prediction is graded on the answer recorded here, so what the student saves after
        seeing the result never counts; the answers themselves stay editable.
        """
        _check_name("reveal id", reveal_id)
        for question_id in question_ids:
            _check_name("question id", question_id)

        def change(document: dict[str, Any], now: str, revision: int) -> dict[str, Any] | None:
            reveals = document.setdefault("reveals", {})
            if reveal_id in reveals:
                return None
            answers = document["answers"]
            saved = {q: dict(answers[q]) for q in question_ids if q in answers}
            reveals[reveal_id] = {"at": now, "answers": saved}
            return reveals[reveal_id]

        written = self._update(student, notebook, change)
        if written is not None:
            return dict(written)
        return dict(self.load(student, notebook).get("reveals", {}).get(reveal_id) or {})

    def get_reveal(self, student: Student, notebook: str, reveal_id: str) -> dict | None:
        """The record of `reveal_id` ({"at", "answers"}), or None if it has not run."""
        _check_name("reveal id", reveal_id)
        return self.load(student, notebook).get("reveals", {}).get(reveal_id)

    def pop_notices(self) -> list[str]:
        """Messages for the student about files set aside since the last call (then cleared)."""
        notices = list(self._notices)
        del self._notices[: len(notices)]
        return notices
