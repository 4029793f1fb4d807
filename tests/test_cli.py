"""The command line, called in-process as a student or instructor would type it."""

import zipfile

import pytest

from diplomatic_cover.answers.identity import set_student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.cli import main


def test_without_a_command_the_help_is_shown(capsys):
    assert main([]) == 2
    assert "submit" in capsys.readouterr().err


def test_submit_builds_a_zip_that_verify_accepts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(tmp_path / "responses"))
    student = set_student("Ana Silva")
    ResponseStore().save_answer(student, "00_start_here", "00.tour-short", "reciprocity")
    assert main(["submit", "--out-dir", str(tmp_path), "--answers-only"]) == 0
    path = tmp_path / "submission-ana-silva.zip"
    with zipfile.ZipFile(path) as archive:
        assert "report.html" in archive.namelist()
    assert main(["submit", "--verify", str(path)]) == 0


def test_verify_rejects_a_file_that_is_not_a_submission(tmp_path, capsys):
    bogus = tmp_path / "submission-x.zip"
    bogus.write_bytes(b"not a zip at all")
    assert main(["submit", "--verify", str(bogus)]) == 1
    assert capsys.readouterr().err.strip()


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert "diplomatic-cover" in capsys.readouterr().out


def test_build_exercises_check_agrees_with_the_committed_copies(capsys):
    assert main(["build-exercises", "--check"]) == 0


def test_release_builds_a_class_copy_without_instructors_material(tmp_path, capsys):
    out = tmp_path / "class-copy"
    assert main(["release", "--out", str(out)]) == 0
    assert (out / "notebooks" / "00_start_here.ipynb").is_file()
    assert not (out / "instructors").exists()
    assert not (out / "src" / "diplomatic_cover" / "questions" / "answer_key").exists()
