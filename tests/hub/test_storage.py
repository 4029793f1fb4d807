"""The course storage without a hub: private files, every hand-in kept, names made safe."""

from __future__ import annotations

import stat

import pytest

from diplomatic_cover.hub.names import BadName, check_question_id, check_user_name, folder_for
from diplomatic_cover.hub.storage import CourseStorage, Limits, QuotaExceeded


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_hand_ins_are_private_kept_in_order_and_the_latest_is_found(tmp_path):
    storage = CourseStorage(tmp_path / "course")
    first = storage.save_submission("ana", b"PK first")
    second = storage.save_submission("ana", b"PK second")
    assert [r["id"] for r in storage.receipts("ana")] == [first["id"], second["id"]]
    receipt, path = storage.submission("ana", "latest")
    assert receipt == second and path.read_bytes() == b"PK second"
    assert _mode(tmp_path / "course") == 0o700
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    assert storage.users_with_submissions() == ["ana"]


def test_a_full_quota_refuses_with_a_message_and_keeps_what_is_there(tmp_path):
    storage = CourseStorage(tmp_path / "course", Limits(submissions_per_user=2))
    storage.save_submission("ana", b"PK 1")
    storage.save_submission("ana", b"PK 2")
    with pytest.raises(QuotaExceeded, match="earlier hand-ins are safe"):
        storage.save_submission("ana", b"PK 3")
    assert len(storage.receipts("ana")) == 2


def test_an_open_storage_folder_is_made_private(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    CourseStorage(folder)
    assert _mode(folder) == 0o700


def test_pulse_answers_replace_withdraw_and_survive_a_restart(tmp_path):
    storage = CourseStorage(tmp_path / "course")
    storage.set_pulse("06.rank-options", "ana", ["a", "b"])
    storage.set_pulse("06.rank-options", "ana", ["b", "a"])
    storage.set_pulse("06.rank-options", "wei", ["a", "b"])
    assert sorted(storage.pulse_answers("06.rank-options")) == [["a", "b"], ["b", "a"]]
    assert storage.withdraw_pulse("06.rank-options", "wei") is True
    assert storage.withdraw_pulse("06.rank-options", "wei") is False
    again = CourseStorage(tmp_path / "course")
    assert again.pulse_answers("06.rank-options") == [["b", "a"]]


def test_the_newest_feedback_is_the_one_shown(tmp_path):
    storage = CourseStorage(tmp_path / "course")
    assert storage.feedback("ana") is None
    storage.save_feedback("ana", "<p>draft</p>", {"total": 5})
    storage.save_feedback("ana", "<p>final</p>", {"total": 7})
    assert storage.feedback("ana")["page"] == "<p>final</p>"


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("ana", "ana"),
        ("ana.silva@uni.example", "ana%2Esilva%40uni%2Eexample"),
        ("..", "%2E%2E"),
        ("Ünal", "%C3%9Cnal"),
    ],
)
def test_user_folders_can_never_be_a_path_trick(name, folder):
    assert folder_for(name) == folder
    assert "/" not in folder and not folder.startswith(".")


def test_very_long_names_get_a_bounded_folder_that_stays_unique():
    a, b = folder_for("x" * 250 + "a"), folder_for("x" * 250 + "b")
    assert len(a) <= 120 and a != b


@pytest.mark.parametrize("name", ["", "..", ".", "a/b", "a\\b", "a\x00b", " ana"])
def test_names_that_no_hub_user_has_are_refused(name):
    with pytest.raises(BadName):
        check_user_name(name)


@pytest.mark.parametrize("question_id", ["06.rank-options", "ex3.coverage"])
def test_question_ids_follow_the_kits_pattern(question_id):
    assert check_question_id(question_id) == question_id


@pytest.mark.parametrize("question_id", ["../x", "06.Rank", "06.rank options", 6, "x" * 100])
def test_other_question_ids_are_refused(question_id):
    with pytest.raises(BadName):
        check_question_id(question_id)
