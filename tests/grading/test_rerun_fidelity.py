"""The sandbox's forked runner records what a real Jupyter kernel records, for honest notebooks.

The sandbox does not speak the Jupyter protocol: it runs cells through IPython's shell in a
process forked from a warm interpreter. That is only right if every honest notebook gets the
same recorded values, and so the same grade, as when a student runs it in JupyterLab. Here
each notebook runs both ways: in the sandbox, and in a real IPython kernel started by
nbclient the way JupyterLab starts one (inline matplotlib backend, the notebook's folder as
the working folder, the student's answer store).
"""

import json
import os

import pytest

from diplomatic_cover.answers.identity import IDENTITY_FILE, IDENTITY_SCHEMA
from diplomatic_cover.grading.execute import ExecuteSettings, Executor, same_value
from diplomatic_cover.instructor import hidden_checks
from tests.grading.kit import ROOT, notebook, replace_cell, solved_cells

pytestmark = [pytest.mark.long, pytest.mark.usefixtures("sandbox")]

EX1, EX2, EX3 = "ex1_pandas_record", "ex2_plot", "ex3_capacity"
WRONG_DECADE = (
    'decade = people["date"].dt.year // 10 * 10\n'
    'by_decade = people[people["action"] == "expulsion"].groupby(decade)["people_expelled"].sum()'
)
ROUNDED_COVERAGE = (
    "def coverage_share(officers, agents, agents_per_target, other_work_pct, away_pct):\n"
    "    free = agents * (100 - away_pct) / 100 * (100 - other_work_pct) / 100\n"
    "    return min(round(free / agents_per_target), officers) / officers"
)


def student_copy(exercise):
    document = json.loads((ROOT / "exercises" / f"{exercise}.ipynb").read_text())
    return ["".join(c["source"]) for c in document["cells"] if c["cell_type"] == "code"]


# Honest work: solved, with a mistake, half done, and a figure checked through plt.gcf() in
# a later cell (which the inline backend has closed by then, as in JupyterLab).
NOTEBOOKS = {
    "solved": {EX1: solved_cells(EX1), EX2: solved_cells(EX2), EX3: solved_cells(EX3)},
    "mistakes": {
        EX1: replace_cell(solved_cells(EX1), "by_decade = ", WRONG_DECADE),
        EX2: replace_cell(
            solved_cells(EX2), 'check("ex2.scatter", fig)', 'check("ex2.scatter", plt.gcf())'
        ),
        EX3: replace_cell(solved_cells(EX3), "def coverage_share", ROUNDED_COVERAGE),
    },
    "unanswered": {EX1: student_copy(EX1), EX3: student_copy(EX3)},
}


def in_a_kernel(tmp_path, student, exercise, cells):
    """The checks a real kernel records for `cells` (nbclient, like JupyterLab's kernel)."""
    import nbformat
    from nbclient import NotebookClient

    folder = tmp_path / student / exercise
    (folder / "exercises").mkdir(parents=True)
    store = folder / "responses"
    store.mkdir()
    identity = {"schema": IDENTITY_SCHEMA, "id": student, "name": student.title()}
    (store / IDENTITY_FILE).write_text(json.dumps(identity))
    environment = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    environment["DIPLOMATIC_COVER_RESPONSES"] = str(store)
    client = NotebookClient(
        nbformat.from_dict(notebook(*cells)),
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(folder / "exercises")}},
    )
    client.execute(env=environment)
    found = {}
    for path in sorted((store / student).glob("*.json")):
        for check_id, entry in json.loads(path.read_text())["checks"].items():
            found[check_id] = entry["value"]
    return found


def points(check_id, value):
    return hidden_checks.grade_check(check_id, value).points


def test_honest_notebooks_record_the_same_values_as_in_a_real_kernel(tmp_path):
    with Executor(ExecuteSettings(cell_timeout=60)) as executor:
        sandboxed = {
            student: executor.run_submission(
                student,
                student.title(),
                {ex: json.dumps(notebook(*cells)).encode() for ex, cells in notebooks.items()},
            )
            for student, notebooks in NOTEBOOKS.items()
        }
    compared = 0
    for student, notebooks in NOTEBOOKS.items():
        for exercise, cells in notebooks.items():
            rerun = sandboxed[student][exercise]
            assert rerun.problem == "", rerun.problem
            reference = in_a_kernel(tmp_path, student, exercise, cells)
            recorded = {cid: entry["value"] for cid, entry in rerun.checks.items()}
            assert recorded.keys() == reference.keys(), (student, exercise)
            for check_id, value in reference.items():
                assert same_value(recorded[check_id], value), (student, check_id)
                assert points(check_id, recorded[check_id]) == points(check_id, value)
                compared += 1
    # Every check of ex1-ex3 (4 + 2 + 4) solved and with a mistake; ex1 and ex3 unanswered.
    assert compared == 10 + 10 + 8
    # The variants really differ from the solutions, so the comparison means something.
    solved, mistakes = sandboxed["solved"], sandboxed["mistakes"]
    for exercise, check_id in ((EX1, "ex1.by-decade"), (EX2, "ex2.scatter"), (EX3, "ex3.coverage")):
        right = solved[exercise].checks[check_id]["value"]
        assert not same_value(mistakes[exercise].checks[check_id]["value"], right)
        assert points(check_id, right) > points(
            check_id, mistakes[exercise].checks[check_id]["value"]
        )
