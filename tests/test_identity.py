"""Who is answering: typed names become safe, stable ids, and the choice survives restarts."""

import json
import re

import pytest

from diplomatic_cover import paths
from diplomatic_cover.answers import identity
from diplomatic_cover.answers.identity import (
    Student,
    current_student,
    set_student,
    student_id_from_name,
)


@pytest.fixture
def answers_folder(monkeypatch, tmp_path):
    """Point the store at an empty folder and forget any hub or login user name."""
    folder = tmp_path / "responses"
    monkeypatch.setenv(paths.RESPONSES_ENV, str(folder))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    identity.pop_notices()
    return folder


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("María López", "maria-lopez"),
        ("O'Brien, Seán", "o-brien-sean"),
        ("  Ana   Silva  ", "ana-silva"),
        ("ZOË Ørsted", "zoe-orsted"),
        ("Straße", "strasse"),
        ("ａｎａ", "ana"),  # full-width letters, folded by NFKC
        ("j.smith_2", "j.smith_2"),
    ],
)
def test_names_become_readable_ascii_ids(name, expected):
    assert student_id_from_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("..\\..\\windows", "windows"),
        ("a..b", "a.b"),
        (".hidden", "hidden"),
        ("-rf", "rf"),
    ],
)
def test_path_tricks_cannot_escape_the_answer_folder(name, expected):
    assert student_id_from_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "../..", "😀🎉", "!!!", "\n\t"])
def test_a_name_with_nothing_usable_is_refused_with_a_friendly_message(name):
    with pytest.raises(ValueError, match="Please type your name"):
        student_id_from_name(name)


def test_a_name_without_an_ascii_spelling_gets_a_stable_hashed_id():
    first = student_id_from_name("李雷")
    assert re.fullmatch(r"student-[0-9a-f]{8}", first)
    assert student_id_from_name(" 李雷 ") == first  # stable: same name, same folder
    assert student_id_from_name("韩梅梅") != first  # distinct: different name, different folder


def test_a_partly_ascii_name_keeps_the_ascii_part_and_a_hash():
    """Two students called "Jun <something>" must not share a folder."""
    assert re.fullmatch(r"jun-[0-9a-f]{8}", student_id_from_name("Jun 李"))
    assert student_id_from_name("Jun 李") != student_id_from_name("Jun 王")


def test_ids_are_at_most_64_characters_and_do_not_end_in_punctuation():
    assert student_id_from_name("a" * 200) == "a" * 64
    assert student_id_from_name("a" * 63 + ".b") == "a" * 63
    assert len(student_id_from_name("Jun " * 30 + "李")) <= 64


def test_windows_device_names_are_not_used_as_folders():
    assert student_id_from_name("Con") == "student-con"
    assert student_id_from_name("aux.b") == "student-aux.b"


def test_the_chosen_name_is_saved_and_survives_a_restart(answers_folder):
    chosen = set_student("  María   López ")
    assert chosen == Student(id="maria-lopez", name="María López")
    # A "restart": nothing in memory, only the file.
    assert current_student() == chosen
    saved = json.loads((answers_folder / ".identity.json").read_text(encoding="utf-8"))
    assert saved["id"] == "maria-lopez" and saved["name"] == "María López"
    assert sorted(p.name for p in answers_folder.iterdir()) == [".identity.json"]


def test_choosing_again_replaces_the_saved_name(answers_folder):
    set_student("Ana Silva")
    set_student("Ana Maria Silva")
    assert current_student().id == "ana-maria-silva"


def test_a_refused_name_leaves_the_saved_one_alone(answers_folder):
    set_student("Ana Silva")
    with pytest.raises(ValueError):
        set_student("../..")
    with pytest.raises(ValueError, match="shorter"):
        set_student("Ana " * 40)
    assert current_student().name == "Ana Silva"


def test_without_a_saved_name_the_hub_user_is_used(answers_folder, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "Maria.Lopez")
    assert current_student() == Student(id="maria.lopez", name="Maria.Lopez")


def test_without_a_saved_name_or_hub_the_login_name_is_used(answers_folder, monkeypatch):
    monkeypatch.setattr(identity.getpass, "getuser", lambda: "jdoe")
    assert current_student() == Student(id="jdoe", name="jdoe")


def test_even_with_no_login_name_there_is_a_student(answers_folder, monkeypatch):
    def no_name() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(identity.getpass, "getuser", no_name)
    assert current_student() == Student(id="student", name="Student")


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b'["a list"]',
        b'{"schema": "diplomatic-cover.identity", "id": "../../x", "name": "Eve"}',
        b'{"schema": "something-else", "id": "ana", "name": "Ana"}',
        b'{"schema": "diplomatic-cover.identity", "id": "ana", "name": 3}',
    ],
)
def test_a_damaged_saved_name_is_kept_aside_and_the_login_name_used(
    answers_folder, monkeypatch, content
):
    monkeypatch.setenv("JUPYTERHUB_USER", "jdoe")
    answers_folder.mkdir()
    (answers_folder / ".identity.json").write_bytes(content)

    assert current_student().id == "jdoe"

    kept = list(answers_folder.glob(".identity.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert not (answers_folder / ".identity.json").exists()
    (notice,) = identity.pop_notices()
    assert "could not be read" in notice and kept[0].name in notice
    assert identity.pop_notices() == []
    # Choosing a name again works as usual.
    assert set_student("Ana").id == "ana" and current_student().id == "ana"


def test_the_name_box_stays_empty_until_a_name_is_saved(answers_folder, monkeypatch):
    from diplomatic_cover.widgets.session import NameBox, start

    monkeypatch.setattr(identity.getpass, "getuser", lambda: "root")
    box = NameBox()
    assert box.name == ""  # never the login name "root" offered as the student's own
    assert "not saved your name yet" in box.status and "“root”" in box.status
    assert "login name" in start("00_start_here")._repr_html_()
    set_student("Ana Silva")
    assert NameBox().name == "Ana Silva"
    assert "login name" not in start("00_start_here")._repr_html_()


def test_on_a_hub_the_name_box_offers_the_hub_user_name(answers_folder, monkeypatch):
    from diplomatic_cover.widgets.session import NameBox

    monkeypatch.setenv("JUPYTERHUB_USER", "ana-silva")
    assert NameBox().name == "ana-silva"
