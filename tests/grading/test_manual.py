"""Scoring written answers by hand: anonymous, rubric beside, saved at once, never overwritten."""

import csv
import io
import json
import os
from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.manual_store import ManualScores, answer_digest, read_queue
from diplomatic_cover.widgets.rubric import NOT_SCORED, ManualGrader, open_manual_grading
from tests.grading.kit import ESSAY, good_answers, hand_in, write_config

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = [Student(f"student-{n}", f"Student Number{n}") for n in range(4)]


def grades_of(out):
    text = (out / "grades.csv").read_text(encoding="utf-8-sig")
    return {row["student"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture
def setup(tmp_path):
    config = write_config(tmp_path / "instructors")
    for number, student in enumerate(STUDENTS):
        answers = good_answers()
        answers["00.tour-text"] = f"Answer {number}: " + ESSAY * (number + 1)
        hand_in(tmp_path, student, answers=answers)
    out = tmp_path / "grades"
    grade(submissions=tmp_path / "submissions", out=out, config=config)
    return tmp_path, config, out


def test_the_queue_holds_each_written_answer_once_in_an_anonymous_order(setup):
    _tmp, _config, out = setup
    queue = read_queue(out)
    items = queue["items"]
    assert [i["question"] for i in items] == ["00.tour-text"] * 4
    assert sorted(i["student"] for i in items) == [s.id for s in STUDENTS]
    assert [i["token"] for i in items] == sorted(i["token"] for i in items)
    assert queue["questions"]["00.tour-text"]["criteria"][0]["title"] == "Explains immunity"


def test_the_order_stays_the_same_across_runs(setup):
    tmp, config, out = setup
    first = [i["student"] for i in read_queue(out)["items"]]
    grade(submissions=tmp / "submissions", out=out, config=config)
    assert [i["student"] for i in read_queue(out)["items"]] == first


def test_the_panel_shows_no_name_and_the_rubric_beside_the_answer(setup):
    _tmp, _config, out = setup
    grader = ManualGrader(out)
    shown = grader.answer.value + grader.where.value + grader.prompt.value
    assert "Answer 1 of 4" in shown and "0 scored" in shown
    assert all(s.name not in shown and s.id not in shown for s in STUDENTS)
    immunity, signal = grader.criteria["immunity"], grader.criteria["signal"]
    assert immunity.title == "Explains immunity"
    assert [label for label, _ in immunity.options] == [
        "2 of 2: Names immunity and why it rules out arrest",
        "1 of 2: Mentions immunity without explaining it",
        "0 of 2: No mention",
        NOT_SCORED,
    ]
    assert [points for _, points in signal.options] == [2.0, 1.0, 0.0, None]
    assert grader.comment.description == "Comment"


def score_current(grader, immunity, signal, comment=""):
    grader.criteria["immunity"].value = immunity
    grader.criteria["signal"].value = signal
    if comment:
        grader.comment.value = comment


def test_scores_are_saved_at_once_and_merged_by_the_next_run(setup):
    tmp, config, out = setup
    grader = ManualGrader(out)
    student = grader.current["student"]
    score_current(grader, 2.0, 1.0, "Clear on immunity; say more about the signal.")
    assert "saved" in grader.status.value
    saved = ManualScores(out).scores(student, "00.tour-text")
    assert {cid: s.points for cid, s in saved.items()} == {"immunity": 2.0, "signal": 1.0}

    summary = grade(submissions=tmp / "submissions", out=out, config=config)
    row = grades_of(out)[student]
    assert row["00.tour-text"] == "1.5"  # 3 of 4 rubric points, scaled to the item's 2
    assert row["pending"] == "" and summary.pending == 3
    page = (out / "feedback" / f"{student}.html").read_text()
    assert "Clear on immunity; say more about the signal." in page
    assert "Expulsion as a signal" in page and "1 of 2" in page


def test_a_new_session_resumes_at_the_first_answer_not_scored(setup):
    _tmp, _config, out = setup
    grader = ManualGrader(out)
    score_current(grader, 2.0, 2.0)
    grader.next_open.click()
    score_current(grader, 1.0, 1.0)
    later = ManualGrader(out)  # another day, another kernel
    assert later.position == 2
    assert "2 scored" in later.where.value
    later.previous.click()
    assert later.criteria["immunity"].value == 1.0


def test_grading_again_never_overwrites_manual_scores(setup):
    tmp, config, out = setup
    grader = ManualGrader(out)
    score_current(grader, 2.0, 2.0, "Excellent.")
    student = grader.current["student"]
    files = sorted((out / "manual" / "scores").rglob("*.json"))
    before = [p.read_bytes() for p in files]
    for _ in range(2):
        grade(submissions=tmp / "submissions", out=out, config=config)
    assert [p.read_bytes() for p in files] == before
    assert grades_of(out)[student]["00.tour-text"] == "2"


def test_an_answer_changed_after_scoring_is_flagged(setup):
    tmp, config, out = setup
    grader = ManualGrader(out)
    student = Student(grader.current["student"], "")
    score_current(grader, 2.0, 2.0)
    answers = good_answers()
    answers["00.tour-text"] = "A completely different answer after the deadline."
    hand_in(tmp, student, answers=answers, out_dir=tmp / "late")
    grade(submissions=tmp / "late", out=out, config=config)
    row = grades_of(out)[student.id]
    assert "changed after it was scored" in row["flags"]


def test_unscored_is_a_choice_that_clears_the_score(setup):
    _tmp, _config, out = setup
    grader = ManualGrader(out)
    score_current(grader, 2.0, 2.0)
    grader.criteria["signal"].value = None
    saved = ManualScores(out).scores(grader.current["student"], "00.tour-text")
    assert list(saved) == ["immunity"]


def test_scores_survive_a_damaged_score_file(setup):
    _tmp, _config, out = setup
    scores = ManualScores(out)
    digest = answer_digest("text")
    scores.save_points("student-0", "00.tour-text", "immunity", 2, digest)
    path = out / "manual" / "scores" / "student-0" / "00.tour-text.json"
    path.write_text("{ half written")
    assert scores.scores("student-0", "00.tour-text") == {}
    assert list(path.parent.glob("00.tour-text.json.unreadable-*"))  # set aside, not lost


def test_the_panel_says_what_to_do_before_any_grading(tmp_path):
    shown = open_manual_grading(tmp_path / "nowhere")
    assert "run" in shown.value and "diplomatic-cover grade" in shown.value


def test_the_manual_grading_notebook_runs_and_shows_the_panel(setup):
    import nbformat
    from nbclient import NotebookClient

    _tmp, _config, out = setup
    notebook = nbformat.read(ROOT / "instructors" / "manual_grading.ipynb", as_version=4)
    os.environ["DIPLOMATIC_COVER_GRADES"] = str(out)
    try:
        NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(ROOT / "instructors")}},
        ).execute()
    finally:
        del os.environ["DIPLOMATIC_COVER_GRADES"]
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)
    json.dumps(outputs)
