"""Grading a class: 300 submissions without running code, 40 with --execute.

Submissions are built with the kit's own API (a real ResponseStore per student, then
`submit.build_submission`), realistic in size: every question of every notebook answered
(written answers of a few hundred words), every exercise check recorded, the four exercise
notebooks inside. The class is mixed: right, partly wrong, empty, and broken files (cut
short, or edited after the build so the manifest no longer matches). Under --execute the
notebooks are the instructors' solutions with mistakes swapped in, a few answers left as the
placeholder, and one notebook that loops forever.

    .venv/bin/python benchmarks/bench_grading.py            # both measurements
    .venv/bin/python benchmarks/bench_grading.py --students 300 --execute-students 0
    .venv/bin/python benchmarks/bench_grading.py --execute-students 0 --nbgrader 20 --rounds 3

The fast figure is the wall time of `python -m diplomatic_cover.grading` in a fresh
interpreter (start-up and imports included), best of three, divided by the submissions.
`--nbgrader N` puts it side by side with nbgrader 0.9.6 autograding N students' solved
exercises 1-3 (`bench_sandbox.nbgrader_run`; its environment is built once, about 90 s), per
submission; `--rounds` alternates the two and keeps the medians, since the machine's load
moves both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.submission import build_submission
from diplomatic_cover.instructor import hidden_checks

ROOT = Path(__file__).resolve().parents[1]
_VOCABULARY = (
    "embassy consulate reciprocity expulsion officers intelligence cover diplomats staffing "
    "visas banking Vienna Convention immunity persona non grata counterintelligence FBI "
    "surveillance capacity evidence sources officials anonymous claim framing risk channel "
    "negotiation Moscow Washington Istanbul Riyadh talks restore presence network agents "
    "because however therefore although the a of to and in that is for it with as on by"
)
WORDS = _VOCABULARY.split()
EXERCISES = ["ex1_pandas_record", "ex2_plot", "ex3_capacity", "ex4_argument_memo"]


def essay(rng: random.Random, words: int) -> str:
    sentences, text = [], []
    for _ in range(words):
        text.append(rng.choice(WORDS))
        if len(text) > rng.randint(12, 24):
            sentences.append(" ".join(text).capitalize() + ".")
            text = []
    return " ".join([*sentences, " ".join(text).capitalize() + "."])


def widget_value(question, key, right: bool, rng: random.Random):
    entry = key.get(question.id)
    correct = entry.correct if entry is not None else None
    kind = question.type
    if kind == "text":
        return essay(rng, rng.randint(180, 420))
    if kind == "short_text":
        return essay(rng, rng.randint(4, 12))[: question.max_chars or 160]
    if kind == "scale":
        return {
            "point": rng.randint(1, question.scale_points),
            "confidence": rng.randint(1, 4) if question.confidence else None,
        }
    if kind == "number":
        low, high = question.minimum or 0, question.maximum or 100
        number = correct if right and correct is not None else rng.uniform(low, high)
        return {"raw": f"{number:g}", "number": number}
    options = [o.id for o in question.options]
    if kind == "single":
        return correct if right and correct else rng.choice(options)
    if kind == "multiple":
        return list(correct) if right and correct else rng.sample(options, rng.randint(1, 2))
    if kind == "ranking":
        return list(correct) if right and correct else rng.sample(options, len(options))
    if kind == "classify":
        if right and correct:
            return dict(correct)
        labels = [label.id for label in question.labels]
        return {s.id: rng.choice(labels) for s in question.statements}
    return None


def check_value(check_id: str, kind: str, rng: random.Random):
    spec = hidden_checks.SPECS[check_id]
    if kind == "empty" or (kind == "partly" and rng.random() < 0.3):
        return None
    if kind == "right" or rng.random() < 0.5:
        return hidden_checks.recorded_form(spec, spec.expected())
    return hidden_checks.recorded_form(spec, rng.choice(spec.wrong).value())


# ---------------------------------------------------------------------------------------
# Notebooks for --execute


def solved(exercise: str) -> dict:
    source = json.loads((ROOT / "instructors" / "exercises" / f"{exercise}.ipynb").read_text())
    cells = []
    for cell in source["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if {"hidden-check", "solution"} & tags:
            continue
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines()
            lines = [
                ln
                for ln in lines
                if not ln.lstrip().startswith(("# BEGIN SOLUTION", "# END SOLUTION"))
            ]
            cell = {**cell, "source": "\n".join(lines), "outputs": [], "execution_count": None}
        cells.append(cell)
    return {**source, "cells": cells}


def student_copy(exercise: str) -> dict:
    return json.loads((ROOT / "exercises" / f"{exercise}.ipynb").read_text())


def notebooks_for(kind: str, rng: random.Random, loop: bool) -> dict[str, dict]:
    chosen = {}
    for exercise in EXERCISES:
        if kind == "empty" or exercise == "ex4_argument_memo":
            chosen[exercise] = student_copy(exercise)
            continue
        notebook = solved(exercise)
        if kind == "partly":
            # Some answers left as the placeholder of the student copy.
            blank = student_copy(exercise)
            code = [i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"]
            blank_code = [c for c in blank["cells"] if c["cell_type"] == "code"]
            for i, cell in zip(code, blank_code, strict=False):
                if "your code here" in "".join(cell["source"]) and rng.random() < 0.4:
                    notebook["cells"][i] = cell
        chosen[exercise] = notebook
    if loop:
        cells = chosen["ex1_pandas_record"]["cells"]
        index = next(
            i
            for i, c in enumerate(cells)
            if c["cell_type"] == "code" and "largest" in "".join(c["source"])
        )
        cells[index] = {**cells[index], "source": "while True:\n    pass"}
    return chosen


# ---------------------------------------------------------------------------------------
# The class


def build_class(folder: Path, students: int, execute: bool, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    catalogue, key = load_catalogue(), load_answer_key() or {}
    out = folder / "submissions"
    out.mkdir(parents=True)
    kinds = {"right": 0, "partly": 0, "empty": 0, "broken": 0}
    for number in range(students):
        student = Student(f"student-{number:03d}", f"Student {number:03d}")
        kind = [
            "right",
            "right",
            "partly",
            "partly",
            "partly",
            "right",
            "partly",
            "right",
            "empty",
            "broken",
        ][number % 10]
        kinds[kind] += 1
        home = folder / "homes" / student.id
        store = ResponseStore(home / "responses")
        if kind != "empty":
            accuracy = 0.95 if kind in ("right", "broken") else 0.6
            for question in catalogue.values():
                if kind == "partly" and rng.random() < 0.1:
                    continue
                value = widget_value(question, key, rng.random() < accuracy, rng)
                if value is not None:
                    store.save_answer(student, question.notebook, question.id, value)
        for check_id in hidden_checks.check_ids():
            if execute:
                # What the student's own run recorded: the solutions' values, where solved.
                value = check_value(check_id, "right" if kind == "right" else "empty", rng)
            else:
                value = check_value(check_id, kind if kind != "broken" else "right", rng)
            store.save_check(
                student,
                hidden_checks.exercise_of(check_id),
                check_id,
                value,
                passed=None if value is None else True,
            )
        exercises = home / "exercises"
        exercises.mkdir(parents=True)
        if execute:
            loop = number == 7
            for name, notebook in notebooks_for(kind, rng, loop).items():
                (exercises / f"{name}.ipynb").write_text(json.dumps(notebook, indent=1))
        else:
            for name in EXERCISES:
                shutil.copy(ROOT / "exercises" / f"{name}.ipynb", exercises)
        path = build_submission(
            student, store=store, out_dir=out, exercises_dir=exercises, catalogue=catalogue
        )
        if kind == "broken" and not execute:
            data = path.read_bytes()
            if number % 20 == 9:
                path.write_bytes(data[: len(data) // 2])  # cut short in transit
            else:
                edit_after_build(path)
    return kinds


def edit_after_build(path: Path) -> None:
    """Change an answer inside the zip without rebuilding it: the manifest no longer matches."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    name = next(n for n in sorted(files) if n.startswith("responses/"))
    document = json.loads(files[name])
    for entry in document["answers"].values():
        entry["value"] = "edited by hand"
    files[name] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in files.items():
            archive.writestr(member, data)


