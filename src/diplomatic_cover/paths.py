"""Where the kit's files live: the installed package, the student's working copy, the store.

Three places, kept apart:

* **The installed kit**: code, question catalogue and the expulsion record. The record is
  package data (`data/` in the repository, mapped into the package as `dataset/` by
  pyproject.toml), so a plain install on a JupyterHub image has it; an editable install
  (`make lab`) reads the repository's own `data/`.
* **The working copy** (`my-work/`, made by `make lab` or `python -m diplomatic_cover lab`
  from the tracked notebooks and exercises; see `setup/workcopy.py`): the notebooks a student
  edits and runs. Hand in takes the exercise notebooks from here, found from the notebook's
  own folder (a kernel's current folder), never from the installed kit.
* **The answer store**: `responses/` at a writable kit root; the user's data folder when the
  kit is installed read-only; `DIPLOMATIC_COVER_RESPONSES` overrides both, which is how tests
  and hub administrators point the store elsewhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RESPONSES_ENV = "DIPLOMATIC_COVER_RESPONSES"
SUBMISSIONS_ENV = "DIPLOMATIC_COVER_SUBMISSIONS"
#: The working copy's folder inside a kit folder, and the file that marks its root (it holds
#: the hashes of what was copied; `setup/workcopy.py` writes it).
WORK_DIR = "my-work"
WORK_MARKER = ".diplomatic-cover-copy.json"
#: On a hub, the hidden folder of the student's home nbgitpuller pulls the class copy into
#: (the class link's `targetpath`); `setup/landing.py` updates `my-work/` from it.
PULLED_DIR = ".diplomatic-cover-class"
#: The record's folder inside the installed package (pyproject.toml maps `data/` there).
PACKAGED_DATA = "dataset"
#: The file `diplomatic-cover release` writes at the top of every class copy it builds.
CLASS_COPY_MARKER = "CLASS_COPY.md"


def kit_root() -> Path | None:
    """Return the kit's top folder (the one with `notebooks/` and `data/`), if there is one.

    An editable install (`make lab`) imports the package from `src/diplomatic_cover`, two
    levels below the root. A plain install has no root, so this returns None.
    """
    candidate = Path(__file__).resolve().parents[2]
    if (candidate / "notebooks").is_dir() and (candidate / "pyproject.toml").is_file():
        return candidate
    return None


def package_path(*parts: str) -> Path:
    """Return a file or folder shipped inside the package (questions, widget files, lesson data).

    Found with `importlib.resources`, so it holds wherever the package is installed (in place
    for `make lab`, in site-packages from a wheel). importlib.resources costs about 25 ms to
    import on Python 3.11, so it is imported here rather than at the top: `import
    diplomatic_cover` in a student's first cell must stay cheap.
    """
    from importlib.resources import files

    resource = files("diplomatic_cover").joinpath(*parts)
    if not isinstance(resource, Path):
        # A zip import: pip always installs the kit as files, so this is a broken install.
        raise FileNotFoundError(
            f"{'/'.join(parts)} is not a file on disk; reinstall the kit with pip (`make lab`)."
        )
    return resource


def data_dir() -> Path:
    """Return the folder holding the kit's data files (the expulsion record and its codebook).

    An installed package holds them as `dataset/`; an editable install (`make lab`) has no
    such folder and reads the repository's `data/` (the one copy pyproject.toml maps).
    """
    packaged = package_path(PACKAGED_DATA)
    if packaged.is_dir():
        return packaged
    root = kit_root()
    if root is not None and (root / "data").is_dir():
        return root / "data"
    raise FileNotFoundError(
        "The kit's data files were not found: they ship inside the package, so this "
        "installation is incomplete. Reinstall the kit (`make lab`, or pip install)."
    )


def open_kit_root(start: Path | None = None) -> Path | None:
    """Return the open kit's folder (the repository with `instructors/`), if there is one.

    The instructors' tools (grading settings, exercise sources, the class copy) live only in
    the open kit. An editable install knows its folder; an installed package looks from
    `start` (default: the current folder) upwards, so `diplomatic-cover grade` run inside a
    clone of the kit finds it there.
    """
    root = kit_root()
    if root is not None and (root / "instructors").is_dir():
        return root
    here = Path(start) if start is not None else Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "instructors").is_dir() and (folder / "notebooks").is_dir():
            return folder
    return None


def _is_kit_folder(folder: Path) -> bool:
    return (folder / "notebooks").is_dir() and (folder / "exercises").is_dir()


def working_copy(start: Path | None = None) -> Path | None:
    """Return the student's working copy that `start` (default: the current folder) is in.

    A kernel's current folder is its notebook's folder, so from `my-work/exercises/` this is
    `my-work/`. Looking upwards from `start`, the first folder that is a working copy (holds
    `WORK_MARKER`), holds one (`my-work/` with the marker), or is laid out like the kit
    (`notebooks/` and `exercises/` side by side: a class copy opened as it is) wins. None when
    `start` is in none of these.
    """
    here = Path(start) if start is not None else Path.cwd()
    for folder in (here, *here.parents):
        if (folder / WORK_MARKER).is_file():
            return folder
        if (folder / WORK_DIR / WORK_MARKER).is_file():
            return folder / WORK_DIR
        if _is_kit_folder(folder):
            return folder
    return None


def class_copy_folder(start: Path | None = None) -> Path | None:
    """Return the class copy that the working copy `start` is in was made from, if any.

    On a JupyterHub this is the folder nbgitpuller pulled the course's class-copy repository
    into; on a laptop, the class copy a student unzipped. It is where an instructor's later
    `release --with-key` arrives (`answers/catalogue.py` reads released keys from it), so
    everything that needs "the copy this notebook came from" asks here. Found from the working
    copy (`working_copy(start)`): the working copy itself when the student works inside the
    class copy; else the `source` its marker file records (the folder `setup/workcopy.py`
    copied from: on a hub, `PULLED_DIR` beside `my-work/`, which `setup/landing.py` syncs
    from); else the folder above a `my-work/`, or the `PULLED_DIR` beside it. A folder
    counts only if it holds `CLASS_COPY_MARKER`; None otherwise.
    """
    work = working_copy(start)
    if work is None:
        return None
    candidates = [work]
    try:
        recorded = json.loads((work / WORK_MARKER).read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        recorded = None
    if isinstance(recorded, str) and recorded:
        candidates.append(work / recorded)  # an absolute path stays as it is
    candidates += [work.parent, work.parent / PULLED_DIR]
    for folder in candidates:
        if (folder / CLASS_COPY_MARKER).is_file():
            return folder
    return None


def exercises_dir(start: Path | None = None) -> Path | None:
    """Return the `exercises/` folder of the working copy `start` is in (see `working_copy`)."""
    work = working_copy(start)
    return work / "exercises" if work is not None else None


def user_data_home() -> Path:
    """Return the per-user folder for kit files when the kit itself is read-only."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "diplomatic-cover"


