"""`grade --execute` in its sandbox against nbgrader 0.9.6 autograding the same notebooks.

Both graders re-run the same solved exercise notebooks (ex1, ex2, ex3: the instructors'
sources without their hidden checks) for the same number of students, side by side on this
machine, and the figure is wall seconds per notebook, start-up included:

* nbgrader 0.9.6, in a virtual environment this script builds under benchmarks/out/ (about
  90 s the first time) with the kit installed and the kit's own versions of pandas,
  matplotlib and ipykernel: `nbgrader autograde`, which starts a kernel per notebook. The
  `check(...)` cells are its autograder test cells (the check passed, or saved a
  graded-only answer).
* `diplomatic-cover grade SUBMISSIONS --out DIR --execute` in a fresh interpreter, with the
  sandbox (bubblewrap as root, one job per submission), `--jobs` = the number of cores; then
  the same with `--jobs 1`, and without the sandbox (`--no-isolation`) for comparison.

    .venv/bin/python benchmarks/bench_sandbox.py               # 20 students, 60 notebooks
    .venv/bin/python benchmarks/bench_sandbox.py --rounds 3    # alternate, keep the median
    .venv/bin/python benchmarks/bench_sandbox.py --students 40 --skip-nbgrader

Each run's grades are checked (every check passed), so a fast run that graded nothing
cannot pass for a result.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------------------------------
# nbgrader


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
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
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
    print(f"built nbgrader's environment in {time.monotonic() - started:.0f} s")
    stamp.touch()
    return venv


def nbgrader_notebook(exercise: str) -> dict:
    """The solved notebook with its check cells as nbgrader autograder tests."""
    notebook = solved(exercise)
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if source.strip().startswith("check("):
            # A graded-only check (ex2's plot) says "saved", never "passed", in the notebook.
            cell["source"] = (
                f"result = {source.strip()}\nassert result.status in ('passed', 'saved'), result"
            )
            cell["metadata"] = {
                "nbgrader": {
                    "grade": True, "solution": False, "locked": True, "points": 1,
                    "grade_id": f"test-{index}", "schema_version": 3,
                }
            }  # fmt: skip
    return notebook


def nbgrader_run(folder: Path, students: int) -> tuple[float, int]:
    """(wall seconds of `nbgrader autograde`, notebooks graded with every test passed)."""
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
        (source / f"{exercise}.ipynb").write_text(json.dumps(nbgrader_notebook(exercise)))
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


# ---------------------------------------------------------------------------------------
# diplomatic-cover grade --execute


def build_class(folder: Path, students: int) -> Path:
    from diplomatic_cover.answers.identity import Student
    from diplomatic_cover.answers.store import ResponseStore
    from diplomatic_cover.handin.submission import build_submission
    from diplomatic_cover.instructor import hidden_checks

    out = folder / "submissions"
    for number in range(students):
        student = Student(f"s{number:03d}", f"Student {number:03d}")
        home = folder / "homes" / student.id
        store = ResponseStore(home / "responses")
        for check_id in hidden_checks.check_ids():
            spec = hidden_checks.SPECS[check_id]
            value = hidden_checks.recorded_form(spec, spec.expected())
            store.save_check(
                student, hidden_checks.exercise_of(check_id), check_id, value, passed=True
            )
        exercises = home / "exercises"
        exercises.mkdir(parents=True)
        for exercise in EXERCISES:
            (exercises / f"{exercise}.ipynb").write_text(json.dumps(solved(exercise)))
        build_submission(student, store=store, out_dir=out, exercises_dir=exercises)
    return out


def execute_run(folder: Path, submissions: Path, jobs: int, isolated: bool) -> tuple[float, int]:
    """(wall seconds of `grade --execute` in a fresh interpreter, students with every check)."""
    out = folder / f"grades-{jobs}-{'sandbox' if isolated else 'unisolated'}"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "diplomatic_cover.grading", str(submissions),
               "--out", str(out), "--execute", "--jobs", str(jobs)]  # fmt: skip
    if not isolated:
        command.append("--no-isolation")
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"grade --execute failed:\n{done.stderr[-2000:]}")
    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text(encoding="utf-8-sig"))))
    maximum = _check_points()
    checks = [c for c in maximum if c.split(".")[0] in ("ex1", "ex2", "ex3")]
    full = sum(1 for row in rows if all(float(row[c] or 0) == maximum[c] for c in checks))
    return wall, full


def _check_points() -> dict[str, float]:
    import tomllib

    config = tomllib.loads((ROOT / "instructors" / "grading.toml").read_text())
    return {
        check_id: float(points)
        for assignment in config["assignment"].values()
        for check_id, points in assignment.get("checks", {}).items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternate the runs this many times (median kept)"
    )
    parser.add_argument("--skip-nbgrader", action="store_true")
    parser.add_argument("--work", type=Path, default=OUT / "sandbox")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    notebooks = args.students * len(EXERCISES)
    cores = os.cpu_count() or 1
    print(f"{args.students} students x {len(EXERCISES)} notebooks = {notebooks} notebooks; "
          f"{cores} cores; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    submissions = build_class(args.work / "kit", args.students)
    runs: list[tuple[str, Any]] = []
    if not args.skip_nbgrader:
        runs.append(("nbgrader 0.9.6 autograde (a kernel per notebook)", None))
    for jobs, isolated in ((cores, True), (1, True), (cores, False)):
        label = f"grade --execute, {'sandbox' if isolated else 'NO sandbox'}, --jobs {jobs}"
        runs.append((label, (jobs, isolated)))
    walls: dict[str, list[float]] = {label: [] for label, _ in runs}
    complete: dict[str, str] = {}
    for number in range(args.rounds):
        for label, how in runs:
            folder = args.work / f"round-{number}"
            if how is None:
                wall, full = nbgrader_run(folder / "nbgrader", args.students)
                complete[label] = f"{full}/{notebooks} notebooks"
            else:
                wall, full = execute_run(folder, submissions, *how)
                complete[label] = f"{full}/{args.students} students"
            walls[label].append(wall)
            print(f"  round {number + 1}: {label}: {wall:.1f} s "
                  f"(load average {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    print(f"\n{'run':56} {'wall s':>8} {'s/notebook':>11}  every check passed")
    per = {}
    for label, _ in runs:
        wall = statistics.median(walls[label])
        per[label] = wall / notebooks
        print(f"{label:56} {wall:8.1f} {per[label]:11.3f}  {complete[label]}")
    if not args.skip_nbgrader:
        reference, sandboxed = per[runs[0][0]], per[runs[1][0]]
        print(f"\nsandboxed --execute with --jobs {cores}: {reference / sandboxed:.1f}x faster "
              "than nbgrader per notebook")  # fmt: skip


if __name__ == "__main__":
    main()
