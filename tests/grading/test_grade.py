"""Grading a class without running code: every output, read the way its reader reads it."""

import csv
import io
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import ConfigError, GradingError, cli_grade, grade
from tests.grading.kit import correct, good_answers, hand_in, write_config, wrong

ANA = Student("ana-silva", "Ana Silva")
BEN = Student("ben-okafor", "Ben Okafor")
CHLOE = Student("chloe-martin", "Chloé Martin")


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "instructors")


@pytest.fixture
def classroom(tmp_path):
    """Ana: all right; Ben: mistakes; Chloé: handed in nothing answered; a broken file."""
    hand_in(
        tmp_path,
        ANA,
        answers=good_answers(),
        checks={"ex1.by-decade": correct("ex1.by-decade"), "ex1.ratios": correct("ex1.ratios")},
    )
    hand_in(
        tmp_path,
        BEN,
        answers={
            "02.arrest-or-expel": "evidence",
            "02.record-vs-mi5": ["gaps", "russian-replies"],
            "02.reply-share": {"raw": "60", "number": 60},
            "02.vienna-match": {"expel": "art9", "cap": "art29"},
            "00.tour-scale": {"point": 2},
        },
        checks={"ex1.by-decade": wrong("ex1.by-decade"), "ex1.ratios": wrong("ex1.ratios", 1)},
    )
    hand_in(tmp_path, CHLOE)
    (tmp_path / "submissions" / "submission-broken.zip").write_bytes(b"PK\x03\x04 not a zip")
    return tmp_path / "submissions"


@pytest.fixture
def graded(tmp_path, classroom, config):
    return grade(submissions=classroom, out=tmp_path / "grades", config=config)


def rows_by_student(path):
    return {row["student"]: row for row in read_csv(path)}


def test_the_summary_counts_graded_and_rejected(graded):
    assert (graded.graded, graded.rejected, graded.flagged) == (3, 1, 0)
    assert graded.pending == 1  # Ana's written answer waits for a person
    text = str(graded)
    assert "Graded 3 submission(s)" in text and "Rejected: 1 file(s)" in text


def test_grades_csv_has_per_item_points_total_and_flags(graded, tmp_path):
    rows = rows_by_student(tmp_path / "grades" / "grades.csv")
    ana, ben, chloe = rows["ana-silva"], rows["ben-okafor"], rows["chloe-martin"]
    assert ana["ex1.by-decade"] == "2" and ana["ex1.ratios"] == "3"
    assert ana["02.arrest-or-expel"] == "1" and ana["02.vienna-match"] == "2"
    assert ana["00.tour-text"] == ""  # not graded yet
    assert ana["total"] == "10" and ana["max"] == "12" and ana["pending"] == "1"
    assert float(ben["ex1.by-decade"]) < 2 and float(ben["ex1.ratios"]) < 3
    assert ben["02.arrest-or-expel"] == "0" and ben["02.reply-share"] == "0"
    assert ben["02.record-vs-mi5"] == "0"  # one right pick, one wrong: no credit left
    assert ben["02.vienna-match"] == "0.5"  # one statement of four placed right
    assert chloe["total"] == "0" and chloe["00.tour-text"] == "0"
    assert list(rows["ana-silva"])[:7] == [
        "student",
        "name",
        "lms_id",
        "section",
        "status",
        "late",
        "source",
    ]


def test_problems_csv_says_what_was_wrong_with_which_file(graded, tmp_path):
    (problem,) = read_csv(tmp_path / "grades" / "problems.csv")
    assert problem["file"] == "submission-broken.zip"
    assert "not a readable zip file" in problem["problem"]
    assert problem["action"] == "rejected"


def test_the_canvas_import_has_canvas_columns_and_one_column_per_assignment(
    tmp_path, classroom, config
):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "kit_id,lms_id,name,section,sis_user_id,sis_login_id\n"
        'ana-silva,4821,"Silva, Ana",S1,2024001,asilva\n'
        'dan-wu,4899,"Wu, Dan",S2,2024009,dwu\n'
    )
    summary = grade(submissions=classroom, out=tmp_path / "grades", config=config, roster=roster)
    assert summary.missing == 1
    with open(tmp_path / "grades" / "canvas_import.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Exercise 1: the expulsion record (5501)",
        "Guided notebooks",
    ]
    assert rows[1] == ["Points Possible", "", "", "", "", "5", "7"]
    by_name = {row[0]: row for row in rows[2:]}
    assert by_name["Silva, Ana"][:6] == ["Silva, Ana", "4821", "2024001", "asilva", "S1", "5"]
    assert by_name["Silva, Ana"][6] == ""  # a written answer still waits: not exported yet
    assert by_name["Wu, Dan"][5:] == ["", ""]  # no submission: left blank, not zero