def responses_dir() -> Path:
    """Return the folder where students' answers are stored (it may not exist yet).

    Order: the `DIPLOMATIC_COVER_RESPONSES` variable; `responses/` at a writable kit root;
    `~/.local/share/diplomatic-cover/responses` (or under `$XDG_DATA_HOME`).
    """
    override = os.environ.get(RESPONSES_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    root = kit_root()
    if root is not None and os.access(root, os.W_OK):
        return root / "responses"
    return user_data_home() / "responses"


def submissions_dir() -> Path:
    """Return the folder where `submission-<id>.zip` files are written.

    Order: the `DIPLOMATIC_COVER_SUBMISSIONS` variable; `submissions/` beside a store moved with
    `DIPLOMATIC_COVER_RESPONSES` (so a test or hub set-up keeps both together); `submissions/`
    in the working copy of the current folder (where JupyterLab's file browser shows it, for
    uploading); `submissions/` at a writable kit root; else the current folder, which in a
    notebook is the notebook's own folder.
    """
    override = os.environ.get(SUBMISSIONS_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    if os.environ.get(RESPONSES_ENV, "").strip():
        return responses_dir().parent / "submissions"
    work = working_copy()
    if work is not None and os.access(work, os.W_OK):
        return work / "submissions"
    root = kit_root()
    if root is not None and os.access(root, os.W_OK):
        return root / "submissions"
    return Path.cwd()
