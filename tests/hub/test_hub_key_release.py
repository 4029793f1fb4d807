"""After the deadline: the instructor releases a key, the student pulls, Compare appears.

The hub's servers import the class copy's package from the hub's image (here its PYTHONPATH),
installed once without any key. `release --with-key 01 --out REPO` commits 01's key into the
class repository; the student opens the class link as before: nbgitpuller pulls into the
hidden folder and the landing route updates `~/my-work`. From then on, in the student's own
kernel in `my-work/notebooks`, a question of 01 offers its model answer after an attempt;
02's do not.
"""

from __future__ import annotations

import pytest

from diplomatic_cover import paths
from diplomatic_cover.setup.landing import OPEN_ROUTE
from tests.hub.class_repo import release as class_repo_release
from tests.hub.student_kernel import StudentKernel

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


@pytest.fixture(scope="module")
def class_repo(hub):
    """The course's class-copy repository, filled by `release --out` (in the hub's folder)."""
    repo = hub.folder / "class-repo-for-keys"
    class_repo_release(repo)
    return repo


def _open_the_link(hub, student, repo):
    """What the class link does: nbgitpuller pulls into the hidden folder, then the landing
    route updates `~/my-work` and opens 00 there."""
    token = hub.token_for(student)
    query = f"repo={repo}&branch=main&targetpath={paths.PULLED_DIR}"
    reply = hub.request(
        "GET", f"{hub.url}/user/{student}/git-pull/api?{query}", token=token, timeout=120
    )
    assert b'"phase": "finished"' in reply.body, reply.body[-300:]
    landed = hub.request(
        "GET", f"{hub.url}/user/{student}/{OPEN_ROUTE}/notebooks/00_start_here.ipynb", token=token
    )
    assert landed.status == 200, landed.body[-300:]


def _compare_shown(hub, student):
    with StudentKernel(hub, student, path=f"{paths.WORK_DIR}/notebooks") as kernel:
        return kernel.json(COMPARE)


def test_a_released_key_reaches_a_student_who_pulls_again(hub, accounts, class_repo):
    student = accounts.student(2)
    hub.start_server(student)
    _open_the_link(hub, student, class_repo)
    assert _compare_shown(hub, student) == {"01.exit-1": False, "02.selection": False}

    class_repo_release(class_repo, "--with-key", "01")
    _open_the_link(hub, student, class_repo)
    assert _compare_shown(hub, student) == {"01.exit-1": True, "02.selection": False}
