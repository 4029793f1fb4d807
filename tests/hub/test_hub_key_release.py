"""After the deadline: the instructor releases a key, the student pulls, Compare appears.

The hub's servers import the class copy's package from the hub's image (here its PYTHONPATH),
installed once without any key. `release --with-key 01 --out REPO` commits 01's key into the
class repository; the student pulls it with nbgitpuller as before. From then on, in the
student's own kernel, a question of 01 offers its model answer after an attempt; 02's do not.
"""

from __future__ import annotations

import os
import subprocess
from unittest import mock

import pytest

from diplomatic_cover.cli import main as cli_main
from tests.hub.student_kernel import StudentKernel

TARGET = "diplomatic-cover-class"
COMPARE = """
import json
from diplomatic_cover.question_widget import ask
shown = {}
for qid, value in (("01.exit-1", "nothing"), ("02.selection", "no-selected")):
    widget = ask(qid)
    widget.value = value
    shown[qid] = widget.can_compare
print(json.dumps(shown))
"""


def _as_teacher(*args: str) -> None:
    identity = {f"GIT_{r}_{k}": v for r in ("AUTHOR", "COMMITTER")
                for k, v in (("NAME", "Teacher"), ("EMAIL", "teacher@example.edu"))}  # fmt: skip
    with mock.patch.dict(os.environ, identity):
        assert cli_main(list(args)) == 0


def _readable(repo):
    for path in [repo, *repo.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | (0o755 if path.is_dir() else 0o444))


@pytest.fixture(scope="module")
def class_repo(hub):
    """The course's class-copy repository, filled by `release --out` (in the hub's folder)."""
    repo = hub.folder / "class-repo-for-keys"
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(repo)], check=True)
    _as_teacher("release", "--out", str(repo))
    _readable(repo)
    return repo


def _pull(hub, student, repo):
    query = f"repo={repo}&branch=main&targetpath={TARGET}"
    reply = hub.request(
        "GET", f"{hub.url}/user/{student}/git-pull/api?{query}", token=hub.token_for(student),
        timeout=120,
    )  # fmt: skip
    assert b'"phase": "finished"' in reply.body, reply.body[-300:]


def _compare_shown(hub, student):
    with StudentKernel(hub, student, path=f"{TARGET}/notebooks") as kernel:
        return kernel.json(COMPARE)


def test_a_released_key_reaches_a_student_who_pulls_again(hub, accounts, class_repo):
    student = accounts.student(5)
    hub.start_server(student)
    _pull(hub, student, class_repo)
    assert _compare_shown(hub, student) == {"01.exit-1": False, "02.selection": False}

    _as_teacher("release", "--with-key", "01", "--out", str(class_repo))
    _readable(class_repo)
    _pull(hub, student, class_repo)
    assert _compare_shown(hub, student) == {"01.exit-1": True, "02.selection": False}