def fast(folder: Path, students: int, built: bool = False) -> float:
    """Seconds per submission of fast grading (best of three fresh-interpreter runs)."""
    t0 = time.monotonic()
    if built:
        return _fast_runs(folder, students)
    kinds = build_class(folder, students, execute=False)
    sizes = [p.stat().st_size for p in (folder / "submissions").iterdir()]
    print(
        f"built {students} submissions in {time.monotonic() - t0:.1f} s "
        f"({kinds}); median size {statistics.median(sizes) / 1000:.0f} kB, "
        f"total {sum(sizes) / 1e6:.1f} MB"
    )
    return _fast_runs(folder, students)


def _fast_runs(folder: Path, students: int) -> float:
    runs = []
    for attempt in range(3):
        out = folder / f"grades-{attempt}"
        t0 = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "diplomatic_cover.grading", str(folder / "submissions"),
             "--out", str(out)], capture_output=True, text=True, check=True,
        )  # fmt: skip
        runs.append(time.monotonic() - t0)
    print(done.stdout.strip())
    print(
        f"FAST: {students} submissions graded in {min(runs):.2f} s (best of 3; runs "
        f"{', '.join(f'{r:.2f}' for r in runs)}), {1000 * min(runs) / students:.1f} ms each, "
        f"fresh interpreter included (load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return min(runs) / students


def versus_nbgrader(folder: Path, students: int, nbgrader_students: int, rounds: int) -> None:
    """Fast grading and nbgrader autograde per submission, alternated `rounds` times."""
    from bench_sandbox import nbgrader_run

    ours, theirs, complete = [], [], ""
    for number in range(rounds):
        wall, full = nbgrader_run(folder / f"nbgrader-{number}", nbgrader_students)
        theirs.append(wall / nbgrader_students)
        complete = f"{full}/{3 * nbgrader_students} notebooks with every test passed"
        print(f"NBGRADER round {number + 1}: {nbgrader_students} submissions (3 notebooks "
              f"each) in {wall:.1f} s, {wall / nbgrader_students:.2f} s each; {complete} "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
        ours.append(fast(folder / "fast", students, built=True))
    mine, reference = statistics.median(ours), statistics.median(theirs)
    print(
        f"\nper submission, median of {rounds} round(s): fast grading {1000 * mine:.1f} ms, "
        f"nbgrader 0.9.6 autograde {reference:.2f} s: {reference / mine:.0f}x"
    )


def execute(folder: Path, students: int, jobs: int) -> None:
    from diplomatic_cover.grading import grade

    build_class(folder, students, execute=True)
    t0 = time.monotonic()
    summary = grade(
        submissions=folder / "submissions",
        out=folder / "grades",
        execute=True,
        jobs=jobs,
        progress=sys.stderr,
    )
    wall = time.monotonic() - t0
    per = sorted(summary.rerun_seconds.values())
    print(summary)
    print(
        f"EXECUTE: {students} submissions (3 exercise notebooks re-run each, one loops "
        f"forever) with --jobs {jobs}: {wall:.1f} s wall, {wall / students:.2f} s per "
        f"submission; kernel time per submission median {statistics.median(per):.2f} s, "
        f"min {per[0]:.2f} s, max {per[-1]:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--execute-students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--nbgrader", type=int, default=0, metavar="N", help="compare with nbgrader on N students"
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "grading")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    if args.students:
        fast(args.work / "fast", args.students)
        if args.nbgrader:
            versus_nbgrader(args.work, args.students, args.nbgrader, args.rounds)
    if args.execute_students:
        execute(args.work / "execute", args.execute_students, args.jobs)


if __name__ == "__main__":
    main()
