"""The committed version of a file in the open kit, to tell an instructor's edits from ours.

`release` refuses guided notebooks changed since the last commit, and `build-exercises`
refuses to overwrite a student copy changed since the last commit: both ask git for the
tracked version (`git show HEAD:path`). Outside a git checkout there is no tracked version,
and both say so rather than guess.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None


def is_checkout(root: Path) -> bool:
    """True when `root` is the top folder of a git checkout (and git is installed)."""
    done = _git(root, "rev-parse", "--show-toplevel")
    return (
        done is not None
        and done.returncode == 0
        and Path(done.stdout.strip()).resolve() == Path(root).resolve()
    )


def committed_text(root: Path, relative: str) -> str | None:
    """The file as the last commit has it; None if the commit has no such file."""
    done = _git(root, "show", f"HEAD:{relative}")
    return done.stdout if done is not None and done.returncode == 0 else None


def committed_version(path: Path) -> tuple[bool, str | None]:
    """(inside a git checkout, the file's committed text or None) for any path."""
    path = Path(path).resolve()
    done = _git(path.parent, "rev-parse", "--show-toplevel")
    if done is None or done.returncode != 0:
        return False, None
    top = Path(done.stdout.strip()).resolve()
    return True, committed_text(top, path.relative_to(top).as_posix())
