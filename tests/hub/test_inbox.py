"""The grader's view of the service's storage: each user's newest hand-in, checked, read-only."""

from __future__ import annotations

import json

from diplomatic_cover.hub.inbox import HandIn, from_storage, is_storage, user_of_source
from diplomatic_cover.hub.names import folder_for
from diplomatic_cover.hub.storage import CourseStorage


def test_each_users_newest_hand_in_comes_with_its_receipt(tmp_path):
    storage = CourseStorage(tmp_path / "course")
    storage.save_submission("ana", b"PK first")
    newest = storage.save_submission("ana", b"PK second")
    ben = storage.save_submission("ben.o@example.edu", b"PK ben")
    found = {h.user: h for h in from_storage(tmp_path / "course")}
    assert sorted(found) == ["ana", "ben.o@example.edu"]
    assert found["ana"].receipt == newest and found["ana"].path.read_bytes() == b"PK second"
    assert found["ben.o@example.edu"].receipt == ben and not found["ana"].problem
    assert found["ana"].source == f"hub:ana/{newest['id']}.zip"
    assert user_of_source(found["ben.o@example.edu"].source) == "ben.o@example.edu"


def test_reading_the_storage_writes_nothing(tmp_path):
    storage = CourseStorage(tmp_path / "course")
    storage.save_submission("ana", b"PK first")
    before = sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "course").rglob("*"))
    list(from_storage(tmp_path / "course"))
    assert sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "course").rglob("*")) == before


def test_a_file_changed_after_it_was_received_is_named_not_trusted(tmp_path):
    storage = CourseStorage(tmp_path / "course")
    receipt = storage.save_submission("ana", b"PK as handed in")
    zip_path = tmp_path / "course" / "submissions" / "ana" / f"{receipt['id']}.zip"
    zip_path.write_bytes(b"PK edited on the server")
    (hand_in,) = from_storage(tmp_path / "course")
    assert hand_in.problem == "the file differs from what the service received (SHA-256)"


def test_a_receipt_that_names_someone_else_does_not_move_a_hand_in(tmp_path):
    storage = CourseStorage(tmp_path / "course")
    receipt = storage.save_submission("ana", b"PK ana")
    forged = {**receipt, "user": "ben"}
    (tmp_path / "course" / "submissions" / "ana" / f"{receipt['id']}.json").write_text(
        json.dumps(forged)
    )
    assert list(from_storage(tmp_path / "course")) == []
    assert folder_for("ben") != "ana"


def test_only_the_services_storage_folder_counts_as_one(tmp_path):
    CourseStorage(tmp_path / "course")
    assert is_storage(tmp_path / "course")
    (tmp_path / "downloads" / "submissions").mkdir(parents=True)
    assert not is_storage(tmp_path / "downloads")
    assert user_of_source("silvaana_4821_99120_x.zip") == ""
    assert HandIn("a", tmp_path / "x.zip").source == "hub:a/unknown.zip"
