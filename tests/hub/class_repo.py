"""The course's class-copy repository, as an instructor keeps it: `release --out REPO`.

`release` into a git repository builds the class copy and commits it (instructor/class_repo.py);
`release --with-key NB --out REPO` commits a released key the same way. The repository sits
in the hub's folder, owned by root and readable by every test user, so students pull it with
nbgitpuller as they would pull the course's repository from a git host.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from pathlib import Path
from unittest import mock

from diplomatic_cover.cli import main as cli_main

TEACHER = {f"GIT_{role}_{key}": value for role in ("AUTHOR", "COMMITTER")
           for key, value in (("NAME", "Teacher"), ("EMAIL", "teacher@example.edu"))}  # fmt: skip


def release(repo: Path, *args: str) -> None:
    """`diplomatic-cover release [ARGS] --out REPO` as the teacher; made readable to students."""
    if not repo.exists():
        subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(repo)], check=True)
    said = io.StringIO()
    with mock.patch.dict(os.environ, TEACHER), contextlib.redirect_stderr(said):
        code = cli_main(["release", *args, "--out", str(repo)])
    if code != 0:
        raise RuntimeError(f"release {' '.join(args)} --out {repo} failed: {said.getvalue()}")
    for path in [repo, *repo.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | (0o755 if path.is_dir() else 0o444))
