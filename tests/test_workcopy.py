"""The student's working copy: made from the kit's notebooks, updated without losing work.

The kit folder here is a scratch copy of the real notebooks, exercises and data, with its
answer store at `responses/` as `make lab` has it; "upstream" changes are what a `git pull`
(or an nbgitpuller pull on a hub) would write into it.
"""

import shutil
from pathlib import Path

import pytest

from diplomatic_cover import paths
from diplomatic_cover.__main__ import main as python_m
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.setup import lab as lab_command
from diplomatic_cover.setup.workcopy import (
    KEPT,
    NEW,
    RESTORED,
    UNCHANGED,
    UPDATED,
    WorkingCopyError,
    content_hash,
    read_manifest,
    reset,
    sync,
)
from tests.notebook_edits import change_upstream, copy_kit, edit_code, run_all

ROOT = Path(__file__).resolve().parents[1]
ANA = Student(id="ana-silva", name="Ana Silva")


@pytest.fixture
def kit(tmp_path):
    """A kit folder laid out like the repository (notebooks, exercises, data)."""
    return copy_kit(tmp_path / "kit")


@pytest.fixture
def work(kit):
    sync(kit, kit / paths.WORK_DIR)
    return kit / paths.WORK_DIR


def _store_snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_first_start_copies_notebooks_exercises_and_data_and_records_their_hashes(kit):
    outcomes = sync(kit, kit / "my-work")
    copied = {o.path for o in outcomes if o.action == NEW}
    assert "notebooks/00_start_here.ipynb" in copied
    assert "exercises/ex3_capacity.ipynb" in copied
    assert "data/README.md" in copied  # the notebooks' codebook links (../data/README.md)
    manifest = read_manifest(kit / "my-work")
    assert set(manifest["files"]) == copied
    assert manifest["source"] == str(kit)
    for relative in copied:
        assert (kit / "my-work" / relative).read_bytes() == (kit / relative).read_bytes()


def test_a_second_start_changes_nothing(kit, work):
    run_all(work / "notebooks/05_expulsion_record.ipynb", "Ana Silva")
    before = _store_snapshot(work)
    outcomes = sync(kit, work)
    assert {o.action for o in outcomes} == {UNCHANGED}
    assert _store_snapshot(work) == before


def test_an_update_adds_new_replaces_run_and_keeps_edited_notebooks_with_answers_intact(kit, work):
    store = ResponseStore(kit / "responses")
    store.save_answer(ANA, "03_reciprocity", "03.some-answer", "tit for tat")
    store.save_check(ANA, "ex3_capacity", "ex3.coverage", 0.2, passed=True)
    answers_before = _store_snapshot(kit / "responses")

    # The student ran notebook 05 (outputs only) and wrote code in exercise 3.
    run_all(work / "notebooks/05_expulsion_record.ipynb", "Ana Silva")
    edit_code(work / "exercises/ex3_capacity.ipynb", "# my own code")
    run_all(work / "exercises/ex3_capacity.ipynb", "Ana Silva")
    # Upstream: a new notebook, and new versions of both.
    shutil.copy(kit / "notebooks/06_policy_debate.ipynb", kit / "notebooks/07_new_lesson.ipynb")
    change_upstream(kit / "notebooks/05_expulsion_record.ipynb", "A corrected paragraph.")
    change_upstream(kit / "exercises/ex3_capacity.ipynb", "A clearer hint.")

    outcomes = {o.path: o for o in sync(kit, work)}

    assert outcomes["notebooks/07_new_lesson.ipynb"].action == NEW
    assert (work / "notebooks/07_new_lesson.ipynb").is_file()

    assert outcomes["notebooks/05_expulsion_record.ipynb"].action == UPDATED
    replaced = (work / "notebooks/05_expulsion_record.ipynb").read_bytes()
    assert replaced == (kit / "notebooks/05_expulsion_record.ipynb").read_bytes()

    kept = outcomes["exercises/ex3_capacity.ipynb"]
    assert kept.action == KEPT
    assert kept.beside == "exercises/ex3_capacity (updated).ipynb"
    assert "# my own code" in (work / "exercises/ex3_capacity.ipynb").read_text()
    beside = (work / "exercises/ex3_capacity (updated).ipynb").read_bytes()
    assert beside == (kit / "exercises/ex3_capacity.ipynb").read_bytes()

    assert _store_snapshot(kit / "responses") == answers_before
    # Started again, nothing more happens: the new version is not offered twice.
    assert {o.action for o in sync(kit, work)} == {UNCHANGED}
    assert not (work / "exercises/ex3_capacity (updated 2).ipynb").exists()


