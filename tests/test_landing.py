"""The class link's landing route: a hub pull updates the working copy by the laptop's rules.

nbgitpuller pulls the class copy into the hidden `.diplomatic-cover-class/` of the student's
home; the link then opens `diplomatic-cover/open/<path>` in the student's server, which
updates `my-work/` from it and opens the notebook there. The first tests call the route's
logic (`land`); the last starts a real Jupyter Server on 127.0.0.1 with the extension enabled
by the kit's own jupyter-config file, as a `pip install` enables it, and follows the route.
"""

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from diplomatic_cover import paths
from diplomatic_cover.__main__ import main as python_m
from diplomatic_cover.setup.landing import land, page
from diplomatic_cover.setup.workcopy import KEPT, NEW, UPDATED
from tests.labserver import free_port
from tests.notebook_edits import change_upstream, copy_kit, edit_code, run_all

ROOT = Path(__file__).resolve().parents[1]
EX1 = "exercises/ex1_pandas_record.ipynb"
EX3 = "exercises/ex3_capacity.ipynb"


@pytest.fixture
def home(tmp_path):
    """A student's home after nbgitpuller's first pull of the class copy."""
    copy_kit(tmp_path / paths.PULLED_DIR)
    return tmp_path


def test_the_first_landing_makes_the_working_copy_and_opens_the_notebook(home):
    landing = land(home, "notebooks/00_start_here.ipynb")
    assert landing.problem == ""
    assert landing.target == "lab/tree/my-work/notebooks/00_start_here.ipynb"
    assert {o.action for o in landing.outcomes} == {NEW}
    assert (home / "my-work" / EX3).read_bytes() == (home / paths.PULLED_DIR / EX3).read_bytes()


def test_a_second_pull_replaces_a_run_notebook_and_keeps_an_edited_one_beside_the_new(home):
    land(home, "notebooks/00_start_here.ipynb")
    work, pulled = home / "my-work", home / paths.PULLED_DIR
    run_all(work / EX1)
    edit_code(work / EX3, "# my capacity model")
    change_upstream(pulled / EX1, "A new hint for exercise 1.")
    change_upstream(pulled / EX3, "A new hint for exercise 3.")

    landing = land(home, EX3)

    actions = {o.path: o.action for o in landing.outcomes}
    assert actions[EX1] == UPDATED and actions[EX3] == KEPT
    assert (work / EX1).read_bytes() == (pulled / EX1).read_bytes()
    assert "# my capacity model" in (work / EX3).read_text(encoding="utf-8")
    beside = work / "exercises" / "ex3_capacity (updated).ipynb"
    assert beside.read_bytes() == (pulled / EX3).read_bytes()
    assert landing.target == "lab/tree/my-work/exercises/ex3_capacity.ipynb"
    shown = page(landing, "/user/ana/" + landing.target)
    assert "Kept your edited exercises/ex3_capacity.ipynb" in shown
    assert "ex3_capacity (updated).ipynb" in shown
    assert 'href="/user/ana/lab/tree/my-work/exercises/ex3_capacity.ipynb"' in shown


def test_names_with_spaces_are_quoted_and_a_missing_file_opens_the_folder(home):
    notebook = home / paths.PULLED_DIR / "exercises" / "ex9 (résumé).ipynb"
    shutil.copy(home / paths.PULLED_DIR / EX1, notebook)
    assert land(home, "exercises/ex9 (résumé).ipynb").target == (
        "lab/tree/my-work/exercises/ex9%20%28r%C3%A9sum%C3%A9%29.ipynb"
    )
    assert land(home, "notebooks/99_gone.ipynb").target == "lab/tree/my-work"


@pytest.mark.parametrize(
    "requested", ["../.ssh/id_rsa", "notebooks/../../x", ".diplomatic-cover-class/x"]
)
def test_a_path_that_leaves_the_working_copy_is_refused(home, requested):
    landing = land(home, requested)
    assert "is not a file of the class copy" in landing.problem
    assert not (home / "my-work").exists()


def test_before_any_pull_the_student_is_told_to_open_the_class_link(tmp_path):
    landing = land(tmp_path, "notebooks/00_start_here.ipynb")
    assert "open the class link" in landing.problem
    assert "open the class link" in page(landing, "/lab")


def test_nbgitpullers_parent_folder_is_followed(tmp_path):
    pulled = tmp_path / "course" / paths.PULLED_DIR
    for name in ("notebooks", "exercises"):
        shutil.copytree(ROOT / name, pulled / name)
    landing = land(tmp_path, EX1, parent="course")
    assert landing.target == f"lab/tree/course/my-work/{EX1}"
    assert (tmp_path / "course" / "my-work" / EX1).is_file()


def test_update_in_a_terminal_in_the_working_copy_updates_that_copy(home, monkeypatch, capsys):
    land(home, "notebooks/00_start_here.ipynb")
    change_upstream(home / paths.PULLED_DIR / EX1, "A second hint.")
    monkeypatch.chdir(home / "my-work" / "exercises")

    assert python_m(["update"]) == 0

    assert f"Your working copy: {home / 'my-work'}" in capsys.readouterr().out
    assert "A second hint." in (home / "my-work" / EX1).read_text(encoding="utf-8")
    assert not (home / paths.PULLED_DIR / "my-work").exists()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url, token=None):
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as reply:
            return reply.status, reply.headers, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def server(home):
    """A real Jupyter Server in the student's home, the extension enabled by the kit's file."""
    port, token = free_port(), os.urandom(12).hex()
    environment = {**os.environ, "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config")}
    command = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={home}", "--ServerApp.base_url=/user/ana/",
    ]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (home.parent / "server.log").open("wb")
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/user/ana/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(base + "api/status", token)[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, (home.parent / "server.log").read_text()
            time.sleep(0.2)
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_real_server_serves_the_route_and_redirects_into_the_working_copy(home, server):
    base, token = server
    status, _, _ = _get(base + "diplomatic-cover/open/notebooks/00_start_here.ipynb")
    assert status in (302, 403)  # not signed in: nothing is copied
    assert not (home / "my-work").exists()

    status, headers, _ = _get(base + "diplomatic-cover/open/notebooks/00_start_here.ipynb", token)
    assert status == 302
    assert headers["Location"] == "/user/ana/lab/tree/my-work/notebooks/00_start_here.ipynb"

    edit_code(home / "my-work" / EX3, "# mine")
    change_upstream(home / paths.PULLED_DIR / EX3, "New hint.")
    status, _, body = _get(base + "diplomatic-cover/open/" + EX3, token)
    assert status == 200
    assert "ex3_capacity (updated).ipynb" in body
    assert 'href="/user/ana/lab/tree/my-work/exercises/ex3_capacity.ipynb"' in body
