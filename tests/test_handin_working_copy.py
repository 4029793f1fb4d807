"""Hand in takes the student's own exercise notebooks, and never older code than was checked.

The first test is the hub layout of review-field §1.12: the kit's tracked copies in one
folder, the student's working copy in another, the student's edit in the working copy; the
zip must hold the edit. The rest: an exercise checked after its last save is refused by the
button and the command, naming the notebook; saved, it goes through.
"""

import io
import time
import zipfile
from pathlib import Path

import pytest

from diplomatic_cover.answers import identity
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.submission import (
    UnsavedWork,
    build_submission,
    cli_submit,
    unsaved_exercises,
)
from diplomatic_cover.setup.workcopy import sync
from diplomatic_cover.widgets import handin
from diplomatic_cover.widgets.handin import submit_button, wait_until_saved
from tests.notebook_edits import age, copy_kit

ROOT = Path(__file__).resolve().parents[1]
ANA = Student(id="ana-silva", name="Ana Silva")
EX3 = "exercises/ex3_capacity.ipynb"
EDIT = "covered = min(teams, officers)  # Ana's code"


@pytest.fixture
def kit(tmp_path):
    """The tracked copies, as an image or a pull leaves them."""
    return copy_kit(tmp_path / "image" / "kit", ("notebooks", "exercises"))


@pytest.fixture
def work(kit, tmp_path):
    """The student's working copy, in their home."""
    folder = tmp_path / "home" / "ana" / "my-work"
    sync(kit, folder)
    return folder


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "home" / "ana" / "responses")


def _edit(path):
    path.write_text(path.read_text(encoding="utf-8").replace("return None", EDIT, 1))


def _zip_text(path, member):
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def test_hand_in_from_the_working_copy_holds_the_students_edit_not_the_kits_copy(
    monkeypatch, kit, work, store, tmp_path
):
    _edit(work / EX3)
    monkeypatch.chdir(work / "exercises")  # the exercise's kernel runs in its folder
    built = build_submission(ANA, store=store, out_dir=tmp_path / "out")
    assert EDIT in _zip_text(built, EX3)
    assert EDIT not in (kit / EX3).read_text()


def test_an_exercise_checked_after_its_last_save_is_refused_naming_it(work, store, tmp_path):
    age(work / EX3, 30)  # saved 30 s ago; checked just now (the newcomer's steps)
    store.save_check(ANA, "ex3_capacity", "ex3.coverage", {"calls": []}, passed=True)

    assert unsaved_exercises({"ex3_capacity": store.load(ANA, "ex3_capacity")}, work / "exercises")
    with pytest.raises(UnsavedWork) as refused:
        build_submission(
            ANA, store=store, out_dir=tmp_path / "out", exercises_dir=work / "exercises",
            require_saved=True,
        )  # fmt: skip
    assert "ex3_capacity.ipynb" in str(refused.value)
    assert "save it (Ctrl+S)" in str(refused.value)
    assert not (tmp_path / "out").exists()

    (work / EX3).touch()  # Ctrl+S
    built = build_submission(
        ANA, store=store, out_dir=tmp_path / "out", exercises_dir=work / "exercises",
        require_saved=True,
    )  # fmt: skip
    assert built.is_file()


def test_several_unsaved_exercises_are_all_named(work, store, tmp_path):
    for name, check in (("ex1_pandas_record", "ex1.by-decade"), ("ex3_capacity", "ex3.swings")):
        age(work / "exercises" / f"{name}.ipynb", 30)
        store.save_check(ANA, name, check, 1, passed=False)
    with pytest.raises(UnsavedWork, match=r"ex1_pandas_record.ipynb and ex3_capacity.ipynb"):
        build_submission(
            ANA, store=store, out_dir=tmp_path, exercises_dir=work / "exercises",
            require_saved=True,
        )  # fmt: skip


def test_the_command_refuses_unsaved_work_too(monkeypatch, work, tmp_path):
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(tmp_path / "responses"))
    monkeypatch.chdir(work)  # a terminal in the working copy
    student = identity.set_student("Ana Silva")
    ResponseStore().save_check(student, "ex3_capacity", "ex3.coverage", 1, passed=True)
    age(work / EX3, 30)
    err = io.StringIO()
    assert cli_submit(out_dir=tmp_path / "out", stdout=io.StringIO(), stderr=err) == 1
    assert "ex3_capacity.ipynb was checked after it was last saved" in err.getvalue()