def test_a_later_upstream_version_is_offered_again_without_touching_an_edited_offer(kit, work):
    edit_code(work / "exercises/ex3_capacity.ipynb", "# mine")
    change_upstream(kit / "exercises/ex3_capacity.ipynb", "First fix.")
    sync(kit, work)
    edit_code(work / "exercises/ex3_capacity (updated).ipynb", "# I worked here too")
    change_upstream(kit / "exercises/ex3_capacity.ipynb", "Second fix.")

    outcome = {o.path: o for o in sync(kit, work)}["exercises/ex3_capacity.ipynb"]

    assert outcome.beside == "exercises/ex3_capacity (updated 2).ipynb"
    assert "# I worked here too" in (work / "exercises/ex3_capacity (updated).ipynb").read_text()
    assert "Second fix." in (work / outcome.beside).read_text()


def test_a_notebook_the_student_deleted_comes_back(kit, work):
    (work / "notebooks/02_espionage_risk.ipynb").unlink()
    outcomes = {o.path: o.action for o in sync(kit, work)}
    assert outcomes["notebooks/02_espionage_risk.ipynb"] == RESTORED
    assert (work / "notebooks/02_espionage_risk.ipynb").is_file()


def test_outputs_and_metadata_do_not_count_as_edits_but_cells_do(work):
    path = work / "notebooks/01_reading_the_article.ipynb"
    copied = content_hash(path.name, path.read_bytes())
    run_all(path, "Ana Silva")
    assert content_hash(path.name, path.read_bytes()) == copied
    edit_code(path, "x = 1")
    assert content_hash(path.name, path.read_bytes()) != copied
    assert content_hash("broken.ipynb", b"{not json") != copied


def test_reset_puts_the_kit_version_back_and_keeps_the_old_file_and_the_answers(kit, work):
    store = ResponseStore(kit / "responses")
    store.save_check(ANA, "ex3_capacity", "ex3.coverage", 0.2, passed=True)
    answers_before = _store_snapshot(kit / "responses")
    edit_code(work / "exercises/ex3_capacity.ipynb", "# a mess")

    outcome = reset(kit, work, "ex3_capacity")

    assert outcome.path == "exercises/ex3_capacity.ipynb"
    restored = (work / "exercises/ex3_capacity.ipynb").read_bytes()
    assert restored == (kit / "exercises/ex3_capacity.ipynb").read_bytes()
    assert "# a mess" in (work / outcome.beside).read_text()
    assert outcome.beside.startswith(".backups/ex3_capacity-")
    assert _store_snapshot(kit / "responses") == answers_before
    # The reset notebook is the kit's version now: the next update may replace it.
    assert {o.action for o in sync(kit, work)} == {UNCHANGED}


def test_reset_of_an_unknown_notebook_names_the_choices(kit, work):
    with pytest.raises(WorkingCopyError, match="ex3_capacity") as caught:
        reset(kit, work, "ex9")
    assert "is not one of the kit's notebooks" in str(caught.value)


def test_a_folder_without_notebooks_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(WorkingCopyError, match="holds no notebooks/ folder"):
        sync(tmp_path, tmp_path / "my-work")


def test_the_working_copy_is_found_from_any_folder_inside_it(kit, work, tmp_path):
    assert paths.working_copy(work / "exercises") == work
    assert paths.working_copy(work) == work
    assert paths.working_copy(kit) == work  # a terminal in the kit folder
    assert paths.exercises_dir(work / "notebooks") == work / "exercises"
    assert paths.working_copy(tmp_path / "elsewhere") is None


def test_python_m_update_and_reset_work_from_the_command_line(kit, capsys):
    assert python_m(["update", "--source", str(kit)]) == 0
    assert "files copied from the kit's notebooks, exercises, data" in capsys.readouterr().out
    work = kit / paths.WORK_DIR
    shutil.copy(work.parent / "notebooks/00_start_here.ipynb", kit / "notebooks/99_extra.ipynb")
    assert python_m(["update", "--source", str(kit)]) == 0
    assert "New: notebooks/99_extra.ipynb" in capsys.readouterr().out
    edit_code(work / "notebooks/04_counterintelligence_capacity.ipynb", "# mine")
    assert python_m(["reset", "04_counterintelligence_capacity", "--source", str(kit)]) == 0
    said = capsys.readouterr().out
    assert "Reset notebooks/04_counterintelligence_capacity.ipynb" in said
    assert "Your answers are unchanged" in said
    assert python_m(["reset", "nope", "--source", str(kit)]) == 1
    assert "is not one of the kit's notebooks" in capsys.readouterr().err


def test_jupyterlab_is_started_in_the_working_copy_on_the_local_address_only(tmp_path):
    command = lab_command.lab_command(tmp_path / "my-work", 8890, ["--no-browser"])
    assert "--ip=127.0.0.1" in command and "--port=8890" in command
    assert f"--ServerApp.root_dir={tmp_path / 'my-work'}" in command
    assert command[-2:] == ["--no-browser", "notebooks/00_start_here.ipynb"]
