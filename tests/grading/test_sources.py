"""Where uploads come from: one interface (`ingest.UploadSource`) for every source.

An LMS download and a plain folder are read by `FolderSource`; a source that vouches for its
files hands each one over with the account it came from. Here that is the hub service's own
storage (written by `hub.storage.CourseStorage`), read by `hub.inbox.HubStorageSource`, the
source `grade STORAGE_DIR` and `grade --from-hub` use (tests/grading/test_grade_from_hub.py
grades a whole class through the command). The rules after that are the same for all: an
upload counts for its account, and every row has an owner that says which grading shard it
belongs to.
"""

import shutil
from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.ingest import FolderSource, UploadSource, collect, shard_of
from diplomatic_cover.grading.roster import assign_students, read_roster
from diplomatic_cover.hub.inbox import HubStorageSource
from diplomatic_cover.hub.names import folder_for
from diplomatic_cover.hub.storage import CourseStorage
from tests.grading.hostile.corpus import (
    ANA,
    BEN,
    WEI,
    canvas_name,
    full_marks,
    rehash,
    set_manifest,
)
from tests.grading.hostile.outputs import grades, problems_about
from tests.grading.kit import hand_in, write_config

FULL = "10"


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "instructors")


def stored(tmp_path):
    """A course service's storage, as the service writes it."""
    return CourseStorage(tmp_path / "course")


def test_a_folder_and_a_hub_inbox_are_both_sources(tmp_path):
    assert isinstance(FolderSource(Path("submissions")), UploadSource)
    assert isinstance(HubStorageSource(CourseStorage(tmp_path / "course").root), UploadSource)


def test_graded_from_a_hub_inbox_an_upload_counts_for_its_hub_user(tmp_path, config):
    storage = stored(tmp_path)
    storage.save_submission("asilva", full_marks(tmp_path / "a", ANA).read_bytes())
    forged = rehash(
        hand_in(tmp_path / "eve", ANA),  # Eve types Ana's name and dates her file 2099
        tmp_path / "forged.zip",
        set_manifest(created="2099-01-01T00:00:00.000Z"),
    )
    storage.save_submission("emallory", forged.read_bytes())
    roster = tmp_path / "roster.csv"
    roster.write_text("kit_id,hub_user,name\nana-silva,asilva,Ana\neve-mallory,emallory,Eve\n")
    grade(
        submissions=HubStorageSource(storage.root), out=tmp_path / "g", config=config, roster=roster
    )
    rows = grades(tmp_path / "g")
    assert rows["ana-silva"]["total"] == FULL and rows["ana-silva"]["source"].startswith(
        "hub:asilva/"
    )
    assert rows["eve-mallory"]["total"] == "0"  # her own upload, on her own row
    (note,) = problems_about(tmp_path / "g", "hub:emallory")
    assert "the roster gives hub user emallory to 'eve-mallory'" in note["problem"]


def test_a_file_that_is_not_the_one_the_hub_received_is_refused(tmp_path, config):
    storage = stored(tmp_path)
    receipt = storage.save_submission("asilva", full_marks(tmp_path / "a", ANA).read_bytes())
    kept = storage.root / "submissions" / folder_for("asilva") / f"{receipt['id']}.zip"
    shutil.copy(full_marks(tmp_path / "b", ANA), kept)  # the same student, another file
    roster = tmp_path / "roster.csv"
    roster.write_text("kit_id,hub_user,name\nana-silva,asilva,Ana\n")
    grade(
        submissions=HubStorageSource(storage.root), out=tmp_path / "g", config=config, roster=roster
    )
    assert grades(tmp_path / "g")["ana-silva"]["status"] == "damaged submission"
    (problem,) = problems_about(tmp_path / "g", "hub:asilva")
    assert "SHA-256 differs from the receipt's" in problem["problem"]


def test_a_damaged_hand_in_is_that_hub_users_damaged_submission(tmp_path, config):
    storage = stored(tmp_path)
    storage.save_submission("asilva", full_marks(tmp_path / "a", ANA).read_bytes()[:2000])
    roster = tmp_path / "roster.csv"
    roster.write_text("kit_id,hub_user,name\nana-silva,asilva,Ana\n")
    grade(
        submissions=HubStorageSource(storage.root), out=tmp_path / "g", config=config, roster=roster
    )
    assert grades(tmp_path / "g")["ana-silva"]["status"] == "damaged submission"
    (problem,) = problems_about(tmp_path / "g", "hub:asilva")
    assert "not a readable zip file" in problem["problem"]


def test_every_row_has_an_owner_and_one_accounts_rows_share_a_shard(tmp_path):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    for who, user in ((ANA, 4821), (BEN, 4822)):
        made = full_marks(tmp_path / who.id, who)
        shutil.copy(made, canvas / canvas_name(who.id.replace("-", ""), user, 1, made.name))
        again = full_marks(tmp_path / f"{who.id}-again", who)  # a resubmission: -1
        name = made.name.replace(".zip", "-1.zip")
        shutil.copy(again, canvas / canvas_name(who.id.replace("-", ""), user, 2, name))
    plain = hand_in(tmp_path / "wei", WEI)
    shutil.copy(plain, canvas / plain.name)
    cut = hand_in(tmp_path / "hannah", Student("hannah-lee", "Hannah Lee"))
    damaged = canvas / canvas_name("leehannah", 4824, 3, cut.name)
    damaged.write_bytes(cut.read_bytes()[:2000])
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "kit_id,lms_id\nana-silva,4821\nben-okafor,4822\nzoe-kim,4823\nhannah-lee,4824\n"
    )
    found, problems = collect(canvas)
    students, _ = assign_students(found, read_roster(roster), problems)
    owners = {key: student.owner for key, student in students.items()}
    assert owners == {
        "ana-silva": "canvas:4821",
        "ben-okafor": "canvas:4822",
        "wei-zhang": "folder:wei-zhang",
        "zoe-kim": "roster:zoe-kim",
        "hannah-lee": "canvas:4824",  # her file is damaged; the name Canvas gave it says whose
    }
    shards = [[k for k, s in students.items() if shard_of(s.owner, 3) == i] for i in range(3)]
    assert sorted(k for shard in shards for k in shard) == sorted(students)  # each once
    assert all(shard_of(s.owner, 3) == shard_of(s.submission.owner, 3)
               for s in students.values() if s.submission is not None)  # fmt: skip


def test_a_hand_in_whose_file_is_gone_is_that_hub_users_damaged_submission(tmp_path, config):
    storage = stored(tmp_path)
    receipt = storage.save_submission("asilva", full_marks(tmp_path / "a", ANA).read_bytes())
    storage.save_submission("bokafor", full_marks(tmp_path / "b", BEN).read_bytes())
    (storage.root / "submissions" / folder_for("asilva") / f"{receipt['id']}.zip").unlink()
    roster = tmp_path / "roster.csv"
    roster.write_text("kit_id,hub_user,name\nana-silva,asilva,Ana\nben-okafor,bokafor,Ben\n")
    grade(
        submissions=HubStorageSource(storage.root), out=tmp_path / "g", config=config, roster=roster
    )
    rows = grades(tmp_path / "g")
    assert rows["ana-silva"]["status"] == "damaged submission"
    assert rows["ben-okafor"]["total"] == FULL  # the class goes on
    (problem,) = problems_about(tmp_path / "g", "hub:asilva")
    assert problem["problem"] == "the hand-in's file is missing from the storage"
