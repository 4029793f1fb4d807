"""The instructor's path as a newcomer walks it (review-newcomer.md 3-4; review-security 5.6-5.8).

Wrong paths stop with one line and touch nothing; the LMS files say what they cannot hold;
a damaged file reads "damaged submission"; an override, a deadline and a roster extension
do what the guide says.
"""

import io
import os
import shutil

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import GradingError, cli_grade, grade
from diplomatic_cover.grading.results import StudentResult
from diplomatic_cover.grading.review import kit_version_flags, moved_answers
from tests.grading.hostile.corpus import ANA, BEN, canvas_name, full_marks
from tests.grading.hostile.outputs import canvas_rows, grades, problems, read_csv
from tests.grading.kit import hand_in, write_config

FULL = "10"


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "instructors")


@pytest.fixture
def graded(tmp_path, config):
    """A class graded once into grades/: Ana (full marks) and Ben."""
    full_marks(tmp_path, ANA)
    hand_in(tmp_path, BEN, answers={"02.arrest-or-expel": "immunity"})
    grade(submissions=tmp_path / "submissions", out=tmp_path / "grades", config=config)
    return tmp_path / "grades"


def run(tmp_path, config, submissions, out, **kwargs):
    said, err = io.StringIO(), io.StringIO()
    code = cli_grade(
        submissions=submissions, out=out, config=config, stdout=said, stderr=err, **kwargs
    )
    return code, said.getvalue(), err.getvalue()


# -- 5.6 to 5.8: paths that cannot work -----------------------------------------------------


def test_a_missing_input_exits_non_zero_and_leaves_the_gradebook_alone(tmp_path, config, graded):
    before = {p.name: p.read_bytes() for p in graded.iterdir() if p.is_file()}
    code, said, err = run(tmp_path, config, tmp_path / "nonexistent", graded)
    assert code == 1 and said == ""
    assert err.count("\n") == 1 and "there is no such file or folder" in err
    assert {p.name: p.read_bytes() for p in graded.iterdir() if p.is_file()} == before


@pytest.mark.parametrize("out", ["a-file", "/proc/nope"])
def test_an_unusable_out_is_one_line_not_a_traceback(tmp_path, config, graded, out):
    target = tmp_path / out if out == "a-file" else out
    if out == "a-file":
        target.write_text("not a folder")
    code, _, err = run(tmp_path, config, tmp_path / "submissions", target)
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "--out" in err


def test_an_out_inside_the_submissions_folder_is_refused(tmp_path, config, graded):
    for out in (tmp_path / "submissions", tmp_path / "submissions" / "grades"):
        with pytest.raises(GradingError, match="inside the submissions folder"):
            grade(submissions=tmp_path / "submissions", out=out, config=config)
    assert not (tmp_path / "submissions" / "grades").exists()


# -- newcomer 3: the LMS files without a roster ---------------------------------------------


def test_without_a_roster_the_summary_warns_and_every_lms_id_that_can_be_filled_is(
    tmp_path, config
):
    full_marks(tmp_path, ANA)
    ben = full_marks(tmp_path / "b", BEN)
    shutil.copy(ben, tmp_path / "submissions" / canvas_name("okaforben", 4822, 1, ben.name))
    summary = grade(submissions=tmp_path / "submissions", out=tmp_path / "g", config=config)
    assert "1 of 2 graded student(s) have no LMS id" in str(summary)
    assert "--roster" in str(summary)
    assert list(canvas_rows(tmp_path / "g")) == ["4822"]
    # A Canvas user id is never written as a Moodle participant id.
    assert read_csv(tmp_path / "g" / "moodle_grading_worksheet.csv") == []


def test_a_moodle_download_fills_the_worksheet_for_everyone(tmp_path, config):
    moodle = tmp_path / "moodle"
    for who, number in ((ANA, 1077), (BEN, 1078)):
        folder = moodle / f"{who.name}_{number}_assignsubmission_file_"
        folder.mkdir(parents=True)
        shutil.copy(full_marks(tmp_path / who.id, who), folder / f"submission-{who.id}.zip")
    summary = grade(submissions=moodle, out=tmp_path / "g", config=config)
    rows = read_csv(tmp_path / "g" / "moodle_grading_worksheet.csv")
    assert [r["Identifier"] for r in rows] == ["Participant 1077", "Participant 1078"]
    assert all(r["Last modified (submission)"] for r in rows)  # the upload time, not the student's
    assert summary.warnings == []


# -- newcomer 4: a damaged file ---------------------------------------------------------------


def test_a_roster_students_damaged_zip_reads_damaged_submission(tmp_path, config):
    full_marks(tmp_path, ANA)
    hannah = hand_in(tmp_path, Student("hannah-lee", "Hannah Lee"))
    hannah.write_bytes(hannah.read_bytes()[:2000])
    roster = tmp_path / "roster.csv"
    roster.write_text("kit_id,lms_id,name\nana-silva,1,Ana\nhannah-lee,2,Hannah\nzoe-kim,3,Zoe\n")
    summary = grade(
        submissions=tmp_path / "submissions", out=tmp_path / "g", config=config, roster=roster
    )
    rows = grades(tmp_path / "g")
    assert rows["hannah-lee"]["status"] == "damaged submission"
    assert (
        rows["hannah-lee"]["total"] == ""
        and "submission-hannah-lee.zip" in rows["hannah-lee"]["source"]
    )
    assert rows["zoe-kim"]["status"] == "no submission"
    assert summary.damaged == 1 and summary.missing == 1
    assert "Damaged submission: 1" in str(summary)


