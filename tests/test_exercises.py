"""Every source solution passes its own checks; every blank student copy fails them all.

Each notebook runs top to bottom in a real kernel (nbclient), with the answer store pointed at
a temporary folder, and the test reads what the checks recorded there: the authoring check
of the issue ("nbgrader validate" and "validate --invert", without nbgrader). A broken check,
a solution that no longer matches the data, or a student copy that raises fails the build.
"""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from diplomatic_cover.answers.catalogue import load_catalogue
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.instructor.hidden_checks import SPECS, grade_check

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(p.stem for p in (ROOT / "instructors" / "exercises").glob("*.ipynb"))
STUDENT = Student(id="tester", name="tester")

pytestmark = pytest.mark.slow


def run(path: Path, store: Path) -> dict:
    """Execute a notebook in a fresh kernel; return the exercise's saved document."""
    notebook = nbformat.read(path, as_version=4)
    saved = {k: os.environ.get(k) for k in ("DIPLOMATIC_COVER_RESPONSES", "JUPYTERHUB_USER")}
    os.environ["DIPLOMATIC_COVER_RESPONSES"] = str(store)
    os.environ["JUPYTERHUB_USER"] = STUDENT.id
    try:
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=120,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()  # raises CellExecutionError if any cell raises
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return ResponseStore(store).load(STUDENT, path.stem)


def checks_of(exercise: str) -> list[str]:
    return [c for c, spec in SPECS.items() if spec.exercise == exercise]


def auto_graded_questions(exercise: str) -> list[str]:
    return [
        q.id
        for q in load_catalogue().for_notebook(exercise)
        if q.type in ("single", "multiple", "ranking", "classify", "number")
    ]


def test_there_are_at_least_four_exercises():
    assert len(EXERCISES) >= 4


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_source_solution_passes_every_check(exercise, tmp_path):
    document = run(ROOT / "instructors" / "exercises" / f"{exercise}.ipynb", tmp_path)
    recorded = document["checks"]
    assert sorted(recorded) == sorted(checks_of(exercise))
    for check_id, entry in recorded.items():
        # A graded-only check cannot confirm an answer in the notebook (None: not marked).
        confirmed = None if SPECS[check_id].graded_only else True
        assert entry["passed"] is confirmed, f"{check_id}: {entry['value']}"
        result = grade_check(check_id, entry["value"])
        assert result.passed, result
        assert result.points == result.max_points


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_blank_student_copy_runs_and_fails_every_auto_graded_check(exercise, tmp_path):
    document = run(ROOT / "exercises" / f"{exercise}.ipynb", tmp_path)
    recorded = document["checks"]
    assert sorted(recorded) == sorted(checks_of(exercise))
    for check_id, entry in recorded.items():
        assert entry["passed"] is None, f"{check_id} should say 'not answered yet'"
        result = grade_check(check_id, entry["value"])
        assert result.passed is None
        assert result.points == 0
    answers = document["answers"]
    assert not set(answers) & set(auto_graded_questions(exercise))
