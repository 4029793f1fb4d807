"""`diplomatic-cover grade STORAGE_DIR` and `grade --from-hub URL`, without a hub.

The storage folder is a real one, written by the course service's own `CourseStorage`, so
what is graded here is what a hub keeps. The hub user who handed a file in is its account:
the newest hand-in counts, a file changed after the service received it is that user's
damaged submission, and a zip that says it is a classmate's is graded for its sender only.
The real hub (tests/hub/test_hub_instructor.py) runs `grade --from-hub` with an instructor's
token; here are the errors that stop it before anything is written.
"""

import shutil

import pytest

from diplomatic_cover.cli import main as cli_main
from diplomatic_cover.hub.names import folder_for
from diplomatic_cover.hub.storage import CourseStorage
from tests.grading.hostile.corpus import ANA, BEN, full_marks
from tests.grading.hostile.outputs import grades, problems_about
from tests.grading.kit import hand_in, write_config

ROSTER = (
    "kit_id,hub_user,name\n"
    "ana-silva,asilva,Ana Silva\n"
    "ben-okafor,bokafor,Ben Okafor\n"
    "wei-zhang,wzhang,Wei Zhang\n"
)


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "instructors")


@pytest.fixture
def course(tmp_path):
    """A class as the course service keeps it: Ana handed in twice (a blank file, then her
    work), Ben's file was changed on disk after the service received it, and Wei handed in a
    zip made with Ana's kit id and name."""
    storage = CourseStorage(tmp_path / "course")
    storage.save_submission("asilva", hand_in(tmp_path / "first", ANA).read_bytes())
    storage.save_submission("asilva", full_marks(tmp_path / "again", ANA).read_bytes())
    receipt = storage.save_submission("bokafor", full_marks(tmp_path / "ben", BEN).read_bytes())
    kept = storage.root / "submissions" / folder_for("bokafor") / f"{receipt['id']}.zip"
    shutil.copy(full_marks(tmp_path / "other", BEN), kept)  # his name, not what was received
    storage.save_submission("wzhang", full_marks(tmp_path / "wei", ANA).read_bytes())
    (tmp_path / "roster.csv").write_text(ROSTER)
    return storage.root


def _grade(tmp_path, config, *args):
    return cli_main(["grade", *args, "--out", str(tmp_path / "g"), "--config", str(config)])


def test_the_storage_folder_is_graded_by_hub_user(tmp_path, config, course):
    assert _grade(tmp_path, config, str(course), "--roster", str(tmp_path / "roster.csv")) == 0
    rows = grades(tmp_path / "g")
    assert sorted(rows) == ["ana-silva", "ben-okafor", "wei-zhang"]
    assert rows["ana-silva"]["total"] == "10"  # her newest hand-in, not the blank first one
    assert rows["ana-silva"]["source"].startswith("hub:asilva/")
    assert rows["ben-okafor"]["status"] == "damaged submission"
    (changed,) = problems_about(tmp_path / "g", "hub:bokafor")
    assert "SHA-256 differs from the receipt's" in changed["problem"]
    assert rows["wei-zhang"]["source"].startswith("hub:wzhang/")  # graded for its sender
    (claimed,) = problems_about(tmp_path / "g", "hub:wzhang")
    assert claimed["problem"] == (
        "built under kit id 'ana-silva'; the roster gives hub user wzhang to 'wei-zhang'"
    )
    assert claimed["action"] == "graded as wei-zhang"


def test_without_a_roster_a_claimed_kit_id_still_counts_only_for_its_sender(
    tmp_path, config, course
):
    assert _grade(tmp_path, config, str(course)) == 0
    rows = grades(tmp_path / "g")
    assert rows["ana-silva"]["source"].startswith("hub:asilva/")
    assert rows["ana-silva.wzhang"]["source"].startswith("hub:wzhang/")  # a row of his own
    assert "kit id 'ana-silva' arrived from 2 accounts" in rows["ana-silva"]["flags"]
    (changed,) = problems_about(tmp_path / "g", "hub:bokafor")  # no roster row: listed only
    assert changed["student"] == "hub user bokafor" and changed["action"] == "rejected"


def test_from_hub_without_a_token_says_how_to_get_one(tmp_path, config, capsys, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    assert _grade(tmp_path, config, "--from-hub", "http://127.0.0.1:9") == 1
    error = capsys.readouterr().err
    assert error.startswith("diplomatic-cover grade: No hub token: set JUPYTERHUB_API_TOKEN")
    assert error.count("\n") == 1 and not (tmp_path / "g").exists()


def test_from_hub_when_the_service_cannot_be_reached(tmp_path, config, capsys, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "a-token")
    assert _grade(tmp_path, config, "--from-hub", "http://127.0.0.1:9") == 1  # nobody listens
    error = capsys.readouterr().err
    assert "http://127.0.0.1:9/services/diplomatic-cover/ could not be reached" in error
    assert error.count("\n") == 1 and not (tmp_path / "g").exists()


def test_from_hub_with_an_unreadable_token_file(tmp_path, config, capsys):
    missing = tmp_path / "no-such-token"
    assert _grade(tmp_path, config, "--from-hub", "http://hub", "--token-file", str(missing)) == 1
    assert f"The token file {missing} could not be read" in capsys.readouterr().err


def test_a_folder_and_from_hub_together_are_refused(tmp_path, config, capsys, course):
    assert _grade(tmp_path, config, str(course), "--from-hub", "http://127.0.0.1:9") == 1
    assert "not both" in capsys.readouterr().err
    assert _grade(tmp_path, config) == 1
    assert "give SUBMISSIONS" in capsys.readouterr().err