def test_without_a_roster_a_damaged_file_still_gets_a_row(tmp_path, config):
    full_marks(tmp_path, ANA)
    cut = tmp_path / "submissions" / "submission-hannah-lee.zip"
    cut.write_bytes(b"PK\x03\x04 cut short")
    grade(submissions=tmp_path / "submissions", out=tmp_path / "g", config=config)
    assert grades(tmp_path / "g")["hannah-lee"]["status"] == "damaged submission"


# -- an override survives regrading -----------------------------------------------------------


def test_an_override_of_an_autograded_item_survives_every_regrade(tmp_path, config, graded):
    (graded / "overrides.csv").write_text(
        "student,item,points,comment\n"
        'ben-okafor,ex1.ratios,3,"Your ratios were right; the check misread the rounding."\n'
        "ben-okafor,nope,1,\n"
        "ana-silva,00.tour-text,2,\n",
        encoding="utf-8",
    )
    for _ in range(2):
        grade(submissions=tmp_path / "submissions", out=graded, config=config)
        row = grades(graded)["ben-okafor"]
        assert row["ex1.ratios"] == "3" and "1 item(s) set by hand" in row["graded_by"]
    detail = {(r["student"], r["item"]): r for r in read_csv(graded / "grades_detail.csv")}
    assert (
        "set by hand to 3 (autograded 0, not answered)"
        in detail[("ben-okafor", "ex1.ratios")]["override"]
    )
    page = (graded / "feedback" / "ben-okafor.html").read_text()
    assert "the check misread the rounding" in page
    refused = [p["problem"] for p in problems(graded) if p["file"] == "overrides.csv"]
    assert any("has no item 'nope'" in r for r in refused)
    assert any("manual grading notebook" in r for r in refused)


# -- a deadline, and a roster extension --------------------------------------------------------


def test_rows_uploaded_after_the_deadline_are_marked_late_extensions_respected(tmp_path, config):
    for who in (ANA, BEN, Student("cy-diaz", "Cy Diaz")):
        full_marks(tmp_path, who)
    folder = tmp_path / "submissions"
    os.utime(folder / "submission-ana-silva.zip", (1_800_000_000, 1_800_000_000))
    os.utime(folder / "submission-ben-okafor.zip", (1_800_011_000, 1_800_011_000))
    os.utime(folder / "submission-cy-diaz.zip", (1_800_011_000, 1_800_011_000))
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "kit_id,name,deadline\nana-silva,Ana,\nben-okafor,Ben,\ncy-diaz,Cy,2027-01-16T12:00:00Z\n"
    )
    # 1_800_000_000 is 2027-01-15 08:00 UTC; the deadline is an hour later.
    grade(submissions=folder, out=tmp_path / "g", config=config, roster=roster,
          deadline="2027-01-15T09:00:00+00:00")  # fmt: skip
    rows = grades(tmp_path / "g")
    assert rows["ana-silva"]["late"] == ""
    assert rows["ben-okafor"]["late"] == "late by 2 h 3 min"
    assert rows["cy-diaz"]["late"] == ""  # an extension on the roster
    assert rows["ben-okafor"]["total"] == FULL  # marked, never penalised


def test_an_unreadable_deadline_is_refused_before_anything_is_written(tmp_path, config):
    full_marks(tmp_path, ANA)
    with pytest.raises(GradingError, match="not a date and time"):
        grade(submissions=tmp_path / "submissions", out=tmp_path / "g", config=config,
              deadline="next friday")  # fmt: skip
    assert not (tmp_path / "g").exists()


# -- answers that moved between kit versions are flagged, never changed -----------------------


def test_a_submission_from_before_the_data_changed_is_flagged_on_the_moved_checks():
    assert "ex1.by-decade" in moved_answers("0.1.0", grader_version="0.2.0")
    assert moved_answers("0.2.0", grader_version="0.2.0") == {}
    assert moved_answers("0.1.0", grader_version="0.1.0") == {}  # cannot be told apart yet
    from diplomatic_cover.grading.results import ItemResult

    student = StudentResult(key="ana", name="Ana", kit_version="0.1.0")
    student.items = [
        ItemResult("ex1", "ex1.by-decade", "check", 2, points=0.0, status="graded"),
        ItemResult("ex1", "ex1.ratios", "check", 3, points=0.0, status="graded"),
        ItemResult("ex2", "ex2.scatter", "check", 4, status="not answered"),
    ]
    (flag,) = kit_version_flags(student, grader_version="0.2.0")
    assert flag.startswith("ex1.by-decade: built with kit 0.1.0") and "override" in flag
