"""A student edits and saves an exercise on the hub; the instructor grades what they wrote.

As in JupyterLab: the student opens `exercises/ex1_pandas_record.ipynb` from the pulled
class copy, writes their answer into its first answer cell, runs the cells in a kernel of
their own server, saves the notebook (the Jupyter contents API's PUT, which is what Ctrl+S
calls) and hands in with `diplomatic-cover submit`. The instructor downloads that hand-in
from the course service (the edited code is in it) and grades it with `grade --from-hub`:
from the values the run recorded, and with `--execute`, which re-runs the saved notebook.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest

from diplomatic_cover.grading.results import read_results
from tests.grading.kit import solved_cells, write_config
from tests.hub.student_kernel import StudentKernel

WORK = "diplomatic-cover"
EXERCISE = f"{WORK}/exercises/ex1_pandas_record.ipynb"
ANSWER_CELL = "# ✏️ Your answer: a Series with the decade"


def _edited_answer(student: str) -> str:
    """The solved code of ex1's first answer cell, signed so the test can find it again."""
    solved = next(c for c in solved_cells("ex1_pandas_record") if "by_decade =" in c)
    return f"# written on the hub by {student}\n{solved}"


@pytest.fixture(scope="module")
def handed_in(hub, accounts, class_copy_repo):
    """Student 1 pulls, edits and saves ex1, runs it and hands in: (kit id, receipt, code)."""
    student = accounts.student(1)
    hub.start_server(student)
    token = hub.token_for(student)
    pull = f"{hub.url}/user/{student}/git-pull/api?repo={class_copy_repo}&branch=main"
    reply = hub.request("GET", f"{pull}&targetpath={WORK}", token=token, timeout=120)
    assert b'"phase": "finished"' in reply.body, reply.body[-500:]

    contents = f"{hub.url}/user/{student}/api/contents/{EXERCISE}"
    notebook = hub.request("GET", contents + "?content=1", token=token).json()["content"]
    cell = next(c for c in notebook["cells"] if ANSWER_CELL in "".join(c["source"]))
    cell["source"] = code = _edited_answer(student)
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    with StudentKernel(hub, student, path=f"{WORK}/exercises") as kernel:
        # Write the answer, run the cells up to its check("ex1.by-decade", ...), then save:
        # a notebook checked after its last save is refused at hand-in (tested elsewhere).
        for source in cells[: cells.index(code) + 2]:
            ran = kernel.run(source)
            assert not ran["error"], (source, ran["error"])
        body = json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode()
        saved = hub.request("PUT", contents, body, token, {"Content-Type": "application/json"})
        assert saved.status == 200, saved.body
        out = kernel.json(
            "import json, subprocess, sys\nfrom pathlib import Path\n"
            "from diplomatic_cover.answers.identity import current_student\n"
            "done = subprocess.run([sys.executable, '-m', 'diplomatic_cover', 'submit'],\n"
            f"    cwd=Path.home() / {WORK!r}, capture_output=True, text=True)\n"
            "print(json.dumps({'code': done.returncode, 'err': done.stderr,\n"
            "                  'id': current_student().id}))"
        )
    assert out["code"] == 0, out["err"]
    receipts = hub.service("GET", "api/me/submissions", token).json()["submissions"]
    return out["id"], receipts[-1], code


def _exercise_in(zip_bytes: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        notebook = json.loads(archive.read("exercises/ex1_pandas_record.ipynb"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"])


def test_the_instructor_downloads_the_edited_exercise(hub, accounts, handed_in):
    _, receipt, code = handed_in
    teacher = hub.token_for(accounts.instructor)
    student = accounts.student(1)
    latest = hub.service("GET", f"api/students/{student}/submissions/{receipt['id']}", teacher)
    assert latest.status == 200
    assert code in _exercise_in(latest.body)


@pytest.mark.parametrize("execute", [False, True], ids=["recorded", "execute"])
def test_grading_from_the_hub_scores_the_code_the_student_saved(
    hub, accounts, handed_in, tmp_path, execute
):
    kit_id, receipt, code = handed_in
    config = write_config(tmp_path / "instructors")
    out = tmp_path / "grades"
    command = [sys.executable, "-m", "diplomatic_cover", "grade", "--from-hub", hub.url,
               "--out", str(out), "--config", str(config), "--only", kit_id,
               *(["--execute"] if execute else [])]  # fmt: skip
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": hub.token_for(accounts.instructor)}
    graded = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stderr
    row = read_results(out / "results.json")[kit_id]
    assert row.source == f"hub:{accounts.student(1)}/{receipt['id']}.zip"  # that hand-in
    points = {item.id: item.points for item in row.items if item.assignment == "ex1_pandas_record"}
    assert points == {"ex1.by-decade": 2, "ex1.ratios": 0}
    if execute:  # the points came from re-running the notebook as the student saved it
        assert row.graded_by.startswith("execute (")
        kept = json.loads((out / "reruns" / f"{kit_id}.json").read_text(encoding="utf-8"))
        assert kept["sha256"] == receipt["sha256"]
        assert code in kept["exercises"]["ex1_pandas_record"]["sources"]
    else:
        assert not row.graded_by.startswith("execute")
