"""Predictions: asked before the cell that shows the result, graded on the answer saved then.

The catalogue names the result a prediction waits for (`reveal`); the revealing cell calls
`dc.reveal(...)`, which records once, in the student's store, when the result was shown and
the answers saved before it. The grader grades each prediction on that answer, and not at
all when the student answered only afterwards.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest

from diplomatic_cover.answers.catalogue import load_catalogue
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.reveals import reveal
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.results import AFTER_REVEAL, GRADED, NOT_ANSWERED
from diplomatic_cover.handin.submission import build_submission
from diplomatic_cover.widgets.question import QuestionWidget

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue()
ADA = Student("ada-lovelace", "Ada Lovelace")
CALL = re.compile(r"""dc\.(ask|reveal)\(\s*["']([^"']+)["']""")


def calls(notebook: Path) -> list[tuple[int, str, str]]:
    """(cell index, "ask" or "reveal", id) for every call in the notebook's code cells."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [
        (index, kind, name)
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        for kind, name in CALL.findall("".join(cell["source"]))
    ]


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("0*.ipynb")), ids=str)
def test_every_prediction_is_asked_before_the_one_cell_that_reveals_it(notebook):
    found = calls(notebook)
    asked = {name: index for index, kind, name in found if kind == "ask"}
    revealed = [(name, index) for index, kind, name in found if kind == "reveal"]
    assert len(dict(revealed)) == len(revealed), "a result is revealed in one cell only"
    for name, index in revealed:
        predicting = CATALOGUE.predicting(name)
        assert predicting, f"dc.reveal({name!r}): no question predicts it"
        for question in predicting:
            assert asked[question.id] < index, (question.id, name)
    for question in CATALOGUE.for_notebook(notebook.stem):
        if question.reveal:
            assert question.reveal in dict(revealed), question.id


def test_the_kit_turns_its_read_offs_into_predictions():
    predictions = {q.id for q in CATALOGUE.values() if q.reveal}
    assert predictions >= {"01.classify-statements", "04.hand-calc", "06.flip-distance"}
    assert all(CATALOGUE[q].type != "text" for q in predictions)


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "responses")


def test_a_reveal_records_once_the_answers_saved_before_it(store):
    store.save_answer(
        ADA, "04_counterintelligence_capacity", "04.hand-calc", {"raw": "20", "number": 20}
    )
    first = store.record_reveal(
        ADA,
        "04_counterintelligence_capacity",
        "04.coverage-model",
        ["04.hand-calc", "04.more-officers"],
    )
    assert set(first["answers"]) == {"04.hand-calc"} and first["at"]
    store.save_answer(
        ADA, "04_counterintelligence_capacity", "04.hand-calc", {"raw": "25", "number": 25}
    )
    store.save_answer(
        ADA, "04_counterintelligence_capacity", "04.more-officers", {"raw": "13.3", "number": 13.3}
    )
    again = store.record_reveal(
        ADA,
        "04_counterintelligence_capacity",
        "04.coverage-model",
        ["04.hand-calc", "04.more-officers"],
    )
    assert again == first  # running the cell again changes nothing
    assert again["answers"]["04.hand-calc"]["value"]["number"] == 20
    saved = store.get_answer(ADA, "04_counterintelligence_capacity", "04.hand-calc")
    assert saved["value"]["number"] == 25  # the answer itself stays editable


def test_a_document_with_a_damaged_reveal_record_is_set_aside_not_trusted(store):
    store.record_reveal(
        ADA, "04_counterintelligence_capacity", "04.coverage-model", ["04.hand-calc"]
    )
    path = store.document_path(ADA, "04_counterintelligence_capacity")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["reveals"]["04.coverage-model"]["answers"] = ["not", "a", "table"]
    path.write_text(json.dumps(document), encoding="utf-8")
    assert store.get_reveal(ADA, "04_counterintelligence_capacity", "04.coverage-model") is None
    assert any("could not be read" in notice for notice in store.pop_notices())


def test_reveal_says_which_predictions_count(store, capsys):
    store.save_answer(
        ADA, "04_counterintelligence_capacity", "04.hand-calc", {"raw": "20", "number": 20}
    )
    reveal("04.coverage-model", student=ADA, store=store)
    said = capsys.readouterr().out
    assert said.startswith("The result below was first shown at ")
    assert "Your predictions saved before then count: 04.hand-calc: 20 %." in said
    assert "not graded (answer anyway, for practice): 04.more-officers." in said
    with pytest.raises(ValueError, match="No question of the catalogue predicts"):
        reveal("04.no-such-result", student=ADA, store=store)


