"""Whose grade is whose, tried as a mischievous student (review-security.md, 2.13 to 2.17).

Each test: the honest students' grades are unchanged, the cheat gains nothing, and
problems.csv or the flags name the file. Identity comes from the account that uploaded a
file (Canvas user, Moodle participant), never from the name typed into the kit.
"""

import os
import shutil

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import GradingError, grade
from tests.grading.hostile.corpus import (
    ANA,
    BEN,
    EVE,
    WEI,
    canvas_name,
    full_marks,
    members,
    rehash,
    set_manifest,
    zip_of,
)
from tests.grading.hostile.outputs import canvas_rows, grades, problems, problems_about
from tests.grading.kit import hand_in, write_config

FULL = "10"  # everything right in kit.CONFIG_TOML, the written answer still to score


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "instructors")


def forged_ana(tmp_path):
    """Eve types "Ana Silva" into the kit and dates her empty file 2099."""
    empty = hand_in(tmp_path / "eve", ANA)
    return rehash(empty, tmp_path / "forged.zip", set_manifest(created="2099-01-01T00:00:00.000Z"))


def roster(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text("kit_id,lms_id,name\n" + text, encoding="utf-8")
    return path


# -- 2.13: a student claims another's kit id ---------------------------------------------


def test_a_forged_name_in_a_canvas_download_never_replaces_the_real_students_grade(
    tmp_path, config
):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    shutil.copy(
        full_marks(tmp_path / "ana", ANA),
        canvas / canvas_name("silvaana", 4821, 9912, "submission-ana-silva.zip"),
    )
    shutil.copy(
        forged_ana(tmp_path),
        canvas / canvas_name("malloryeve", 5555, 9913, "submission-ana-silva.zip"),
    )
    grade(submissions=canvas, out=tmp_path / "g", config=config)
    rows = grades(tmp_path / "g")
    real = next(r for r in rows.values() if r["lms_id"] == "4821")
    fake = next(r for r in rows.values() if r["lms_id"] == "5555")
    assert real["total"] == FULL and fake["total"] == "0"
    assert real["student"] != fake["student"]
    assert "arrived from 2 accounts" in real["flags"] and "arrived from 2 accounts" in fake["flags"]
    assert canvas_rows(tmp_path / "g")["4821"][0] == "Ana Silva"
    assert problems_about(tmp_path / "g", "malloryeve_5555")


def test_a_forged_name_in_a_moodle_download_is_a_separate_flagged_row(tmp_path, config):
    moodle = tmp_path / "moodle"
    for folder, path in (
        ("Ana Silva_1077_assignsubmission_file_", full_marks(tmp_path / "ana", ANA)),
        ("Eve Mallory_1099_assignsubmission_file_", forged_ana(tmp_path)),
    ):
        (moodle / folder).mkdir(parents=True)
        shutil.copy(path, moodle / folder / "submission-ana-silva.zip")
    grade(submissions=moodle, out=tmp_path / "g", config=config)
    by_lms = {r["lms_id"]: r for r in grades(tmp_path / "g").values()}
    assert by_lms["1077"]["total"] == FULL and by_lms["1099"]["total"] == "0"
    assert "arrived from 2 accounts" in by_lms["1099"]["flags"]


def test_a_forged_name_in_a_plain_folder_is_a_second_install_and_the_roster_is_asked_for(
    tmp_path, config
):
    folder = tmp_path / "plain"
    folder.mkdir()
    shutil.copy(full_marks(tmp_path / "ana", ANA), folder / "submission-ana-silva.zip")
    shutil.copy(forged_ana(tmp_path), folder / "submission-ana-silva (1).zip")
    os.utime(folder / "submission-ana-silva.zip", (1_800_000_000, 1_800_000_000))
    os.utime(folder / "submission-ana-silva (1).zip", (1_800_000_100, 1_800_000_100))  # later
    grade(submissions=folder, out=tmp_path / "g", config=config)
    rows = grades(tmp_path / "g")
    assert sorted(rows) == ["ana-silva.1", "ana-silva.2"]
    assert sorted(r["total"] for r in rows.values()) == ["0", FULL]
    assert all(
        "2 different installs" in r["flags"] and "--roster" in r["flags"] for r in rows.values()
    )


def test_resubmissions_follow_the_lms_order_not_the_date_a_student_wrote(tmp_path, config):
    """The first upload claims 2099; Canvas's -1 resubmission is still the one that counts."""
    early = rehash(
        hand_in(tmp_path / "a1", ANA), tmp_path / "early.zip",
        set_manifest(created="2099-01-01T00:00:00.000Z"),
    )  # fmt: skip
    late = full_marks(tmp_path / "a1", ANA, out_dir=tmp_path / "late")
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    shutil.copy(early, canvas / canvas_name("silvaana", 4821, 9912, "submission-ana-silva.zip"))
    shutil.copy(late, canvas / canvas_name("silvaana", 4821, 9912, "submission-ana-silva-1.zip"))
    grade(submissions=canvas, out=tmp_path / "g", config=config)
    assert grades(tmp_path / "g")["ana-silva"]["total"] == FULL
    assert any(p["action"] == "graded another file" and "-1.zip" not in p["file"]
               for p in problems(tmp_path / "g"))  # fmt: skip


# -- 2.14: the same, with a roster and a zip named like the victim's Canvas file ----------


def test_a_zip_inside_an_upload_named_like_a_classmates_file_counts_for_the_uploader(
    tmp_path, config
):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    ana_name = canvas_name("silvaana", 4821, 99120, "submission-ana-silva.zip")
    shutil.copy(full_marks(tmp_path / "ana", ANA), canvas / ana_name)
    wrapper = zip_of({ana_name: forged_ana(tmp_path).read_bytes()})
    (canvas / canvas_name("malloryeve", 5555, 99121, "my-homework.zip")).write_bytes(wrapper)
    listed = roster(tmp_path, 'ana-silva,4821,"Silva, Ana"\neve-mallory,5555,"Mallory, Eve"\n')
    grade(submissions=canvas, out=tmp_path / "g", config=config, roster=listed)
    rows = grades(tmp_path / "g")
    assert rows["ana-silva"]["total"] == FULL and rows["ana-silva"]["lms_id"] == "4821"
    assert rows["eve-mallory"]["total"] == "0" and rows["eve-mallory"]["lms_id"] == "5555"
    assert "my-homework.zip" in rows["eve-mallory"]["source"]
    notes = [p["problem"] for p in problems_about(tmp_path / "g", "my-homework.zip")]
    assert any("the roster gives Canvas user 5555" in note for note in notes)


def test_the_same_in_a_moodle_download_with_a_roster(tmp_path, config):
    moodle = tmp_path / "moodle"
    ana_folder = moodle / "Ana Silva_1077_assignsubmission_file_"
    eve_folder = moodle / "Eve Mallory_1099_assignsubmission_file_"
    ana_folder.mkdir(parents=True)
    eve_folder.mkdir(parents=True)
    shutil.copy(full_marks(tmp_path / "ana", ANA), ana_folder / "submission-ana-silva.zip")
    inner = {"Ana Silva_1077_assignsubmission_file_/submission-ana-silva.zip":
             forged_ana(tmp_path).read_bytes()}  # fmt: skip
    (eve_folder / "homework.zip").write_bytes(zip_of(inner))
    listed = roster(tmp_path, 'ana-silva,1077,"Silva, Ana"\neve-mallory,1099,"Mallory, Eve"\n')
    grade(submissions=moodle, out=tmp_path / "g", config=config, roster=listed)
    rows = grades(tmp_path / "g")
    assert rows["ana-silva"]["total"] == FULL and rows["eve-mallory"]["total"] == "0"


# -- 2.15: one upload holding several students' submissions --------------------------------


def test_an_upload_holding_several_kit_ids_is_graded_for_no_one_and_listed(tmp_path, config):
    inner = {f"submission-{s}.zip": full_marks(tmp_path / s, Student(s, s)).read_bytes()
             for s in ("x-one", "x-two", "x-three")}  # fmt: skip
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    (canvas / canvas_name("trioxavier", 5556, 99124, "all.zip")).write_bytes(zip_of(inner))
    shutil.copy(
        full_marks(tmp_path / "ben", BEN), canvas / canvas_name("okaforben", 4822, 1, "b.zip")
    )
    grade(submissions=canvas, out=tmp_path / "g", config=config)
    rows = grades(tmp_path / "g")
    assert list(rows) == ["ben-okafor"] and rows["ben-okafor"]["total"] == FULL
    listed = problems_about(tmp_path / "g", "all.zip")
    assert len(listed) == 3 and all(p["action"] == "not graded" for p in listed)
    assert all("3 kit ids" in p["problem"] and "roster" in p["problem"] for p in listed)


def test_with_a_roster_the_uploaders_own_kit_id_counts_and_the_others_for_no_one(tmp_path, config):
    inner = {
        "submission-eve-mallory.zip": full_marks(tmp_path / "eve", EVE).read_bytes(),
        "submission-ana-silva.zip": hand_in(tmp_path / "fake", ANA).read_bytes(),
    }
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    (canvas / canvas_name("malloryeve", 5555, 1, "both.zip")).write_bytes(zip_of(inner))
    listed = roster(tmp_path, 'ana-silva,4821,"Silva, Ana"\neve-mallory,5555,"Mallory, Eve"\n')
    grade(submissions=canvas, out=tmp_path / "g", config=config, roster=listed)
    rows = grades(tmp_path / "g")
    assert rows["eve-mallory"]["total"] == FULL
    assert rows["ana-silva"]["status"] == "no submission"
    (other,) = [
        p for p in problems_about(tmp_path / "g", "both.zip") if p["action"] == "not graded"
    ]
    assert "submission-ana-silva.zip" in other["file"] and "graded for no one" in other["problem"]


# -- 2.16: two honest students with the same name ------------------------------------------


@pytest.fixture
def two_weis(tmp_path):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    a = full_marks(tmp_path / "wei-a", WEI)
    b = hand_in(tmp_path / "wei-b", WEI, answers={"02.arrest-or-expel": "evidence"})
    shutil.copy(a, canvas / canvas_name("zhangwei", 4001, 9001, a.name))
    shutil.copy(b, canvas / canvas_name("zhangwei", 4002, 9002, b.name))
    return canvas


def test_two_students_with_the_same_name_get_two_rows_without_a_roster(tmp_path, config, two_weis):
    grade(submissions=two_weis, out=tmp_path / "g", config=config)
    by_lms = {r["lms_id"]: r for r in grades(tmp_path / "g").values()}
    assert by_lms["4001"]["total"] == FULL and by_lms["4002"]["total"] == "0"
    for row in by_lms.values():
        assert "the same name" in row["flags"] and "arrived from 2 accounts" in row["flags"]
    assert set(canvas_rows(tmp_path / "g")) == {"4001", "4002"}


def test_a_roster_listing_one_kit_id_twice_is_refused_naming_the_lines(tmp_path, config, two_weis):
    listed = roster(tmp_path, 'wei-zhang,4001,"Zhang, Wei (A)"\nwei-zhang,4002,"Zhang, Wei (B)"\n')
    with pytest.raises(GradingError, match="kit_id 'wei-zhang' is on lines 2, 3"):
        grade(submissions=two_weis, out=tmp_path / "g", config=config, roster=listed)
    assert not (tmp_path / "g").exists()


def test_with_a_roster_row_each_both_are_graded_by_their_canvas_ids(tmp_path, config, two_weis):
    listed = roster(
        tmp_path, 'wei-zhang,4001,"Zhang, Wei (A)"\nwei-zhang-2,4002,"Zhang, Wei (B)"\n'
    )
    grade(submissions=two_weis, out=tmp_path / "g", config=config, roster=listed)
    rows = grades(tmp_path / "g")
    assert rows["wei-zhang"]["total"] == FULL and rows["wei-zhang"]["name"] == "Zhang, Wei (A)"
    assert rows["wei-zhang-2"]["total"] == "0" and rows["wei-zhang-2"]["lms_id"] == "4002"
    assert rows["wei-zhang"]["flags"] == ""  # the roster settled who is who


# -- 2.17: a classmate's documents copied into one's own submission -------------------------


def test_copied_store_documents_are_flagged_for_a_person_not_penalised(tmp_path, config):
    ben = full_marks(tmp_path / "ben", BEN)
    carl = hand_in(tmp_path / "carl", Student("carl-jones", "Carl Jones"))
    bens = members(ben)

    def copy(files):
        for name, data in bens.items():
            if name.startswith("responses/"):
                files[name] = data

    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(ben, folder)
    rehash(carl, folder / "submission-carl-jones.zip", copy)
    grade(submissions=folder, out=tmp_path / "g", config=config)
    rows = grades(tmp_path / "g")
    assert rows["ben-okafor"]["total"] == FULL and rows["carl-jones"]["total"] == FULL
    assert "same saved document as carl-jones" in rows["ben-okafor"]["flags"]
    assert "same saved document as ben-okafor" in rows["carl-jones"]["flags"]
    assert "saved by the kit of another student (id 'ben-okafor')" in rows["carl-jones"]["flags"]


def test_identical_long_written_answers_are_flagged_short_ones_are_not(tmp_path, config):
    essay = "Expelling diplomats " + "is a signal that costs the sender little " * 4
    for who in ("amy-li", "bo-chen"):
        hand_in(tmp_path, Student(who, who), answers={"00.tour-text": essay.upper() + "!!"})
    hand_in(tmp_path, Student("cy-diaz", "Cy"), answers={"00.tour-text": "Immunity."})
    hand_in(tmp_path, Student("di-ott", "Di"), answers={"00.tour-text": "Immunity"})
    grade(submissions=tmp_path / "submissions", out=tmp_path / "g", config=config)
    rows = grades(tmp_path / "g")
    assert "00.tour-text: the same written answer (34 words) as bo-chen" in rows["amy-li"]["flags"]
    assert "same written answer" not in rows["cy-diaz"]["flags"]
    assert rows["amy-li"]["00.tour-text"] == ""  # still waits for a person: nothing deducted


# -- the same rules for a source that vouches for its files: the hub's inbox ----------------


def test_a_hub_upload_counts_for_its_hub_user_whatever_name_is_inside(tmp_path, config):
    from diplomatic_cover.grading.ingest import HUB, Account, Collector, Upload, shard_of
    from diplomatic_cover.grading.roster import assign_students, read_roster

    inbox = tmp_path / "hub" / "submissions"
    files = {"asilva": full_marks(tmp_path / "a", ANA), "emallory": forged_ana(tmp_path)}
    collector = Collector()
    for user, path in files.items():
        stored = inbox / user / f"20261207T103100.000000Z-{user}.zip"
        stored.parent.mkdir(parents=True)
        shutil.copy(path, stored)
        upload = Upload(f"hub:{user}/{stored.name}", Account(HUB, user), "2026-12-07T10:31:00Z")
        collector.read_upload(stored, upload)
    listed = tmp_path / "roster.csv"
    listed.write_text("kit_id,hub_user,name\nana-silva,asilva,Ana\neve-mallory,emallory,Eve\n")
    students, _ = assign_students(collector.submissions, read_roster(listed), collector.problems)
    assert students["ana-silva"].submission.account == Account(HUB, "asilva")
    assert students["eve-mallory"].submission.student_id == "ana-silva"  # her own upload
    owners = {s.owner for s in collector.submissions}
    assert owners == {"hub:asilva", "hub:emallory"}
    assert all(0 <= shard_of(owner, 4) < 4 for owner in owners)
    assert shard_of("hub:asilva", 4) == shard_of("hub:asilva", 4)