def test_the_button_without_jupyterlab_refuses_unsaved_work_and_says_what_to_do(
    monkeypatch, work, store, tmp_path
):
    # No JupyterLab answers the command bridge here (no front end): nothing can save.
    assert handin.request_save_all(handin.save_bridge()) is False
    store.save_check(ANA, "ex3_capacity", "ex3.coverage", 1, passed=True)
    age(work / EX3, 30)
    button, status = submit_button(
        student=ANA, store=store, out_dir=tmp_path / "out", exercises_dir=work / "exercises"
    ).children

    button.click()

    assert "No submission file was written" in status.value
    assert "ex3_capacity.ipynb was checked after it was last saved" in status.value
    assert "save it (Ctrl+S)" in status.value
    assert not (tmp_path / "out").exists()


def test_waiting_for_saves_ends_when_they_land_or_at_the_timeout(tmp_path):
    notebook = tmp_path / "ex3.ipynb"
    notebook.write_text("{}")
    age(notebook, 30)
    since = time.time() - 1
    pending = [notebook]

    started = time.monotonic()
    wait_until_saved(lambda: pending, notebook, since, timeout=0.5)
    assert 0.5 <= time.monotonic() - started < 2  # nothing landed: gave up at the timeout

    notebook.touch()
    pending.clear()
    started = time.monotonic()
    wait_until_saved(lambda: pending, notebook, since, timeout=5)
    assert time.monotonic() - started < 0.5


# -- the command outside a working copy ---------------------------------------------------------


@pytest.fixture
def elsewhere(monkeypatch, tmp_path):
    """A terminal in the student's home, not in the working copy; one answer saved."""
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(tmp_path / "responses"))
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    student = identity.set_student("Ana Silva")
    ResponseStore().save_answer(student, "00_start_here", "00.tour-short", "who gets expelled")
    return home


def test_the_command_outside_a_working_copy_refuses_in_one_line(elsewhere, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert cli_main(["submit", "--out-dir", str(tmp_path / "out")], out, err) != 0
    said = err.getvalue()
    assert said.count("\n") == 1 and "--exercises DIR" in said and "--answers-only" in said
    assert not (tmp_path / "out").exists()  # nothing built, nothing sent


def test_the_command_outside_a_working_copy_hands_in_answers_only_when_asked(elsewhere, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    args = ["submit", "--local", "--answers-only", "--out-dir", str(tmp_path / "out")]
    assert cli_main(args, out, err) == 0, err.getvalue()
    names = zipfile.ZipFile(tmp_path / "out" / "submission-ana-silva.zip").namelist()
    assert not any(name.startswith("exercises/") for name in names)
    assert "without exercise notebooks" in out.getvalue()


def test_the_command_pointed_at_the_exercises_takes_them(elsewhere, work, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    args = ["submit", "--local", "--exercises", str(work / "exercises")]
    assert cli_main([*args, "--out-dir", str(tmp_path / "out")], out, err) == 0, err.getvalue()
    names = zipfile.ZipFile(tmp_path / "out" / "submission-ana-silva.zip").namelist()
    assert "exercises/ex3_capacity.ipynb" in names


def test_a_mistyped_exercises_folder_is_refused_not_sent_empty(elsewhere, tmp_path):
    err = io.StringIO()
    args = ["submit", "--exercises", str(elsewhere / "my-wrok" / "exercises")]
    assert cli_main([*args, "--out-dir", str(tmp_path / "out")], io.StringIO(), err) != 0
    assert "my-wrok" in err.getvalue() and "is not a folder" in err.getvalue()
    assert not (tmp_path / "out").exists()


def cli_main(argv, stdout, stderr):
    """`diplomatic-cover ARGV` with its output captured."""
    from contextlib import redirect_stderr, redirect_stdout

    from diplomatic_cover.cli import main

    with redirect_stdout(stdout), redirect_stderr(stderr):
        return main(argv)
