"""Hand in after an update put `ex3_capacity (updated).ipynb` beside the student's edited ex3.

The student may go on in either file. One notebook per exercise is handed in, as
`exercises/ex3_capacity.ipynb` (the file the grader reads): the most recently saved copy the
student worked in. An "(updated)" copy still holding the kit's cells (only run, or never
opened) does not count, though its file is newer. The command's sentence names the file taken.
"""

import io
import json
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
    describe_submission,
    verify_submission,
)
from diplomatic_cover.setup.workcopy import KEPT, sync
from tests.notebook_edits import age, copy_kit, edit_code, run_all

ROOT = Path(__file__).resolve().parents[1]
ANA = Student(id="ana-silva", name="Ana Silva")
EX3 = "exercises/ex3_capacity.ipynb"
UPDATED = "exercises/ex3_capacity (updated).ipynb"


@pytest.fixture
def kit(tmp_path):
    return copy_kit(tmp_path / "pulled", ("notebooks", "exercises"))


@pytest.fixture
def work(kit, tmp_path):
    """A working copy whose edited ex3 was kept by an update, the new ex3 put beside it."""
    folder = tmp_path / "home" / "my-work"
    sync(kit, folder)
    edit_code(folder / EX3, "# Ana's first try")
    age(folder / EX3, 600)  # edited before the update
    notebook = json.loads((kit / EX3).read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "id": "hint-2", "metadata": {},
                              "source": ["A second hint."]})  # fmt: skip
    (kit / EX3).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    assert [o.action for o in sync(kit, folder) if o.path == EX3] == [KEPT]
    assert (folder / UPDATED).is_file()
    return folder


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "home" / "responses")


def _build(work, store, out):
    return build_submission(
        ANA, store=store, out_dir=out, exercises_dir=work / "exercises", require_saved=True
    )


def _exercises_in(built):
    with zipfile.ZipFile(built) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("exercises/ex3")
        }


def test_work_saved_in_the_updated_copy_is_handed_in_as_the_exercise(work, store, tmp_path):
    edit_code(work / UPDATED, "# Ana's code in the new version")
    store.save_check(ANA, "ex3_capacity", "ex3.coverage", {"calls": []}, passed=True)
    age(work / UPDATED, -2)  # saved just after the check, as Ctrl+S after running it

    built = _build(work, store, tmp_path / "out")

    handed = _exercises_in(built)
    assert list(handed) == [EX3]  # one notebook per exercise, under the name graders read
    assert "# Ana's code in the new version" in handed[EX3]
    assert verify_submission(built)["exercise_sources"] == {EX3: "ex3_capacity (updated).ipynb"}
    assert (
        "ex3_capacity.ipynb handed in from your 'ex3_capacity (updated).ipynb'"
        in describe_submission(built)
    )


def test_an_updated_copy_only_opened_or_run_does_not_replace_the_studentsedit_code(
    work, store, tmp_path
):
    run_all(work / UPDATED)  # newer than Ana's ex3, but its cells are still the kit's

    built = _build(work, store, tmp_path / "out")

    handed = _exercises_in(built)
    assert list(handed) == [EX3] and "# Ana's first try" in handed[EX3]
    assert "exercise_sources" not in verify_submission(built)


def test_edits_in_both_copies_hand_in_the_one_saved_last(work, store, tmp_path):
    edit_code(work / UPDATED, "# Ana's newer attempt")
    age(work / UPDATED, 1200)  # ...but she went back to her first file afterwards
    edit_code(work / EX3, "# Ana's second try")

    handed = _exercises_in(_build(work, store, tmp_path / "out"))

    assert list(handed) == [EX3]
    assert "# Ana's second try" in handed[EX3] and "# Ana's newer attempt" not in handed[EX3]


def test_checked_in_the_updated_copy_but_not_saved_names_that_copy(work, store, tmp_path):
    # She ran the check in "(updated)" without Ctrl+S: the file on disk is the kit's version.
    store.save_check(ANA, "ex3_capacity", "ex3.coverage", {"calls": []}, passed=True)
    age(work / UPDATED, 30)

    with pytest.raises(UnsavedWork) as refused:
        _build(work, store, tmp_path / "out")

    assert str(refused.value).startswith("ex3_capacity (updated).ipynb was checked after")
    assert "save it (Ctrl+S)" in str(refused.value)


def test_the_command_says_which_file_it_took(monkeypatch, work, tmp_path):
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(tmp_path / "responses"))
    monkeypatch.chdir(work)
    student = identity.set_student("Ana Silva")
    edit_code(work / UPDATED, "# Ana's code in the new version")
    ResponseStore().save_check(student, "ex3_capacity", "ex3.coverage", 1, passed=True)
    out = io.StringIO()
    assert cli_submit(out_dir=tmp_path / "out", send=False, stdout=out, stderr=io.StringIO()) == 0
    assert "ex3_capacity.ipynb handed in from your 'ex3_capacity (updated).ipynb'" in out.getvalue()
