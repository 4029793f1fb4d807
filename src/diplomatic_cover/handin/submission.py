"""Hand in: one file, `submission-<id>.zip`, holding everything a grader needs.

The archive holds the student's response documents (`responses/<notebook>.json`), whatever
exercise notebooks exist (`exercises/<name>.ipynb`), a self-contained `report.html` that
opens offline, and `manifest.json` with the kit version, the answered question ids and the
SHA-256 of every other file. The manifest lets a grader (`verify_submission`) tell a file
damaged in transit or cut short from a good one, with a message that says which. It is not a
seal: anyone can edit a file and recompute the hashes, so it proves nothing about who built
the file or whether it was edited on purpose (see instructors/grading.md).

The exercise notebooks come from the student's working copy (`my-work/`, see
`paths.working_copy`), found from the current folder, which in a notebook is the notebook's
own folder; never from the installed kit, whose copies are blank. A notebook checked after
it was last saved would hand in older code than the student saw checked, so
`require_saved=True` (the button and the command) refuses, naming the notebook.

The file is written whole or not at all (a temporary file in the same folder, then
`os.replace`), so a student who hands in while a build is half done never sends a truncated
zip. It goes to `submissions/` in the working copy, where the JupyterLab file browser shows
it (see `paths.submissions_dir`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from diplomatic_cover import paths
from diplomatic_cover._version import __version__
from diplomatic_cover.answers.catalogue import Catalogue, load_catalogue
from diplomatic_cover.answers.identity import Student, current_student
from diplomatic_cover.answers.state import NOT_ANSWERED, answer_state, load_documents
from diplomatic_cover.answers.store import ResponseStore, is_valid_student_id
from diplomatic_cover.handin.delivery import Delivery, deliver, not_handed_in
from diplomatic_cover.handin.report import build_report
from diplomatic_cover.pages.fragments import local_time
from diplomatic_cover.safe_files import PRIVATE_FILE, StoreError, atomic_write_bytes
from diplomatic_cover.setup.workcopy import untouched_beside

FORMAT = "diplomatic-cover.submission"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
REPORT = "report.html"


#: How much older than a check an exercise file may be and still count as saved: file
#: systems keep modification times to a second or two, and the check's own output is
#: written after the code it checked.
SAVE_SLACK_SECONDS = 1.0


class SubmissionError(Exception):
    """A submission could not be built, or a submission file failed its check."""


class UnsavedWork(SubmissionError):
    """An exercise notebook was checked after it was last saved: the zip would hold old code."""


# ---------------------------------------------------------------------------------------
# Where things go


def default_out_dir() -> Path:
    """Where submissions go by default: see `paths.submissions_dir()`."""
    return paths.submissions_dir()


def default_exercises_dir() -> Path | None:
    """`exercises/` of the working copy the current folder is in (`paths.exercises_dir`).

    A notebook's kernel runs in the notebook's folder, so the button finds the student's
    own copies; `diplomatic-cover submit` run in the working copy does too.
    """
    return paths.exercises_dir()


def submission_name(student: Student) -> str:
    """The archive's file name; refuses ids that could name a path outside the folder."""
    if not is_valid_student_id(student.id):
        raise SubmissionError(
            f"{student.id!r} is not a valid student id, so no submission file can be named "
            "after it. Run set_student('Your Name') first."
        )
    return f"submission-{student.id}.zip"


# ---------------------------------------------------------------------------------------
# Building


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encode_json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def answered_question_ids(
    documents: Mapping[str, Mapping[str, Any]], catalogue: Catalogue
) -> list[str]:
    """Ids of every answered question: catalogue order, then ids the catalogue lacks."""
    answers: dict[str, Any] = {}
    for document in documents.values():
        answers.update(document.get("answers") or {})
    known = [
        qid
        for qid, question in catalogue.items()
        if answer_state(question, answers.get(qid)) != NOT_ANSWERED
    ]
    unknown = sorted(
        qid
        for qid in answers
        if qid not in catalogue and answer_state(None, answers[qid]) != NOT_ANSWERED
    )
    return known + unknown


#: `NAME (updated).ipynb`, `NAME (updated 2).ipynb`: the kit's new version of an exercise the
#: student had edited, put beside it by the working-copy update (setup/workcopy.py).
_UPDATED_COPY = re.compile(r"^(?P<name>.+) \(updated(?: [0-9]+)?\)$")


