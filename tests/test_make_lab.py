"""`make lab` is the students' one command: it opens their working copy, starts again without
reinstalling, and a lab session never changes the kit's own files (review-newcomer.md,
bug 10: autosave wrote outputs and the student's name into the tracked notebooks).

The kit here is a scratch git repository of this checkout's files. Its `.venv` is this
checkout's environment, entered through symbolic links (installing a fresh one takes minutes;
the README gives that time). The student's work is done through JupyterLab's own REST calls,
the ones its autosave, checkpoints and "New notebook" make.
"""

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.labserver import TOKEN, free_port, lab_environment, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None,
    reason="make and git are needed",
)


def _git(folder, *args):
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def kit(tmp_path):
    """A git repository of this checkout's files, with this checkout's environment."""
    folder = tmp_path / "kit"
    for name in _git(ROOT, "ls-files", "-z").split("\0"):
        if name and (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "kit")
    venv = folder / ".venv"
    venv.mkdir()
    for entry in (ROOT / ".venv").iterdir():
        if not entry.name.startswith("."):
            (venv / entry.name).symlink_to(entry)
    os.utime(folder / "pyproject.toml", (1_000_000_000, 1_000_000_000))
    (venv / ".installed").touch()
    return folder


def _make_lab(kit: Path, home: Path):
    port = free_port()
    log = home / f"make-lab-{port}.log"
    flags = f"--no-browser --ServerApp.token={TOKEN} --ServerApp.port_retries=0"
    env = lab_environment(home)
    env["DIPLOMATIC_COVER_RESPONSES"] = str(kit / "responses")  # where make lab keeps them
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"],
            cwd=kit, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(f"{url}/api/status?token={TOKEN}", process, log)
    return process, url, log


def _api(url, path, method="GET", body=None):
    request = urllib.request.Request(
        f"{url}/api/contents/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def _work_like_a_student(url):
    """Run-and-save a notebook (outputs with the student's name), checkpoint it, add one."""
    model = _api(url, "notebooks/00_start_here.ipynb?content=1")
    notebook = model["content"]
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout",
                                "text": "Answering 00_start_here as Ana Silva"}]  # fmt: skip
            cell["execution_count"] = 1
    notebook["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    _api(url, "notebooks/00_start_here.ipynb", "PUT",
         {"type": "notebook", "format": "json", "content": notebook})  # fmt: skip
    _api(url, "notebooks/00_start_here.ipynb/checkpoints", "POST")
    _api(url, "notebooks", "POST", {"type": "notebook"})  # File → New → Notebook


@pytest.mark.slow
def test_make_lab_opens_the_working_copy_and_a_session_leaves_git_status_clean(kit, tmp_path):
    # The environment is already installed by `make test`; make must agree it is up to date.
    assert subprocess.run(["make", "--question", ".venv/.installed"], cwd=ROOT).returncode == 0

    process, url, log = _make_lab(kit, tmp_path)
    try:
        _work_like_a_student(url)
        from diplomatic_cover.answers.identity import Student
        from diplomatic_cover.answers.store import ResponseStore

        ana = Student(id="ana-silva", name="Ana Silva")
        ResponseStore(kit / "responses").save_answer(ana, "00_start_here", "00.tour-short", "hi")
    finally:
        stop(process)
    first = log.read_text()
    assert "files copied from the kit's notebooks, exercises, data" in first
    assert f"--ServerApp.root_dir={kit / 'my-work'}" in first
    if os.geteuid() == 0:
        assert "--allow-root" in first

    process, url, log = _make_lab(kit, tmp_path)  # the student comes back the next day
    stop(process)
    second = log.read_text()
    assert "pip install" not in second, f"the second start reinstalled:\n{second}"
    assert "(nothing new from the kit)" in second

    assert _git(kit, "status", "--porcelain", "--untracked-files=all") == ""
    kept = (kit / "my-work/notebooks/00_start_here.ipynb").read_text()
    assert "as Ana Silva" in kept  # their run notebook is theirs, untouched by the restart
    assert (kit / "my-work/notebooks/Untitled.ipynb").is_file()
    assert "as Ana Silva" not in (kit / "notebooks/00_start_here.ipynb").read_text()