def test_the_moodle_worksheet_is_keyed_by_participant(tmp_path, classroom, config):
    folder = tmp_path / "moodle" / "Ben Okafor_1077_assignsubmission_file_"
    folder.mkdir(parents=True)
    shutil.copy(classroom / "submission-ben-okafor.zip", folder)
    grade(submissions=tmp_path / "moodle", out=tmp_path / "grades", config=config)
    (row,) = read_csv(tmp_path / "grades" / "moodle_grading_worksheet.csv")
    assert list(row) == [
        "Identifier",
        "Full name",
        "Email address",
        "Status",
        "Grade",
        "Maximum Grade",
        "Grade can be changed",
        "Last modified (submission)",
        "Last modified (grade)",
        "Feedback comments",
    ]
    assert row["Identifier"] == "Participant 1077"
    assert row["Full name"] == "Ben Okafor" and row["Maximum Grade"] == "12"
    assert float(row["Grade"]) < 12 and "Exercise 1" in row["Feedback comments"]


def test_grading_the_same_folder_again_gives_the_same_files(tmp_path, classroom, config):
    out = tmp_path / "grades"
    grade(submissions=classroom, out=out, config=config)
    first = {
        name: (out / name).read_bytes()
        for name in ("grades.csv", "canvas_import.csv", "results.json", "problems.csv")
    }
    page = (out / "feedback" / "ana-silva.html").read_bytes()
    grade(submissions=classroom, out=out, config=config)
    assert {name: (out / name).read_bytes() for name in first} == first
    assert (out / "feedback" / "ana-silva.html").read_bytes() == page


def test_a_late_submission_is_graded_alone_and_merged(tmp_path, classroom, config):
    out = tmp_path / "grades"
    grade(submissions=classroom, out=out, config=config)
    before = rows_by_student(out / "grades.csv")
    dan = Student("dan-wu", "Dan Wu")
    late = hand_in(
        tmp_path, dan, answers={"02.arrest-or-expel": "immunity"}, out_dir=tmp_path / "late"
    )
    summary = grade(submissions=late, out=out, config=config)
    assert summary.merged and summary.graded == 1
    after = rows_by_student(out / "grades.csv")
    assert after["dan-wu"]["02.arrest-or-expel"] == "1"
    assert {k: after[k] for k in before} == before
    assert (out / "feedback" / "dan-wu.html").exists()
    assert read_csv(out / "problems.csv")[0]["file"] == "submission-broken.zip"


def test_only_grades_the_named_students(tmp_path, classroom, config):
    out = tmp_path / "grades"
    summary = grade(submissions=classroom, out=out, config=config, only=["ben-okafor", "zed"])
    assert summary.graded == 1
    assert [p.student for p in summary.problems if "--only" in p.reason] == ["zed"]
    assert list(rows_by_student(out / "grades.csv")) == ["ben-okafor"]


class _Text(HTMLParser):
    """The visible text of a page (not its CSS), and its tags and outside addresses."""

    def __init__(self):
        super().__init__()
        self.text, self.tags, self.in_style = [], set(), False

    def handle_endtag(self, tag):
        self.in_style = self.in_style and tag != "style"

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.tags.add(f"external:{value}")

    def handle_data(self, data):
        if not self.in_style:
            self.text.append(data)


def page_text(path):
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.text).split()), parser.tags


def test_feedback_pages_show_answers_points_and_hints_never_hidden_details(graded, tmp_path):
    results = json.loads((tmp_path / "grades" / "results.json").read_text())
    ben = next(s for s in results["students"] if s["key"] == "ben-okafor")
    details = [i["detail"] for i in ben["items"] if i["detail"]]
    assert details  # the hidden checks explained what was wrong, for instructors
    text, tags = page_text(tmp_path / "grades" / "feedback" / "ben-okafor.html")
    assert "Feedback for Ben Okafor" in text
    assert "no such status" not in text and "The US had evidence for a court" in text  # his answer
    assert "0 of 1 point" in text and "Hint:" in text
    for detail in details:
        assert detail not in text
    assert "all checks passed" not in text.lower()
    assert "script" not in tags and not any(t.startswith("external:") for t in tags)