def exercise_copies(exercises_dir: Path | None) -> dict[str, list[Path]]:
    """Each exercise's notebooks by exercise name: `NAME.ipynb` first, then its "(updated)"
    copies (none is fine: exercises are added over the course)."""
    if exercises_dir is None or not exercises_dir.is_dir():
        return {}
    copies: dict[str, list[Path]] = {}
    for path in sorted(exercises_dir.glob("*.ipynb")):
        if path.name.startswith(".") or not path.is_file():
            continue
        match = _UPDATED_COPY.match(path.stem)
        copies.setdefault(match["name"] if match else path.stem, []).append(path)
    for name, found in copies.items():
        found.sort(key=lambda path: path.stem != name)
    return copies


def _saved_at(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def handed_in_copy(name: str, copies: list[Path]) -> Path:
    """Which of an exercise's notebooks is handed in as `exercises/NAME.ipynb`.

    After an update kept a student's edited exercise and put the kit's new version beside it
    as "(updated)", the student may go on in either. The one handed in is the most recently
    saved copy the student worked in; an "(updated)" copy whose cells are still the kit's
    (only run, or not even opened) does not count, since its newer file time comes from the
    update, not from the student. The grader reads one notebook per exercise, so only this
    one goes in the zip, and the student is told which file it was.
    """
    if len(copies) == 1:
        return copies[0]
    work, relative = copies[0].parent.parent, f"exercises/{name}.ipynb"
    worked = [p for p in copies if p.stem == name or not untouched_beside(work, relative, p)]
    return max(worked or copies, key=_saved_at)


def _exercise_files(exercises_dir: Path | None) -> tuple[dict[str, bytes], dict[str, str]]:
    """The exercise notebooks to hand in, by zip name; and the zip names taken from a copy
    with another file name (zip name -> the student's file name)."""
    files, sources = {}, {}
    for name, copies in exercise_copies(exercises_dir).items():
        path = handed_in_copy(name, copies)
        member = f"exercises/{name}.ipynb"
        try:
            files[member] = path.read_bytes()
        except OSError as error:
            raise SubmissionError(
                f"The exercise notebook {path} could not be read ({error.strerror or error})."
            ) from error
        if path.name != f"{name}.ipynb":
            sources[member] = path.name
    return files, sources


def _timestamp(stamp: object) -> float | None:
    """Seconds since the epoch for a store time ("2026-11-27T10:42:05.123Z"); None if not one."""
    if not isinstance(stamp, str):
        return None
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def last_checked(document: Mapping[str, Any]) -> float | None:
    """When the latest check of a notebook's document was recorded (epoch seconds), if ever."""
    times = [_timestamp(entry.get("saved_at")) for entry in (document.get("checks") or {}).values()]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def unsaved_exercises(
    documents: Mapping[str, Mapping[str, Any]], exercises_dir: Path | None
) -> list[Path]:
    """The exercise notebooks whose file is older than their latest recorded check.

    The file compared is the one that would be handed in (`handed_in_copy`); the one named
    is the most recently saved of the exercise's copies, the one the student works in.
    """
    stale = []
    for name, copies in exercise_copies(exercises_dir).items():
        checked = last_checked(documents.get(name) or {})
        if checked is None:
            continue
        if _saved_at(handed_in_copy(name, copies)) + SAVE_SLACK_SECONDS < checked:
            stale.append(max(copies, key=_saved_at))
    return stale


def unsaved_message(stale: Iterable[Path]) -> str:
    """What to tell a student whose checked code is not saved yet (names every notebook)."""
    names = [path.name for path in stale]
    if len(names) == 1:
        return (
            f"{names[0]} was checked after it was last saved, so the file does not hold the "
            "code you checked: save it (Ctrl+S), then hand in again."
        )
    shown = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"{shown} were checked after they were last saved, so the files do not hold the "
        "code you checked: open each one and save it (Ctrl+S), then hand in again."
    )