def test_the_question_tells_the_student_when_a_prediction_counts(store):
    def note():
        widget = QuestionWidget(CATALOGUE["04.hand-calc"], student=ADA, store=store)
        return widget.spec["prediction"]

    assert note()["note"].startswith("A prediction: answer before you run the cell")
    store.save_answer(
        ADA, "04_counterintelligence_capacity", "04.hand-calc", {"raw": "20", "number": 20}
    )
    store.record_reveal(
        ADA, "04_counterintelligence_capacity", "04.coverage-model", ["04.hand-calc"]
    )
    shown = note()
    assert "{when}" in shown["note"] and "(20 %) is the one that counts" in shown["note"]
    assert shown["at"]
    missed = QuestionWidget(CATALOGUE["04.more-officers"], student=ADA, store=store).spec
    assert "before you had answered" in missed["prediction"]["note"]
    assert (
        "prediction" not in QuestionWidget(CATALOGUE["04.estimates"], student=ADA, store=store).spec
    )


# --- grading --------------------------------------------------------------------------

CONFIG = """
[assignment.guided]
title = "Notebook 04"
questions = { "04.hand-calc" = 1, "04.more-officers" = 1, "04.symmetric-ranges" = 1 }
"""


def hand_in(folder, student, steps):
    """Run `steps` (save or reveal) in the student's own store, then press Hand in."""
    store = ResponseStore(folder / student.id / "responses")
    for step in steps:
        if step[0] == "reveal":
            reveal(step[1], student=student, store=store)
        else:
            qid, value = step
            store.save_answer(student, CATALOGUE[qid].notebook, qid, value)
    (folder / student.id / "exercises").mkdir()
    build_submission(
        student,
        store=store,
        out_dir=folder / "submissions",
        exercises_dir=folder / student.id / "exercises",
    )


def test_predictions_are_graded_on_the_answer_saved_before_the_reveal(tmp_path):
    right, wrong = {"raw": "20", "number": 20}, {"raw": "40", "number": 40}
    students = {
        # Wrong before the reveal, right after: the prediction was wrong.
        "changed": [
            ("04.hand-calc", wrong),
            ("reveal", "04.coverage-model"),
            ("04.hand-calc", right),
        ],
        # Right before the reveal, a slip after it: the prediction was right.
        "kept": [("04.hand-calc", right), ("reveal", "04.coverage-model"), ("04.hand-calc", wrong)],
        # Ran the result first, answered after it: not graded.
        "late": [("reveal", "04.coverage-model"), ("04.hand-calc", right)],
        # Never ran the revealing cell: the saved answer counts.
        "unrevealed": [("04.hand-calc", right)],
    }
    for name, steps in students.items():
        hand_in(tmp_path, Student(name, name.title()), steps)
    config = tmp_path / "grading.toml"
    config.write_text(CONFIG, encoding="utf-8")
    grade(submissions=tmp_path / "submissions", out=tmp_path / "grades", config=config)
    results = json.loads((tmp_path / "grades" / "results.json").read_text(encoding="utf-8"))
    items = {s["key"]: {i["id"]: i for i in s["items"]} for s in results["students"]}
    hand_calc = {name: items[name]["04.hand-calc"] for name in students}
    assert {n: (r["points"], r["status"]) for n, r in hand_calc.items()} == {
        "changed": (0.0, GRADED),
        "kept": (1.0, GRADED),
        "late": (0.0, AFTER_REVEAL),
        "unrevealed": (1.0, GRADED),
    }
    assert hand_calc["kept"]["answer"] == "20 %"  # the feedback page shows the prediction
    assert "before the cell that shows" in hand_calc["late"]["hint"]
    assert items["late"]["04.more-officers"]["status"] == NOT_ANSWERED  # never answered at all


def test_guesses_are_never_graded():
    # A question that asks for a guess: "Guess ..." or an id ending in "-guess".
    guesses = [
        q for q in CATALOGUE.values() if q.prompt.startswith("Guess") or q.id.endswith("-guess")
    ]
    assert {q.id for q in guesses} == {"00.tour-number", "03.opponent-guess"}
    assert not [q.id for q in guesses if q.points], "a guess earns no points"


@pytest.mark.parametrize(("zone", "name"), [("America/New_York", r"E[SD]T"), ("UTC", "UTC")])
def test_the_reveal_line_says_its_time_zone(store, capsys, zone, name):
    # A hub kernel usually runs in UTC: the line says so rather than pass UTC off as local.
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        reveal("04.coverage-model", student=ADA, store=store)
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
    said = capsys.readouterr().out
    assert re.match(rf"The result below was first shown at \d\d:\d\d {name}\.", said), said
