"""Files no student should be able to stop the class with (review-security.md, 1.7 to 2.11).

Each test grades a class where one file is hostile: the honest student's grade is unchanged,
the hostile file gains nothing, and problems.csv names it. Graders that could run away with
memory run in a child process under a hard address-space limit (`hostile.limited`), so a
regression fails in seconds instead of swapping the machine.
"""

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import cli_grade, grade
from diplomatic_cover.grading.ingest import Collector
from diplomatic_cover.handin.submission import cli_verify
from tests.grading.hostile.corpus import (
    ANA,
    canvas_name,
    full_marks,
    json_bomb,
    nested_bomb,
    rehash,
    set_document,
    set_manifest,
    zip_of,
)
from tests.grading.hostile.limited import grade_limited, walk_limited
from tests.grading.hostile.outputs import grades, problems_about, read_csv
from tests.grading.kit import good_answers, hand_in, notebook, write_config

FULL = "10"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "instructors")


@pytest.fixture
def canvas(tmp_path):
    """A Canvas download holding honest Ana; each test adds one hostile file."""
    folder = tmp_path / "canvas"
    folder.mkdir()
    shutil.copy(
        full_marks(tmp_path / "ana", ANA), folder / canvas_name("silvaana", 4821, 1, "a.zip")
    )
    return folder


# -- 2.11: one manifest field must not stop the class --------------------------------------