def _zip_bytes(entries: Mapping[str, bytes], when: datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def build_submission(
    student: Student | None = None,
    *,
    store: ResponseStore | None = None,
    out_dir: Path | None = None,
    exercises_dir: Path | None = None,
    catalogue: Catalogue | None = None,
    require_saved: bool = False,
) -> Path:
    """Write `submission-<id>.zip` into `out_dir` (see `default_out_dir`) and return its path.

    The store is read once: the report, the response files and the manifest all describe
    the same answers. Building again replaces the earlier file. With `require_saved`, an
    exercise notebook checked after it was last saved raises `UnsavedWork` (nothing written).
    """
    student = student or current_student()
    store = store or ResponseStore()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir()
    if exercises_dir is None:
        exercises_dir = default_exercises_dir()
    name = submission_name(student)
    target = out_dir / name
    if target.resolve().parent != out_dir.resolve():
        raise SubmissionError(f"{name} would not be written inside {out_dir}.")

    created = datetime.now(UTC)
    try:
        documents = load_documents(student, store)
    except StoreError as error:
        raise SubmissionError(f"Your saved answers could not be read: {error}") from error
    if require_saved:
        stale = unsaved_exercises(documents, exercises_dir)
        if stale:
            raise UnsavedWork(unsaved_message(stale))

    report = build_report(student, catalogue=catalogue, documents=documents, generated_at=created)
    files: dict[str, bytes] = {REPORT: report.encode("utf-8")}
    for notebook, document in sorted(documents.items()):
        files[f"responses/{notebook}.json"] = _encode_json(document)
    exercises, sources = _exercise_files(exercises_dir)
    files.update(exercises)

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kit_version": __version__,
        "student": {"id": student.id, "name": student.name},
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z",
        "question_ids": answered_question_ids(documents, catalogue),
        "files": {path: _sha256(data) for path, data in files.items()},
    }
    if sources:
        manifest["exercise_sources"] = sources
    data = _zip_bytes({MANIFEST: _encode_json(manifest), **files}, created)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _verify_archive(archive, name)  # what we hand out must pass the grader's check

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data, mode=PRIVATE_FILE)  # a classmate must not copy it
    except OSError as error:
        raise SubmissionError(
            f"{name} could not be written to {out_dir} ({error.strerror or error}). "
            "Check that the folder exists and you may write there."
        ) from error
    return target


# ---------------------------------------------------------------------------------------
# Checking


def _fail(name: str, problem: str) -> SubmissionError:
    return SubmissionError(
        f"{name} failed its check: {problem} "
        "Build the file again (the Hand in button, or `diplomatic-cover submit`)."
    )


def _unsafe(member: str) -> bool:
    pure = PurePosixPath(member)
    return (
        member.startswith(("/", "\\"))
        or "\\" in member
        or ":" in member
        or any(part in ("..", "") for part in member.rstrip("/").split("/"))
        or pure.is_absolute()
    )


MAX_NAME_CHARS = 200
MAX_FILES = 500
MAX_QUESTION_IDS = 5_000
_HEX64 = re.compile(r"[0-9a-f]{64}")
_EARLIEST, _LATEST = 2000, 2199


def _created_ok(text: object) -> bool:
    """True for a time the kit writes: ISO 8601 with a zone, between 2000 and 2199 (UTC)."""
    if not isinstance(text, str) or len(text) > 40:
        return False
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            return False
        year = moment.astimezone(UTC).year
    except (ValueError, OverflowError):
        return False
    return _EARLIEST <= year <= _LATEST


def validate_manifest(manifest: object, name: str) -> dict[str, Any]:
    """The manifest if every field is one the kit writes; SubmissionError naming the first not.

    Checked: the format and its version, the kit version (text), the student (a valid id and
    a name of at most MAX_NAME_CHARS characters), `created` (a date-time with a zone between
    2000 and 2199), the answered question ids (a list of text) and the files with their
    SHA-256. A field a grader reads is never trusted unchecked: one odd value must be that
    file's problem, not the whole class's.
    """
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _fail(name, f"its {MANIFEST} does not describe a Diplomatic Cover submission.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _fail(
            name,
            f"it is format version {str(manifest.get('format_version'))[:20]!r}; this kit "
            f"({__version__}) reads version {FORMAT_VERSION}.",
        )
    version = manifest.get("kit_version")
    if not isinstance(version, str) or not version or len(version) > 64:
        raise _fail(name, f"its {MANIFEST} has no readable kit version.")
    student = manifest.get("student")
    student_id = student.get("id") if isinstance(student, dict) else None
    student_name = student.get("name") if isinstance(student, dict) else None
    if not isinstance(student_id, str) or not is_valid_student_id(student_id):
        raise _fail(name, f"its {MANIFEST} names no valid student id ({str(student_id)[:80]!r}).")
    if not isinstance(student_name, str) or len(student_name) > MAX_NAME_CHARS:
        raise _fail(
            name, f"its {MANIFEST} gives no student name of at most {MAX_NAME_CHARS} characters."
        )
    if not _created_ok(manifest.get("created")):
        raise _fail(
            name,
            f"its {MANIFEST} gives {str(manifest.get('created'))[:40]!r} as the time it was "
            "built, which is not a date-time the kit writes.",
        )
    questions = manifest.get("question_ids", [])
    if (
        not isinstance(questions, list)
        or len(questions) > MAX_QUESTION_IDS
        or not all(isinstance(q, str) and len(q) <= 100 for q in questions)
    ):
        raise _fail(name, f"its {MANIFEST} has an unreadable list of answered questions.")
    listed = manifest.get("files")
    if (
        not isinstance(listed, dict)
        or len(listed) > MAX_FILES
        or not all(isinstance(k, str) and isinstance(v, str) and _HEX64.fullmatch(v)
                   for k, v in listed.items())
    ):  # fmt: skip
        raise _fail(name, f"its {MANIFEST} has no list of files with their SHA-256.")
    return manifest