def test_a_page_never_claims_success_while_a_hidden_check_fails(tmp_path, config):
    # The student's public check said "passed" (the store says so); the hidden check disagrees.
    hand_in(
        tmp_path,
        BEN,
        answers=good_answers(),
        checks={"ex1.by-decade": wrong("ex1.by-decade"), "ex1.ratios": correct("ex1.ratios")},
    )
    grade(submissions=tmp_path / "submissions", out=tmp_path / "grades", config=config)
    text, _ = page_text(tmp_path / "grades" / "feedback" / "ben-okafor.html")
    assert "passed" not in text.lower() and "full points on every item" not in text.lower()


def test_the_class_report_pools_opinions_only_for_groups_of_five(tmp_path, config):
    for number in range(5):
        answers = {"00.tour-scale": {"point": 4 if number < 3 else 2, "why": f"Reason {number}"}}
        if number == 0:
            answers["00.tour-short"] = "Whether the consulates reopen"
        hand_in(tmp_path, Student(f"s{number}", f"Student {number}"), answers=answers)
    grade(submissions=tmp_path / "submissions", out=tmp_path / "grades", config=config)
    text, tags = page_text(tmp_path / "grades" / "class_report.html")
    assert "Score distribution" in text and "Difficulty by item" in text
    assert "Agree 3" in text and "Disagree 2" in text
    assert "Whether the consulates reopen" not in text  # one answer: too few to show
    assert "Student 0" not in text
    assert "Reason" not in text  # a view's reason stays with the student's own answers
    results = (tmp_path / "grades" / "results.json").read_text(encoding="utf-8")
    opinions = [s["opinions"]["00.tour-scale"] for s in json.loads(results)["students"]]
    assert "Reason" not in results and sorted(o["point"] for o in opinions) == [2, 2, 4, 4, 4]
    assert "script" not in tags and not any(t.startswith("external:") for t in tags)


def test_a_configuration_that_counts_an_opinion_is_refused(tmp_path, classroom):
    path = tmp_path / "grading.toml"
    path.write_text('[assignment.a]\nquestions = {"00.tour-scale" = 1, "00.nope" = 1}\n')
    with pytest.raises(ConfigError) as error:
        grade(submissions=classroom, out=tmp_path / "grades", config=path)
    assert "opinion question is never graded" in str(error.value)
    assert "no such question" in str(error.value)
    assert not (tmp_path / "grades").exists()


def test_missing_hidden_checks_are_reported_plainly(tmp_path, classroom, config, monkeypatch):
    from diplomatic_cover.grading import autograde, run

    def absent():
        return autograde.load_hidden_checks("diplomatic_cover.instructor.not_here")

    monkeypatch.setattr(run, "load_hidden_checks", absent)
    with pytest.raises(GradingError, match="class copy"):
        grade(submissions=classroom, out=tmp_path / "grades", config=config)


def test_the_command_prints_a_summary_and_a_progress_bar(tmp_path, classroom, config):
    out, err = io.StringIO(), io.StringIO()
    code = cli_grade(
        submissions=classroom, out=tmp_path / "grades", config=config, stdout=out, stderr=err
    )
    assert code == 0
    assert "Graded 3 submission(s)" in out.getvalue()
    assert "Grading [" in err.getvalue() and "3/3" in err.getvalue()
    assert (
        cli_grade(
            submissions=classroom,
            out=tmp_path / "g2",
            config=tmp_path / "none.toml",
            stdout=out,
            stderr=err,
        )
        == 1
    )
    assert "no grading configuration" in err.getvalue()


def test_fast_grading_never_imports_nbformat_jsonschema_or_jupyter_client(
    classroom, config, tmp_path
):
    code = (
        "import sys\nfrom pathlib import Path\nfrom diplomatic_cover.grading import grade\n"
        f"grade(submissions=Path({str(classroom)!r}), out=Path({str(tmp_path / 'g')!r}), "
        f"config=Path({str(config)!r}))\n"
        "print(sorted(m for m in ('nbformat', 'jsonschema', 'jupyter_client', 'nbclient') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_name_that_looks_like_a_formula_stays_text_in_every_csv(tmp_path, config):
    hand_in(tmp_path, Student("eve", '=HYPERLINK("http://evil.example","x")'))
    grade(submissions=tmp_path / "submissions", out=tmp_path / "grades", config=config)
    for name in ("grades.csv", "canvas_import.csv"):
        text = (tmp_path / "grades" / name).read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text


def test_a_roster_kit_id_that_could_name_a_path_is_refused(tmp_path, classroom, config):
    roster = tmp_path / "roster.csv"
    roster.write_text("kit_id,lms_id\n../../etc,1\n")
    with pytest.raises(GradingError, match="is not a kit id"):
        grade(submissions=classroom, out=tmp_path / "grades", config=config, roster=roster)
