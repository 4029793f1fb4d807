"""An instructor scores a written answer by keyboard in the manual grading notebook; the
score is saved at once and is still there after the kernel restarts."""

import shutil
from pathlib import Path

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.manual_store import ManualScores
from tests.browser.jlab import assert_no_widget_errors, open_notebook, restart_kernel, run_all_cells
from tests.grading.kit import ESSAY, good_answers, hand_in, write_config

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "instructors/manual_grading.ipynb"
STUDENTS = [Student(f"student-{n}", f"Student Number{n}") for n in range(2)]


def _grades_folder(lab, tmp_path):
    config = write_config(tmp_path / "config")
    for number, student in enumerate(STUDENTS):
        answers = good_answers()
        answers["00.tour-text"] = f"Answer {number}: " + ESSAY
        hand_in(tmp_path, student, answers=answers)
    (lab.root / "instructors").mkdir(exist_ok=True)
    shutil.copy(ROOT / NOTEBOOK, lab.root / NOTEBOOK)
    out = lab.root / "grades"  # the notebook's default: ../grades from instructors/
    grade(submissions=tmp_path / "submissions", out=out, config=config)
    return out


def test_a_rubric_score_entered_by_keyboard_is_saved_and_survives_a_restart(page, lab, tmp_path):
    out = _grades_folder(lab, tmp_path)
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    assert_no_widget_errors(page)
    panel = page.locator(".jp-OutputArea").first
    assert "Student Number" not in panel.text_content()  # names are hidden

    group = page.get_by_role("radiogroup", name="Explains immunity")
    group.get_by_role("radio").first.focus()
    page.keyboard.press("Space")  # the top level of the rubric
    page.get_by_text("saved.").first.wait_for()

    scores = ManualScores(out)
    saved = [scores.scores(s.id, "00.tour-text").get("immunity") for s in STUDENTS]
    points = [s.points for s in saved if s is not None]
    assert points == [2.0]

    restart_kernel(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    group = page.get_by_role("radiogroup", name="Explains immunity")
    assert group.get_by_role("radio").first.is_checked()