def check_files(manifest: Mapping[str, Any], digests: Mapping[str, str], name: str) -> None:
    """SubmissionError unless the zip's files (`digests`: name -> SHA-256) are the listed ones.

    This proves the file was not damaged or cut short on its way, and that nothing was
    added or removed by accident. It does not prove who built it: anyone can recompute the
    hashes after an edit.
    """
    listed = manifest["files"]
    for member in digests:
        if member != MANIFEST and member not in listed:
            raise _fail(name, f"it holds {member}, which {MANIFEST} does not list.")
    for member, digest in listed.items():
        if member not in digests:
            raise _fail(name, f"{member} is listed in {MANIFEST} but missing from the zip.")
        if digests[member] != digest:
            raise _fail(
                name,
                f"{member} does not match its SHA-256 in {MANIFEST}: it was changed or "
                "damaged after the submission was built.",
            )


def _verify_archive(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    members = [m for m in archive.namelist() if not m.endswith("/")]
    if len(set(members)) != len(members):
        raise _fail(name, "it holds the same file name twice.")
    for member in members:
        if _unsafe(member):
            raise _fail(name, f"it holds a file with an unsafe name, {member!r}.")
    if MANIFEST not in members:
        raise _fail(name, f"it has no {MANIFEST}, so it is not a Diplomatic Cover submission.")
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _fail(name, f"its {MANIFEST} is not readable JSON ({error}).") from error
    manifest = validate_manifest(manifest, name)
    digests = {m: _sha256(archive.read(m)) for m in members if m != MANIFEST}
    check_files(manifest, digests, name)
    return manifest


def verify_submission(path: Path | str) -> dict[str, Any]:
    """Check a submission file against its manifest; return the manifest if it is intact.

    Raises SubmissionError naming the problem: not a zip, no manifest, a file missing,
    added, or changed since the build (its SHA-256 differs).
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            return _verify_archive(archive, path.name)
    except FileNotFoundError as error:
        raise SubmissionError(f"There is no submission file at {path}.") from error
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise _fail(
            path.name, f"it is not a readable zip file ({error}); it may be damaged or cut short."
        ) from error
    except OSError as error:
        raise SubmissionError(f"{path} could not be read ({error.strerror or error}).") from error


# ---------------------------------------------------------------------------------------
# Telling the student


def human_size(size: int) -> str:
    """A file size for people: "812 bytes", "14.2 kB", "3.1 MB"."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def summarise_submission(
    path: Path, notebook: str | None = None, catalogue: Catalogue | None = None
) -> str:
    """What a built file holds: "12 of 40 questions answered (5 of 9 in 00_start_here), 1
    exercise notebook" (checked against its manifest first)."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    manifest = verify_submission(path)
    answered = set(manifest.get("question_ids") or [])
    exercises = sum(1 for f in manifest["files"] if f.startswith("exercises/"))
    text = f"{len(answered & set(catalogue))} of {len(catalogue)} questions answered"
    if notebook:
        in_notebook = [q.id for q in catalogue.for_notebook(notebook)]
        done = len(answered & set(in_notebook))
        text += f" ({done} of {len(in_notebook)} in {notebook})"
    text += f", {exercises} exercise notebook{'' if exercises == 1 else 's'}"
    return text + "".join(
        f"; {Path(member).name} handed in from your {source!r}"
        for member, source in _exercise_sources(manifest).items()
    )


def _exercise_sources(manifest: Mapping[str, Any]) -> dict[str, str]:
    """The manifest's record of exercises taken from an "(updated)" copy, if well formed."""
    sources = manifest.get("exercise_sources")
    if not isinstance(sources, dict) or len(sources) > MAX_FILES:
        return {}
    return {
        member: source
        for member, source in sources.items()
        if isinstance(member, str) and isinstance(source, str) and len(source) <= 200
        and member in manifest["files"]
    }  # fmt: skip


