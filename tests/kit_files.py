"""The files that make up the kit: what git tracks (or, without git, the tree minus build output).

Shared by the tests that scan every file of the kit (machine paths, citation addresses), so
they agree on what "the kit" is: a student's saved answers, a virtualenv or a build folder
next to the checkout are not part of it.
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SKIPPED_DIRS = {"build", "dist", "release", "grades", "responses", "submissions", "node_modules"}


def kit_files() -> list[Path]:
    """Every tracked file, as a path under the repository root, in a stable order."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode("utf-8")
        paths = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            p
            for p in ROOT.rglob("*")
            if p.is_file()
            and not any(
                part.startswith(".")
                or part in _SKIPPED_DIRS
                or part.endswith(".egg-info")
                or part == "__pycache__"
                for part in p.relative_to(ROOT).parts
            )
        ]
    return sorted(p for p in paths if p.is_file())


def kit_texts() -> list[tuple[Path, str]]:
    """(path, text) for every kit file that is UTF-8 text; binary files are left out."""
    texts = []
    for path in kit_files():
        try:
            texts.append((path, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return texts
