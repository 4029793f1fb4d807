"""nbgrader 0.9.6 autograding the kit's exercises: the reference the grading figures compare to.

A virtual environment under benchmarks/out/ with nbgrader 0.9.6 from PyPI and the kit (at the
kit's own versions of pandas, matplotlib and ipykernel) is built the first time, in about 90 s.
The notebooks are the instructors' solved exercises (ex1, ex2, ex3) with each `check(...)`
cell made an nbgrader autograder test (`assert check(...).passed`); `nbgrader autograde`
starts a kernel per notebook, as it does for a real class.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
EXERCISES = ["ex1_pandas_record", "ex2_plot", "ex3_capacity"]
NBGRADER = "nbgrader==0.9.6"


def solved(exercise: str) -> dict:
    """The instructors' source notebook as a student who solved it would hand it in."""
    source = json.loads((ROOT / "instructors" / "exercises" / f"{exercise}.ipynb").read_text())
    cells = []
    for cell in source["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if {"hidden-check", "solution"} & tags:
            continue
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines()
            lines = [ln for ln in lines if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln]
            cell = {**cell, "source": "\n".join(lines), "outputs": [], "execution_count": None}
            cell["metadata"] = {}
        cells.append(cell)
    return {**source, "cells": cells}


def nbgrader_venv() -> Path:
    """A virtual environment with nbgrader 0.9.6 and the kit, at the kit's own versions."""
    venv = OUT / "nbgrader-venv"
    stamp = venv / ".installed"
    if stamp.exists():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    base = Path(getattr(sys, "_base_executable", sys.executable))
    subprocess.run([str(base), "-m", "venv", str(venv)], check=True)
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    constraints = OUT / "nbgrader-constraints.txt"
    constraints.write_text(
        "\n".join(ln for ln in freeze.splitlines() if not ln.lower().startswith("diplomatic"))
    )
    started = time.monotonic()
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", NBGRADER, "-e", str(ROOT),
         "-c", str(constraints)],
        check=True,
    )  # fmt: skip
    print(f"built nbgrader's environment in {time.monotonic() - started:.0f} s", flush=True)
    stamp.touch()
    return venv


def graded_notebook(exercise: str) -> dict:
    """The solved notebook with its check cells as nbgrader autograder tests."""
    notebook = solved(exercise)
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if source.strip().startswith("check("):
            cell["source"] = f"result = {source.strip()}\nassert result.passed, result"
            cell["metadata"] = {
                "nbgrader": {
                    "grade": True, "solution": False, "locked": True, "points": 1,
                    "grade_id": f"test-{index}", "schema_version": 3,
                }
            }  # fmt: skip
    return notebook


def autograde(folder: Path, students: int) -> tuple[float, int]:
    """(wall seconds of `nbgrader autograde` for `students`, notebooks with every test passed)."""
    venv = nbgrader_venv()
    course = folder / "course"
    source = course / "source" / "ex"
    source.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        "c.ExecutePreprocessor.timeout = 300\n"
    )
    for exercise in EXERCISES:
        (source / f"{exercise}.ipynb").write_text(json.dumps(graded_notebook(exercise)))
    nbgrader = str(venv / "bin" / "nbgrader")
    environment = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "PYTHONPATH")}
    environment["DIPLOMATIC_COVER_RESPONSES"] = str(folder / "responses")
    environment["PATH"] = f"{venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    quiet = {"cwd": course, "env": environment, "capture_output": True, "text": True}
    subprocess.run([nbgrader, "generate_assignment", "ex", "--force"], check=True, **quiet)
    for number in range(students):
        shutil.copytree(course / "release" / "ex", course / "submitted" / f"s{number:03d}" / "ex")
    started = time.monotonic()
    done = subprocess.run([nbgrader, "autograde", "ex", "--force"], **quiet)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    with sqlite3.connect(course / "gradebook.db") as db:
        rows = db.execute(
            "select n.id, sum(g.auto_score), sum(c.max_score) from grade g "
            "join submitted_notebook n on g.notebook_id = n.id "
            "join grade_cells c on g.cell_id = c.id group by n.id"
        ).fetchall()
    full = sum(1 for _id, got, out_of in rows if out_of and got == out_of)
    return wall, full