@pytest.mark.parametrize("created", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_date_out_of_range_is_that_files_problem(tmp_path, config, canvas, created):
    eve = hand_in(tmp_path / "eve", Student("eve", "Eve"))
    rehash(
        eve,
        canvas / canvas_name("eve", 1099, 5001, "submission-eve.zip"),
        set_manifest(created=created),
    )
    out, err = io.StringIO(), io.StringIO()
    code = cli_grade(submissions=canvas, out=tmp_path / "g", config=config, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert grades(tmp_path / "g")["ana-silva"]["total"] == FULL
    (problem,) = problems_about(tmp_path / "g", "eve_1099")
    assert (
        "not a date-time the kit writes" in problem["problem"] and problem["action"] == "rejected"
    )
    for name in ("results.json", "class_report.html", "moodle_grading_worksheet.csv"):
        assert (tmp_path / "g" / name).is_file()
    assert (tmp_path / "g" / "feedback" / "ana-silva.html").is_file()


def test_every_manifest_field_is_checked_when_read(tmp_path, config):
    base = hand_in(tmp_path / "s", Student("sam", "Sam"))
    bad = {
        "name": {"student": {"id": "sam", "name": "x" * 5000}},
        "questions": {"question_ids": "all of them"},
        "version": {"kit_version": ["0.1.0"]},
        "format": {"format_version": 2},
    }
    folder = tmp_path / "in"
    for label, fields in bad.items():
        rehash(base, folder / f"submission-{label}.zip", set_manifest(**fields))
    collector = Collector()
    collector.walk(folder)
    assert collector.submissions == []
    reasons = {p.source: p.reason for p in collector.problems}
    assert "at most 200 characters" in reasons["submission-name.zip"]
    assert "answered questions" in reasons["submission-questions.zip"]
    assert "kit version" in reasons["submission-version.zip"]
    assert "format version" in reasons["submission-format.zip"]


# -- 2.10: an answer of the wrong shape scores 0 with a reason, the student stays ----------


def test_an_answer_stored_as_text_scores_zero_and_the_student_keeps_their_row(tmp_path, config):
    dana = hand_in(tmp_path / "dana", Student("dana-lee", "Dana Lee"), answers=good_answers())
    folder = tmp_path / "subs"

    def string(document):
        document["answers"]["02.arrest-or-expel"] = "immunity"

    def a_list(document):
        document["answers"]["00.tour-text"] = ["a", "list"]

    def both(files):
        set_document("02_espionage_risk", string)(files)
        set_document("00_start_here", a_list)(files)

    rehash(dana, folder / "submission-dana-lee.zip", both)
    grade(submissions=folder, out=tmp_path / "g", config=config)
    row = grades(tmp_path / "g")["dana-lee"]
    assert row["02.arrest-or-expel"] == "0" and row["00.tour-text"] == "0"
    assert row["02.vienna-match"] == "2"  # the rest of her work still counts
    detail = {r["item"]: r for r in read_csv(tmp_path / "g" / "grades_detail.csv")}
    assert "the saved entry is str, not a record" in detail["02.arrest-or-expel"]["detail"]
    assert detail["00.tour-text"]["status"] == "saved, not valid"


# -- 2.5: a JSON bomb is refused before it is parsed ----------------------------------------


def test_a_json_bomb_is_refused_and_memory_stays_low(tmp_path, config, canvas):
    bomb = json_bomb(tmp_path / "work", "bomb")
    assert bomb.stat().st_size < 100_000
    shutil.copy(bomb, canvas / canvas_name("bomb", 5600, 1, bomb.name))
    run = grade_limited(submissions=canvas, out=tmp_path / "g", config=config)
    assert run.graded == 1 and run.rejected == 1
    assert run.peak_mb < 300, run.peak_mb
    (problem,) = problems_about(tmp_path / "g", "bomb_5600")
    assert "responses/zz_pad.json would expand to 60 MB, over its 2 MB cap" in problem["problem"]


def test_values_are_counted_before_parsing_a_document_under_the_size_cap(tmp_path, config):
    honest = hand_in(
        tmp_path / "h", Student("pad", "Pad"), answers={"02.arrest-or-expel": "immunity"}
    )

    def pad(document):
        document["pad"] = [{}] * 200_000  # 1.4 MB of "{}, ": under the size cap

    rehash(honest, tmp_path / "in" / "submission-pad.zip", set_document("02_espionage_risk", pad))
    grade(submissions=tmp_path / "in", out=tmp_path / "g", config=config)
    row = grades(tmp_path / "g")["pad"]
    assert row["02.arrest-or-expel"] == "0"  # the document was skipped, the student graded
    (note,) = [p for p in problems_about(tmp_path / "g", "pad") if "values" in p["problem"]]
    assert "over the cap of 50,000" in note["problem"] and note["action"] == "graded"


def test_three_bombs_in_one_canvas_upload_are_refused_one_by_one(tmp_path, config, canvas):
    inner = {
        f"submission-b{n}.zip": json_bomb(tmp_path / f"w{n}", f"b{n}").read_bytes()
        for n in range(3)
    }
    (canvas / canvas_name("malloryeve", 5555, 2, "bombs.zip")).write_bytes(zip_of(inner))
    run = grade_limited(submissions=canvas, out=tmp_path / "g", config=config)
    assert run.graded == 1 and run.peak_mb < 300
    assert len(problems_about(tmp_path / "g", "bombs.zip")) == 3


# -- 2.4: a zip of zips of zips costs a moment, not hours ----------------------------------


def test_a_38_kb_zip_of_zips_is_refused_after_reading_little(tmp_path, config, canvas):
    bomb = nested_bomb(canvas / canvas_name("zipbomb", 5700, 3, "42.zip"))
    assert bomb.stat().st_size < 40_000  # 65,536 leaves of 65 MB inside
    # In a child process killed after WALK_TIMEOUT_SECONDS: a regression fails, never hangs.
    walk = walk_limited(canvas)
    assert walk.inflated < 5 * 2**20  # the review's grader inflated 64 MB per leaf, for hours
    (problem,) = [p for p in walk.problems if "zipbomb" in p["source"]]
    assert "zip bomb" in problem["reason"] and problem["account"] == "canvas:5700"
    assert walk.students == ["ana-silva"]


def test_the_bounded_walk_fails_rather_than_waits(tmp_path, canvas):
    nested_bomb(canvas / canvas_name("zipbomb", 5700, 3, "42.zip"))
    with pytest.raises(AssertionError, match=r"took over 0\.01 s"):
        walk_limited(canvas, timeout=0.01)


def test_the_progress_stream_names_the_file_being_read(tmp_path, canvas):
    nested_bomb(canvas / "plain-42.zip", fanout=4)
    stream = io.StringIO()
    Collector(progress=stream, every=0).walk(canvas)
    lines = stream.getvalue().splitlines()
    assert "Reading silvaana_4821_1_a.zip" in lines
    assert any(line.startswith("Reading plain-42.zip › ") for line in lines)


def test_a_run_wide_budget_stops_reading_once_spent(tmp_path, config):
    from diplomatic_cover.grading.archive import Limits

    for number in range(4):
        hand_in(tmp_path, Student(f"s{number}", f"S {number}"), answers=good_answers())
    with zipfile.ZipFile(sorted((tmp_path / "submissions").iterdir())[0]) as one:
        inflated = sum(info.file_size for info in one.infolist())
    limits = Limits(run_bytes=int(2.5 * inflated))
    collector = Collector(limits)
    collector.walk(tmp_path / "submissions")
    assert 0 < len(collector.submissions) < 4
    assert any("budget" in p.reason for p in collector.problems)


# -- 2.6: notebooks are not kept in memory in fast mode ------------------------------------


@pytest.mark.long
def test_eight_60_mb_notebooks_are_graded_in_bounded_memory(tmp_path, config):
    """About 40 s: eight notebooks of 60 MB are built, zipped and graded."""
    cell = "x = 1\n# " + "padding " * (60 * 2**20 // 8)
    for number in range(8):
        hand_in(
            tmp_path,
            Student(f"big-{number}", f"Big {number}"),
            answers={"02.arrest-or-expel": "immunity"},
            notebooks={"ex1_pandas_record": notebook(cell)},
        )
    run = grade_limited(submissions=tmp_path / "submissions", out=tmp_path / "g", config=config)
    assert run.graded == 8 and run.peak_mb < 300, run.peak_mb
    assert {r["02.arrest-or-expel"] for r in grades(tmp_path / "g").values()} == {"1"}


def test_a_60_mb_notebook_is_hashed_not_kept(tmp_path, config):
    cell = "x = 1\n# " + "padding " * (60 * 2**20 // 8)
    hand_in(tmp_path, Student("big", "Big"), notebooks={"ex1_pandas_record": notebook(cell)})
    collector = Collector()
    collector.walk(tmp_path / "submissions")
    (found,) = collector.submissions
    assert found.notebook_names == ("ex1_pandas_record",)
    assert not any(isinstance(value, bytes) for value in vars(found).values())
    assert len(json.dumps(found.documents)) < 10_000
    assert len(found.notebooks["ex1_pandas_record"]) > 60_000_000  # read again on demand


# -- 1.7: control and direction characters never reach a CSV -------------------------------


def test_control_and_direction_characters_are_dropped_from_every_csv(tmp_path, config):
    hand_in(tmp_path, Student("odd", "Odd\x00\x1b[31m\u202eName\x07\u2066"))
    grade(submissions=tmp_path / "submissions", out=tmp_path / "g", config=config)
    for name in ("grades.csv", "canvas_import.csv", "grades_detail.csv", "problems.csv"):
        text = (tmp_path / "g" / name).read_text(encoding="utf-8-sig")
        assert not any(c in text for c in "\x00\x1b\x07\u202e\u2066"), name
    assert grades(tmp_path / "g")["odd"]["name"] == "Odd[31mName"


# -- 1.9 and 1.10: what the manifest proves, and report.html never trusted ------------------


def test_a_scripted_report_html_never_reaches_any_page_the_grader_writes(tmp_path, config):
    page = b"<script>window.__pwn=1;fetch('http://127.0.0.1:9/x')</script>"
    fay = full_marks(tmp_path / "fay", Student("fay-ng", "Fay Ng"))
    tampered = rehash(fay, tmp_path / "in" / "submission-fay-ng.zip",
                      lambda files: files.__setitem__("report.html", page))  # fmt: skip
    grade(submissions=tmp_path / "in", out=tmp_path / "g", config=config)
    assert grades(tmp_path / "g")["fay-ng"]["total"] == FULL
    for path in (tmp_path / "g").rglob("*"):
        if path.is_file():
            assert b"__pwn" not in path.read_bytes(), path
    feedback = (tmp_path / "g" / "feedback" / "fay-ng.html").read_text()
    assert "<script" not in feedback and "Feedback for Fay Ng" in feedback
    said = io.StringIO()
    assert cli_verify(tampered, stdout=said) == 0
    assert "does not prove who built the file or that nobody edited it" in said.getvalue()
    assert "report.html is the student's own page" in said.getvalue()


def test_grading_md_says_what_the_manifest_proves_and_what_it_does_not(tmp_path, config):
    """1.10: an answer edited with its hashes recomputed cannot be told from the original;
    the guide must not promise otherwise, and must say how to get grades that matter."""
    ana = hand_in(tmp_path / "a", ANA, answers={"02.arrest-or-expel": "evidence"})

    def fix(document):
        document["answers"]["02.arrest-or-expel"]["value"] = "immunity"

    rehash(
        ana, tmp_path / "in" / "submission-ana-silva.zip", set_document("02_espionage_risk", fix)
    )
    grade(submissions=tmp_path / "in", out=tmp_path / "g", config=config)
    assert grades(tmp_path / "g")["ana-silva"]["02.arrest-or-expel"] == "1"  # the limit, shown
    guide = " ".join((ROOT / "instructors" / "grading.md").read_text().split())
    assert "caught by the submission's manifest" not in guide
    assert "What the manifest proves" in guide
    assert "not a determined student" in guide
