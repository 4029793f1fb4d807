"""return-feedback for laptop classes: Moodle's feedback zip and Canvas's re-upload names.

Real submissions are built and graded with the kit's own commands; the files written are then
read back by ports of the LMS's own matching rules (cited at each), so "Moodle would put this
page on Ana's submission" is checked the way Moodle checks it. The hub side runs on a real hub
in tests/hub/test_hub_instructor.py.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.cli import main as cli_main
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.results import read_results
from diplomatic_cover.instructor import feedback_return, lms_feedback
from tests.grading.kit import good_answers, hand_in, write_config

ANA = Student("ana-silva", "Ana Silva")
BEN = Student("ben-okafor", "Ben Okafor")
CHLOE = Student("chloe-martin", "Chloé Martin")


def moodle_reads(member: str, participants: dict[int, str]) -> tuple[str, str, str] | None:
    """Moodle's `is_valid_filename_for_import` (mod/assign/feedback/file/importziplib.php, 4.x):
    each path part split at `_` into at most five pieces; the first part with four or more,
    a numeric second piece naming a participant, is the match. (user, plugin, file) or None."""
    parts = member.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit() or int(info[1]) not in participants:
            continue
        rest = info[4] if len(info) == 5 else ""
        return participants[int(info[1])], f"{info[2]}_{info[3]}", "/".join([rest, *parts])
    return None


def moodle_3_reads(member: str, participants: dict[int, str]) -> tuple[str, str] | None:
    """The same importer in Moodle 3.1 to 4.0: `explode('_', filepath . filename, 5)`."""
    info = ("/" + member).split("_", 4)
    if len(info) < 5 or not info[1].isdigit() or int(info[1]) not in participants:
        return None
    return participants[int(info[1])], f"{info[2]}_{info[3]}"


def canvas_reads(file_name: str) -> tuple[str, str] | None:
    """Canvas's `infer_comment_context_from_filename` (app/models/assignment.rb): the first
    two all-digit parts of the base name at `_` are the user id and the attachment id."""
    numbers = [part for part in file_name.rsplit("/", 1)[-1].split("_") if part.isdigit()]
    return (numbers[0], numbers[1]) if len(numbers) >= 2 else None


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "instructors")


def graded(tmp_path, config, place, roster=None):
    """Hand Ana and Ben in, put the zips where `place(zip, student)` says, grade them."""
    download = tmp_path / "download"
    for student in (ANA, BEN):
        built = hand_in(tmp_path, student, answers=good_answers())
        target = download / place(built, student)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(built, target)
    out = tmp_path / "grades"
    grade(submissions=download, out=out, config=config, roster=roster)
    return out


def write_roster(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["kit_id", "lms_id", "name", "hub_user"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = feedback_return.main(**dict(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


MOODLE_IDS = {"ana-silva": "1077", "ben-okafor": "1078"}


def moodle_folder(built, student):
    return f"{student.name}_{MOODLE_IDS[student.id]}_assignsubmission_file_/{built.name}"


def test_moodles_importer_puts_each_page_on_its_students_submission(tmp_path, config):
    grades = graded(tmp_path, config, moodle_folder)
    target = tmp_path / "moodle-feedback.zip"
    assert cli_main(["return-feedback", "--grades", str(grades), "--moodle-zip", str(target)]) == 0
    participants = {1077: "ana-silva", 1078: "ben-okafor"}
    with zipfile.ZipFile(target) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert len(members) == 2
    for member, page in members.items():
        user, plugin, file_name = moodle_reads(member, participants)
        assert plugin == "assignfeedback_file"
        assert file_name.endswith("diplomatic-cover-feedback.html")
        assert moodle_3_reads(member, participants) == (user, plugin)
        assert page == (grades / "feedback" / f"{user}.html").read_bytes()


def test_moodle_needs_a_participant_id_and_says_so(tmp_path, config):
    grades = graded(tmp_path, config, lambda built, student: built.name)  # a plain folder
    target = tmp_path / "moodle-feedback.zip"
    code, out, _ = run(("grades", grades), ("moodle_zip", target))
    assert code == 1 and not target.exists()
    assert "ana-silva (Ana Silva): NOT returned: there is no Moodle participant id" in out
    assert "add the lms_id column to the roster" in out
    roster = write_roster(
        tmp_path / "roster.csv",
        [
            {"kit_id": "ana-silva", "lms_id": "2001", "name": "Ana_Maria Silva"},
            {"kit_id": "ben-okafor", "lms_id": "B-7", "name": "Ben Okafor"},
        ],
    )
    code, out, _ = run(("grades", grades), ("moodle_zip", target), ("roster", roster))
    assert code == 1
    assert "ben-okafor (Ben Okafor): NOT returned: 'B-7' is not a Moodle participant id" in out
    with zipfile.ZipFile(target) as archive:
        (member,) = archive.namelist()
    # The underscore in the name would have moved the participant id: it is a space now.
    assert member.startswith("Ana Maria Silva_2001_assignfeedback_file_/")
    assert moodle_reads(member, {2001: "ana"})[0] == "ana"


def test_a_file_that_is_not_our_feedback_zip_is_never_overwritten(tmp_path, config):
    grades = graded(tmp_path, config, moodle_folder)
    precious = tmp_path / "gradebook.zip"
    precious.write_bytes(b"the only copy")
    code, _, err = run(("grades", grades), ("moodle_zip", precious))
    assert code == 2 and "is not a feedback zip this command wrote" in err
    assert precious.read_bytes() == b"the only copy"
    ours = tmp_path / "feedback.zip"
    assert run(("grades", grades), ("moodle_zip", ours))[0] == 0
    assert run(("grades", grades), ("moodle_zip", ours))[0] == 0  # ours: replaced


CANVAS_IDS = {
    "ana-silva": ("silvaana", "4821", "99120"),
    "ben-okafor": ("okaforben", "4822", "99121"),
}


def canvas_name(built, student):
    name, user, attachment = CANVAS_IDS[student.id]
    late = "_LATE" if student is BEN else ""
    return f"{name}{late}_{user}_{attachment}_{built.name}"


def test_canvas_attaches_each_file_to_the_submission_it_came_from(tmp_path, config):
    grades = graded(tmp_path, config, canvas_name)
    folder = tmp_path / "canvas-feedback"
    code, out, _ = run(("grades", grades), ("canvas_dir", folder))
    assert code == 0, out
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [
        "okaforben_LATE_4822_99121_feedback.zip",
        "silvaana_4821_99120_feedback.zip",
    ]
    for path in files:
        user, attachment = canvas_reads(path.name)
        key = next(k for k, ids in CANVAS_IDS.items() if ids[1:] == (user, attachment))
        with zipfile.ZipFile(path) as archive:
            assert archive.namelist() == ["diplomatic-cover-feedback.html"]
            page = archive.read("diplomatic-cover-feedback.html")
        assert page == (grades / "feedback" / f"{key}.html").read_bytes()


def test_canvas_cannot_take_back_what_was_not_graded_from_its_download(tmp_path, config):
    grades = graded(tmp_path, config, lambda built, student: built.name)
    code, out, _ = run(("grades", grades), ("canvas_dir", tmp_path / "canvas"))
    assert code == 1
    assert "does not carry Canvas's user and file ids" in out
    assert not (tmp_path / "canvas").exists()


def test_a_canvas_user_id_is_never_taken_for_a_moodle_participant_id(tmp_path, config):
    grades = graded(tmp_path, config, canvas_name)
    code, out, _ = run(("grades", grades), ("moodle_zip", tmp_path / "f.zip"))
    assert code == 1 and out.count("there is no Moodle participant id") == 2


def test_a_dry_run_lists_where_each_page_would_go_and_writes_nothing(tmp_path, config):
    grades = graded(tmp_path, config, canvas_name)
    (grades / "feedback" / "ben-okafor.html").unlink()
    folder = tmp_path / "canvas-feedback"
    code, out, _ = run(("grades", grades), ("canvas_dir", folder), ("dry_run", True))
    assert code == 1 and not folder.exists()
    assert "ana-silva (Ana Silva) -> silvaana_4821_99120_feedback.zip: would write" in out
    assert (
        "ben-okafor (Ben Okafor): NOT returned: no feedback page (feedback/ben-okafor.html" in out
    )
    assert "Would write: 1 of 2 student(s)" in out


def test_a_student_with_no_submission_has_nothing_to_return_and_is_no_failure(tmp_path, config):
    roster = write_roster(
        tmp_path / "roster.csv",
        [
            {"kit_id": "ana-silva", "lms_id": "1077", "name": "Ana Silva"},
            {"kit_id": "ben-okafor", "lms_id": "1078", "name": "Ben Okafor"},
            {"kit_id": "chloe-martin", "lms_id": "1079", "name": "Chloé Martin"},
        ],
    )
    grades = graded(tmp_path, config, moodle_folder, roster=roster)
    code, out, _ = run(("grades", grades), ("moodle_zip", tmp_path / "f.zip"))
    assert code == 0
    assert "chloe-martin (Chloé Martin): no submission: no feedback page to return" in out
    assert "1 had no submission graded" in out


def test_only_sends_the_students_named(tmp_path, config):
    grades = graded(tmp_path, config, moodle_folder)
    target = tmp_path / "f.zip"
    code, out, _ = run(("grades", grades), ("moodle_zip", target), ("only", ["1078", "zoe"]))
    assert code == 1 and "zoe: NOT returned: not in the grades" in out
    with zipfile.ZipFile(target) as archive:
        assert [n.split("_")[1] for n in archive.namelist()] == ["1078"]


def test_the_scores_sent_with_a_page_add_up_from_the_results(tmp_path, config):
    grades = graded(tmp_path, config, moodle_folder)
    ana = read_results(grades / "results.json")["ana-silva"]
    scores = feedback_return.scores_of(ana)
    assert scores["total"] == ana.total and scores["max_total"] == ana.max_total
    assert sum(a["points"] for a in scores["assignments"].values()) == pytest.approx(ana.total)
    assert set(scores["assignments"]) == {item.assignment for item in ana.items}


def test_hub_users_come_from_the_roster_or_the_account_never_from_a_name(tmp_path, config):
    grades = graded(tmp_path, config, lambda built, student: built.name)
    results = read_results(grades / "results.json")
    results["ben-okafor"].source = "hub:ben7/20260101T000000.000000Z-0123456789ab.zip"
    deliveries = feedback_return.plan(grades, results)
    roster = {"ana-silva": {"hub_user": "asilva", "lms_id": "", "name": ""}}
    feedback_return.hub_targets(deliveries, results, roster, known={"asilva", "ben7"})
    assert [(d.key, d.target, d.problem) for d in deliveries] == [
        ("ana-silva", "asilva", ""),
        ("ben-okafor", "ben7", ""),
    ]
    deliveries = feedback_return.plan(grades, results)
    feedback_return.hub_targets(deliveries, results, {}, known={"ben7"}, ask_hub=lambda u: False)
    assert deliveries[0].problem.startswith("no hub user: add the hub_user column")
    deliveries = feedback_return.plan(grades, results)
    feedback_return.hub_targets(
        deliveries, results, roster, known={"ben7"}, ask_hub=lambda u: False
    )
    assert "hub user 'asilva' is unknown to the hub" in deliveries[0].problem
    deliveries = feedback_return.plan(grades, results)
    feedback_return.hub_targets(deliveries, results, roster, known={"ben7"}, ask_hub=lambda u: True)
    assert deliveries[0].target == "asilva" and not deliveries[0].problem  # the hub confirms


def test_two_students_bound_for_one_hub_user_get_nothing(tmp_path, config):
    grades = graded(tmp_path, config, lambda built, student: built.name)
    results = read_results(grades / "results.json")
    for result in results.values():
        result.source = "hub:shared/20260101T000000.000000Z-0123456789ab.zip"
    deliveries = feedback_return.plan(grades, results)
    feedback_return.hub_targets(deliveries, results, {}, known={"shared"})
    feedback_return.refuse_shared_targets(deliveries)
    assert all("would all go to shared: sent to none of them" in d.problem for d in deliveries)


def test_a_roster_giving_one_hub_user_to_two_students_is_refused(tmp_path):
    roster = write_roster(
        tmp_path / "roster.csv",
        [{"kit_id": "a", "hub_user": "x"}, {"kit_id": "b", "hub_user": "x"}],
    )
    with pytest.raises(feedback_return.ReturnError, match="hub user 'x' is on the rows of a and b"):
        feedback_return.read_roster(roster)


def test_without_grades_or_a_token_it_says_what_is_missing(tmp_path):
    code, _, err = run(("grades", tmp_path), ("hub", "https://hub.example.edu"))
    assert code == 2 and "holds no results.json" in err
    with pytest.raises(feedback_return.ReturnError, match="No hub token: set JUPYTERHUB_API_TOKEN"):
        feedback_return.read_token(None, environ={})
    empty = tmp_path / "token"
    empty.write_text("\n")
    with pytest.raises(feedback_return.ReturnError, match="is empty"):
        feedback_return.read_token(empty)


def test_the_service_address_comes_from_the_hubs():
    assert feedback_return.service_url("https://Hub.Example.edu") == (
        "https://hub.example.edu/services/diplomatic-cover/"
    )
    assert feedback_return.service_url("http://proxy-public/services/diplomatic-cover") == (
        "http://proxy-public/services/diplomatic-cover/"
    )


def test_names_and_ids_from_lms_files_are_read_as_the_lms_reads_them():
    assert lms_feedback.canvas_ids("silvaana_LATE_4821_99120_submission-ana-1.zip") == (
        "silvaana_LATE_4821_99120",
        "4821",
        "99120",
    )
    assert lms_feedback.canvas_ids("submission-ana-silva.zip") == ("", "", "")
    assert lms_feedback.last_source("a.zip; dl.zip › silvaana_1_2_x.zip") == "silvaana_1_2_x.zip"
    assert lms_feedback.moodle_name("  Ana_Maria / Silva ", "k") == "Ana Maria Silva"
    assert lms_feedback.moodle_participant(" 1077 ") == "1077"
    assert lms_feedback.moodle_participant("1077a") == ""
