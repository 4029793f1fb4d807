"""Who is answering: a student's name, and the file-safe id their answers are filed under.

The id is a folder name in the answer store, so it must be safe on every file system the
kit meets (Windows, macOS, network homes on JupyterHub) and must never let a typed name
escape the store ("../../etc/passwd" becomes "etc-passwd"). It must also be *stable*: the
same name always gives the same id, so a student who types their name again after a kernel
restart finds their answers again.

Names in scripts with no ASCII spelling ("李雷") are not refused: refusing would leave those
students unable to save anything. They get "student-" plus the first 8 hex digits of the
SHA-256 of their normalised name, which is stable and distinct. When only part of a name has
no ASCII spelling ("Jun 李"), the same 8 hex digits are appended to the ASCII part
("jun-…"), so two students who share the ASCII part still get different folders.

The chosen identity is saved in `.identity.json` inside the answer folder, so it survives
kernel restarts; without one, the JupyterHub user name or the login name is used.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from diplomatic_cover import paths, safe_files
from diplomatic_cover.answers import store

IDENTITY_FILE = ".identity.json"
IDENTITY_SCHEMA = "diplomatic-cover.identity"
MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 100

# Letters that NFKD does not split into "base letter + accent", spelled the way people
# usually write them in ASCII.
_TRANSLITERATIONS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)
_OUTSIDE_ID = re.compile(r"[^a-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")
# Names Windows reserves for devices: a folder called "con" cannot be created there.
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)

_notices: list[str] = []


@dataclass(frozen=True)
class Student:
    """A student: `id` files their answers (see `student_id_from_name`), `name` is shown."""

    id: str
    name: str


def _clean_name(name: str) -> str:
    """The name as it will be shown: NFKC-normalised, whitespace runs turned into one space."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def _to_ascii(text: str) -> str:
    """Drop accents ("é" -> "e") and spell a few special letters in ASCII ("ß" -> "ss")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATIONS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _short_hash(clean: str) -> str:
    return hashlib.sha256(clean.casefold().encode("utf-8")).hexdigest()[:8]


def _trim(slug: str, length: int) -> str:
    return slug[:length].strip("-.")


def student_id_from_name(name: str) -> str:
    """Turn a typed name into a stable, file-safe id, e.g. "María López" -> "maria-lopez".

    Raises ValueError, worded for the student, when the name has no letters or digits at
    all (empty, only spaces or punctuation, only emoji). See the module docstring for names
    without an ASCII spelling.
    """
    if not isinstance(name, str):
        raise ValueError("Please type your name as text, for example set_student('Ana Silva').")
    clean = _clean_name(name)
    ascii_text = _to_ascii(clean)
    slug = _OUTSIDE_ID.sub("-", ascii_text.lower())
    slug = _DOTS.sub(".", slug).strip("-.")
    lost = any(char.isalnum() and not char.isascii() for char in ascii_text)
    if lost:
        suffix = _short_hash(clean)
        base = _trim(slug, MAX_ID_LENGTH - len(suffix) - 1) or "student"
        return f"{base}-{suffix}"
    if not slug:
        raise ValueError(
            f"{name!r} has no letters or digits we can use as your id. "
            "Please type your name, for example set_student('Ana Silva')."
        )
    slug = _trim(slug, MAX_ID_LENGTH)
    if slug.split(".")[0] in _WINDOWS_DEVICES:
        slug = _trim(f"student-{slug}", MAX_ID_LENGTH)
    return slug


def _identity_path() -> Path:
    return paths.responses_dir() / IDENTITY_FILE


def _parse_identity(path: Path) -> Student | None:
    """The identity saved at `path`; None if there is none; ValueError if it is unusable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        saved = json.loads(data.decode("utf-8"))
        student = Student(id=saved["id"], name=saved["name"])
    except (UnicodeDecodeError, KeyError, TypeError) as error:
        raise ValueError("not an identity file") from error
    if saved.get("schema") != IDENTITY_SCHEMA or not isinstance(student.name, str):
        raise ValueError("not an identity file")
    if not isinstance(student.id, str) or not store.is_valid_student_id(student.id):
        raise ValueError("not a usable id")
    return student


def _read_saved_identity(path: Path) -> Student | None:
    """The saved identity, or None; an unusable file is set aside so it is not lost."""
    try:
        return _parse_identity(path)
    except ValueError:
        pass
    # Look again under the lock: another kernel may have just saved a good file.
    with safe_files.file_lock(path, timeout=5):
        try:
            return _parse_identity(path)
        except ValueError:
            kept = safe_files.set_aside(path)
    _notices.append(
        f"Your saved name could not be read; the file was kept as {kept}. "
        "Run set_student('Your Name') to choose your name again."
    )
    return None


def _fallback_student() -> Student:
    """The hub or login user name, used when the student has not chosen a name."""
    candidates = [os.environ.get("JUPYTERHUB_USER", "")]
    # getuser() raises OSError or KeyError when the uid has no name (some containers).
    with contextlib.suppress(Exception):
        candidates.append(getpass.getuser())
    for candidate in candidates:
        with contextlib.suppress(ValueError):
            clean = _clean_name(candidate)
            return Student(id=student_id_from_name(clean), name=clean)
    return Student(id="student", name="Student")


def chosen_student() -> Student | None:
    """The name the student chose and saved, or None while they have not chosen one.

    The fallback (the hub or login name) is right for filing answers but is not always a
    person's name: in a container everyone is "root". The name box shows only a chosen name.
    """
    try:
        return _read_saved_identity(_identity_path())
    except Exception:
        return None


def current_student() -> Student:
    """Return who is answering: the saved choice, else the hub user, else the login name.

    Never raises: a student must always be able to save, so a damaged identity file is set
    aside (see `pop_notices`) and the fallback is used.
    """
    try:
        saved = _read_saved_identity(_identity_path())
    except Exception:
        saved = None
    return saved if saved is not None else _fallback_student()


def set_student(name: str) -> Student:
    """Choose the name answers are filed under from now on (saved across kernel restarts).

    Raises ValueError, worded for the student, for names that cannot be used, and
    safe_files.StoreError when the answer folder cannot be written.
    """
    student = Student(id=student_id_from_name(name), name=_clean_name(name))
    if len(student.name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"That name is {len(student.name)} characters long; please use a shorter form "
            f"(at most {MAX_NAME_LENGTH})."
        )
    path = _identity_path()
    payload = {"schema": IDENTITY_SCHEMA, "id": student.id, "name": student.name}
    data = (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    try:
        safe_files.private_folder(path.parent)
    except OSError as error:
        raise safe_files.StoreError(
            f"Your name could not be saved: the folder {path.parent} could not be created "
            f"({error.strerror or error}). Tell your instructor."
        ) from error
    with safe_files.file_lock(path):
        safe_files.atomic_write_bytes(path, data, mode=safe_files.PRIVATE_FILE)
    return student


def pop_notices() -> list[str]:
    """Messages for the student about identity files set aside since the last call."""
    notices = list(_notices)
    del _notices[: len(notices)]
    return notices
