"""Handing in: one zip with answers, exercises, report and a manifest that catches tampering."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import ipywidgets
import pytest

from diplomatic_cover import paths
from diplomatic_cover._version import __version__
from diplomatic_cover.answers import identity
from diplomatic_cover.answers.catalogue import parse_catalogue
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin import submission as submit
from diplomatic_cover.handin.submission import (
    SubmissionError,
    build_submission,
    cli_submit,
    cli_verify,
    verify_submission,
)
from diplomatic_cover.widgets.handin import BUTTON_LABEL, submit_button
from tests.sample_answers import ANA, CATALOGUE_TOML, fill_store

ZIP_NAME = "submission-ana-silva.zip"


@pytest.fixture
def catalogue():
    return parse_catalogue(CATALOGUE_TOML)


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "responses")


@pytest.fixture
def exercises(tmp_path):
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "01_counting_expulsions.ipynb").write_text('{"cells": [], "nbformat": 4}')
    (folder / ".~01_counting_expulsions.ipynb").write_text("editor backup: not handed in")
    (folder / "README.md").write_text("not a notebook")
    return folder


@pytest.fixture
def built(tmp_path, store, catalogue, exercises):
    fill_store(store)
    return build_submission(
        ANA, store=store, out_dir=tmp_path / "out", exercises_dir=exercises, catalogue=catalogue
    )


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(path: Path, change) -> None:
    """Rewrite the zip with `change(files)` applied: what a hand edit or a bad copy does."""
    files = members(path)
    change(files)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_the_zip_holds_responses_exercises_report_and_manifest(built, tmp_path):
    assert built == tmp_path / "out" / ZIP_NAME
    assert sorted(members(built)) == [
        "exercises/01_counting_expulsions.ipynb",
        "manifest.json",
        "report.html",
        "responses/01_tour.json",
        "responses/02_cover.json",
    ]


def test_the_manifest_describes_the_submission(built):
    manifest = json.loads(members(built)["manifest.json"])
    assert manifest["format"] == "diplomatic-cover.submission"
    assert manifest["format_version"] == 1
    assert manifest["kit_version"] == __version__
    assert manifest["student"] == {"id": "ana-silva", "name": "Ana Silva"}
    assert manifest["created"].endswith("Z")
    # Catalogue order; the bad number counts as answered (the student typed something).
    assert manifest["question_ids"] == [
        "01.why-expel",
        "01.survives",
        "02.embassies-open",
        "02.expelled",
        "02.sources",
        "02.kinds",
    ]


def test_the_manifest_holds_the_sha256_of_every_other_file(built):
    files = members(built)
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["files"] == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()
    }
    assert verify_submission(built) == manifest


def test_the_responses_are_the_stored_documents(built, store):
    packed = json.loads(members(built)["responses/02_cover.json"])
    assert packed == store.load(ANA, "02_cover")
    assert packed["answers"]["02.expelled"]["raw"] == "abc"
    assert packed["checks"]["expelled-total"]["passed"] is True


def test_the_report_inside_shows_the_typed_answers_escaped(built):
    report = members(built)["report.html"].decode("utf-8")
    assert "Answers of Ana Silva" in report
    assert "&lt;script&gt;" in report and "<script" not in report
    assert "“abc” (not a number)" in report


def test_exercise_notebooks_are_packed_byte_for_byte(built, exercises):
    packed = members(built)["exercises/01_counting_expulsions.ipynb"]
    assert packed == (exercises / "01_counting_expulsions.ipynb").read_bytes()


def test_a_changed_answer_fails_the_check_and_names_the_file(built):
    def cheat(files):
        document = json.loads(files["responses/02_cover.json"])
        document["answers"]["02.expelled"]["value"] = {"raw": "60", "number": 60}
        files["responses/02_cover.json"] = json.dumps(document).encode()

    rewrite(built, cheat)
    with pytest.raises(SubmissionError) as failure:
        verify_submission(built)
    message = str(failure.value)
    assert "submission-ana-silva.zip failed its check" in message
    assert "responses/02_cover.json does not match its SHA-256 in manifest.json" in message
    assert "Build the file again" in message


def test_an_added_file_fails_the_check(built):
    rewrite(built, lambda files: files.update({"responses/99_extra.json": b"{}"}))
    with pytest.raises(SubmissionError, match=r"holds responses/99_extra\.json, which"):
        verify_submission(built)


def test_a_removed_file_fails_the_check(built):
    rewrite(built, lambda files: files.pop("report.html"))
    with pytest.raises(SubmissionError, match=r"report\.html is listed in manifest\.json but"):
        verify_submission(built)


def test_a_file_cut_short_in_transit_fails_the_check(built):
    data = built.read_bytes()
    built.write_bytes(data[: len(data) // 2])
    with pytest.raises(SubmissionError, match="not a readable zip file"):
        verify_submission(built)


def test_a_zip_without_a_manifest_is_not_a_submission(tmp_path):
    other = tmp_path / "holiday-photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.txt", "sunny")
    with pytest.raises(SubmissionError, match=r"has no manifest\.json"):
        verify_submission(other)


def test_a_missing_file_is_reported_plainly(tmp_path):
    with pytest.raises(SubmissionError, match="There is no submission file at"):
        verify_submission(tmp_path / "nowhere.zip")


def test_an_empty_store_still_builds_a_valid_submission_saying_nothing_is_answered(
    tmp_path, store, catalogue
):
    no_exercises = tmp_path / "no-exercises"
    path = build_submission(
        ANA, store=store, out_dir=tmp_path / "out", exercises_dir=no_exercises, catalogue=catalogue
    )
    manifest = verify_submission(path)
    assert manifest["question_ids"] == []
    assert sorted(members(path)) == ["manifest.json", "report.html"]
    assert "Nothing answered yet" in members(path)["report.html"].decode()


def test_building_again_replaces_the_file_and_leaves_no_temporary_files(
    built, store, catalogue, exercises
):
    store.save_answer(ANA, "01_tour", "01.one-word", "illegal")
    again = build_submission(
        ANA, store=store, out_dir=built.parent, exercises_dir=exercises, catalogue=catalogue
    )
    assert again == built
    assert [p.name for p in built.parent.iterdir()] == [ZIP_NAME]
    assert "01.one-word" in verify_submission(built)["question_ids"]


def test_an_id_that_could_leave_the_folder_is_refused(tmp_path, store, catalogue):
    sneaky = Student(id="../../etc/evil", name="Sneaky")
    with pytest.raises(SubmissionError, match="not a valid student id"):
        build_submission(sneaky, store=store, out_dir=tmp_path / "out", catalogue=catalogue)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path.parent / "etc").exists()


def test_an_unwritable_destination_is_a_clear_error(tmp_path, store, catalogue):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(SubmissionError, match=rf"{ZIP_NAME} could not be written to"):
        build_submission(ANA, store=store, out_dir=blocker, catalogue=catalogue)


def test_by_default_files_go_to_submissions_in_the_working_copy(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.RESPONSES_ENV, raising=False)
    monkeypatch.delenv(paths.SUBMISSIONS_ENV, raising=False)
    work = tmp_path / "my-work"
    (work / "notebooks").mkdir(parents=True)
    (work / "exercises").mkdir()
    monkeypatch.chdir(work / "notebooks")  # a kernel runs in its notebook's folder
    assert submit.default_out_dir() == work / "submissions"
    assert submit.default_exercises_dir() == work / "exercises"


def test_an_installed_kit_without_a_folder_writes_to_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.RESPONSES_ENV, raising=False)
    monkeypatch.delenv(paths.SUBMISSIONS_ENV, raising=False)
    monkeypatch.setattr(paths, "kit_root", lambda: None)
    monkeypatch.chdir(tmp_path)
    assert submit.default_out_dir() == tmp_path
    assert submit.default_exercises_dir() is None


# -- The Hand in button -----------------------------------------------------------------


def test_the_button_builds_the_file_and_says_where_it_is(tmp_path, store, exercises):
    fill_store(store)
    control = submit_button(
        "02_cover", student=ANA, store=store, out_dir=tmp_path / "out", exercises_dir=exercises
    )
    assert isinstance(control, ipywidgets.VBox)
    button, status = control.children
    assert isinstance(button, ipywidgets.Button)
    assert button.description == BUTTON_LABEL == "Hand in: build my submission file"
    assert 'role="status"' in status.value

    button.click()

    path = tmp_path / "out" / ZIP_NAME
    size = submit.human_size(path.stat().st_size)
    assert f"Wrote {ZIP_NAME} ({size}) in {path.parent}" in status.value
    assert "1 exercise notebook." in status.value
    assert not button.disabled
    verify_submission(path)


def test_the_button_reports_a_failure_instead_of_raising(tmp_path, store):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be")
    button, status = submit_button(student=ANA, store=store, out_dir=blocker).children
    button.click()
    assert "No submission file was written" in status.value
    assert "could not be written to" in status.value
    assert not button.disabled


# -- Command line -----------------------------------------------------------------------


def test_the_command_builds_the_current_students_file(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.RESPONSES_ENV, str(tmp_path / "responses"))
    student = identity.set_student("Ana Silva")
    ResponseStore().save_answer(student, "00_start_here", "00.tour-short", "who gets expelled")
    out, err = io.StringIO(), io.StringIO()

    code = cli_submit(out_dir=tmp_path / "out", exercises_dir=None, stdout=out, stderr=err)

    assert (code, err.getvalue()) == (0, "")
    assert out.getvalue().startswith(f"Wrote {ZIP_NAME} (")
    assert "00.tour-short" in verify_submission(tmp_path / "out" / ZIP_NAME)["question_ids"]

    out = io.StringIO()
    assert cli_verify(tmp_path / "out" / ZIP_NAME, stdout=out) == 0
    assert f"{ZIP_NAME} is intact" in out.getvalue()


def test_the_command_fails_with_the_reason(tmp_path):
    bad = tmp_path / ZIP_NAME
    bad.write_bytes(b"not a zip at all")
    err = io.StringIO()
    assert cli_verify(bad, stdout=io.StringIO(), stderr=err) == 1
    assert err.getvalue().startswith("diplomatic-cover submit: submission-ana-silva.zip failed")