def describe_submission(
    path: Path, notebook: str | None = None, catalogue: Catalogue | None = None
) -> str:
    """One plain sentence or two about a built file: where, how big, what it holds."""
    summary = summarise_submission(path, notebook, catalogue)
    return (
        f"Wrote {path.name} ({human_size(path.stat().st_size)}) in {path.parent}: {summary}. "
        "Hand in that file."
    )


def describe_handed_in(path: Path, when: str, notebook: str | None = None) -> str:
    """The sentence after a hand-in the hub took; `when` is the receive time as shown."""
    return f"Handed in at {when}: {summarise_submission(path, notebook)}. A copy is kept at {path}."


# ---------------------------------------------------------------------------------------
# Command line (cli.py maps flags onto these)


def cli_submit(
    *,
    out_dir: Path | None = None,
    exercises_dir: Path | None = None,
    answers_only: bool = False,
    send: bool = True,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`diplomatic-cover submit`: build the current student's file and, on a JupyterHub with
    the course service (unless `send` is False), hand it in there; 0 on success, 1 if not.

    The answer store and the student are the ones the notebooks use (`paths.responses_dir`,
    `identity.current_student`), so the command and the button always agree. A file the
    hub did not take stays where it was built; the message names it and says why.

    Run outside a working copy, it refuses rather than hand in a file without the exercise
    notebooks (on a hub it would send that): the student points at them with `exercises_dir`
    (`--exercises DIR`) or says `answers_only` (`--answers-only`) on purpose. A named folder
    that does not exist (a typo) is refused too.
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if exercises_dir is not None and not Path(exercises_dir).is_dir():
        print(
            f"diplomatic-cover submit: --exercises {exercises_dir} is not a folder; name the "
            "exercises/ folder of your working copy (e.g. my-work/exercises).",
            file=stderr,
        )
        return 1
    if exercises_dir is None and not answers_only:
        exercises_dir = default_exercises_dir()
        if exercises_dir is None:
            print(
                f"diplomatic-cover submit: no working copy here ({Path.cwd()}), so no exercise "
                "notebooks: run it in my-work/, point at them with --exercises DIR, or hand in "
                "your answers without them with --answers-only.",
                file=stderr,
            )
            return 1
    try:
        path = build_submission(out_dir=out_dir, exercises_dir=exercises_dir, require_saved=True)
        if answers_only:
            print("Built without exercise notebooks (--answers-only).", file=stdout)
        delivery = deliver(path) if send else Delivery(path=path, on_hub=False)
        if not delivery.on_hub:
            print(describe_submission(path), file=stdout)
        elif delivery.handed_in:
            when = local_time(delivery.received_at)
            print(describe_handed_in(path, when), file=stdout)
        else:
            print(f"diplomatic-cover submit: {not_handed_in(delivery)}", file=stderr)
            return 1
    except (SubmissionError, StoreError) as error:
        print(f"diplomatic-cover submit: {error}", file=stderr)
        return 1
    return 0


def cli_verify(path: Path, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """`diplomatic-cover submit --verify FILE`: check a file; 0 if intact, 1 if not."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        manifest = verify_submission(path)
    except SubmissionError as error:
        print(f"diplomatic-cover submit: {error}", file=stderr)
        return 1
    student = manifest.get("student") or {}
    print(
        f"{Path(path).name} is intact: {len(manifest['files'])} files checked, "
        f"{len(manifest.get('question_ids') or [])} answered questions, "
        f"student {student.get('name')!r} ({student.get('id')}), "
        f"kit {manifest.get('kit_version')}, built {manifest.get('created')}.",
        file=stdout,
    )
    print(
        "Intact means not damaged on its way: the manifest does not prove who built the file "
        f"or that nobody edited it. Its {REPORT} is the student's own page; graders "
        "regenerate feedback from the answers and never need to open it.",
        file=stdout,
    )
    return 0
