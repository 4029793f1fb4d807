"""Grading again without `--execute` never silently undoes what an `--execute` run found.

The newcomer's path (review-newcomer.md, 2): grade with `--execute` (a notebook whose recorded
value the re-run contradicts is flagged and loses the points), score written answers, then
grade again without `--execute` as the guide's manual-grading step says. The kept re-run is
used for the unchanged submission; a resubmission made after the re-run is graded from its
recorded values, marked "not re-run", flagged and left blank in the LMS files.
"""

import shutil

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.reruns import RerunStore
from tests.grading.hostile.outputs import canvas_rows, grades, read_csv
from tests.grading.kit import correct, hand_in, notebook, replace_cell, solved_cells

# Real re-runs in the real sandbox, as tests/grading/test_execute.py (about 20 s each).
pytestmark = [pytest.mark.long, pytest.mark.usefixtures("sandbox")]

CONFIG = """
[assignment.ex1_pandas_record]
title = "Exercise 1"
canvas_id = "77"
checks = {"ex1.by-decade" = 2, "ex1.ratios" = 3}
"""
EX1 = "ex1_pandas_record"
WRONG_DECADES = (
    'decade = people["date"].dt.year // 10 * 10\n'
    'by_decade = people[people["action"] == "expulsion"].groupby(decade)["people_expelled"].sum()'
)


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "grading.toml"
    path.write_text(CONFIG)
    return path


def recorded_right(folder, out_dir=None):
    """Ana's store says both checks passed; the notebook she handed in computes one wrongly."""
    cells = replace_cell(solved_cells(EX1), "by_decade = ", WRONG_DECADES)
    return hand_in(
        folder,
        Student("ana", "Ana"),
        checks={c: correct(c) for c in ("ex1.by-decade", "ex1.ratios")},
        notebooks={EX1: notebook(*cells)},
        out_dir=out_dir,
    )


def test_a_fast_regrade_keeps_what_the_rerun_found_until_the_file_changes(tmp_path, config):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    shutil.copy(recorded_right(tmp_path), canvas / "ana_4821_1_submission-ana.zip")
    out = tmp_path / "grades"
    grade(submissions=canvas, out=out, config=config, execute=True, cell_timeout=20)
    after_execute = grades(out)["ana"]
    assert float(after_execute["ex1.by-decade"]) < 2 and after_execute["flags"]
    assert after_execute["graded_by"].startswith("execute (sandbox)")

    summary = grade(submissions=canvas, out=out, config=config)  # the guide's step 5
    again = grades(out)["ana"]
    assert again["ex1.by-decade"] == after_execute["ex1.by-decade"]
    assert again["total"] == after_execute["total"] and again["flags"] == after_execute["flags"]
    assert again["graded_by"].startswith("execute (re-run ")
    assert summary.kept == 1 and "Re-runs kept from an earlier --execute: 1" in str(summary)
    kept = RerunStore(out).load("ana")
    assert kept is not None and kept.sha256 and "ex1_pandas_record" in kept.exercises

    # Ana hands in again after the re-run: her new file is not re-run by a fast grade.
    resubmitted = recorded_right(tmp_path / "later", out_dir=tmp_path / "later-out")
    shutil.copy(resubmitted, canvas / "ana_4821_1_submission-ana-1.zip")
    summary = grade(submissions=canvas, out=out, config=config)
    changed = grades(out)["ana"]
    assert changed["ex1.by-decade"] == "2"  # the recorded value, shown as such...
    assert "changed since --execute: not re-run" in changed["flags"]  # ...and flagged
    assert "not re-run" in changed["graded_by"] and summary.changed == 1
    assert canvas_rows(out)["4821"][5] == ""  # never uploaded as a grade
    detail = {r["item"]: r for r in read_csv(out / "grades_detail.csv") if r["student"] == "ana"}
    assert "--execute --only ana" in detail["ex1.by-decade"]["detail"]


def test_a_kept_rerun_made_without_a_sandbox_stays_flagged_unisolated(tmp_path, config):
    recorded_right(tmp_path)
    out = tmp_path / "grades"
    grade(submissions=tmp_path / "submissions", out=out, config=config, execute=True,
          no_isolation=True, cell_timeout=20)  # fmt: skip
    assert "re-run without a sandbox" in grades(out)["ana"]["flags"]
    grade(submissions=tmp_path / "submissions", out=out, config=config)
    again = grades(out)["ana"]
    assert "re-run without a sandbox" in again["flags"]
    assert "no sandbox (--no-isolation)" in again["graded_by"]
