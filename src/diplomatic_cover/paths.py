"""Where the kit's files live: its root folder, its data, and the students' answer store.

The answer store defaults to `responses/` at the kit root, so a student who opens the kit
with `make lab` sees their answers beside the notebooks. When the kit is installed read-only
(a JupyterHub image, a site-packages install) there is no writable root, and answers go to
the user's data folder instead. `DIPLOMATIC_COVER_RESPONSES` overrides both, which is how
tests and hub administrators point the store elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

RESPONSES_ENV = "DIPLOMATIC_COVER_RESPONSES"
SUBMISSIONS_ENV = "DIPLOMATIC_COVER_SUBMISSIONS"


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
    """Return the folder holding the kit's data files."""
    root = kit_root()
    if root is None:
        raise FileNotFoundError(
            "The kit's data/ folder was not found: open the kit from its own folder "
            "(`make lab`) so the notebooks and data sit side by side."
        )
    return root / "data"


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
    at a writable kit root; else the current folder, which in a notebook is the notebook's own
    folder, visible in JupyterLab's file browser for uploading.
    """
    override = os.environ.get(SUBMISSIONS_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    if os.environ.get(RESPONSES_ENV, "").strip():
        return responses_dir().parent / "submissions"
    root = kit_root()
    if root is not None and os.access(root, os.W_OK):
        return root / "submissions"
    return Path.cwd()
