"""The class copy's command line: what students run works, instructors' commands say where to go.

`release` leaves `instructor/` out of the class copy. The command line still offers every
command (its help must not break), imports the instructors' ones only when they are asked for,
and then says plainly that they belong to the open kit. The grader ships (instructors may grade
from any copy) but needs the hidden checks, and says so when they are missing.
"""

import os
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from diplomatic_cover.instructor.release import release


@pytest.fixture(scope="module")
def class_copy(tmp_path_factory):
    return release(out=tmp_path_factory.mktemp("release") / "class-copy")


@pytest.fixture
def run(class_copy, tmp_path):
    # `python -S` and the libraries' folder on PYTHONPATH: the class copy alone, without the
    # open kit's editable install, whose import hook would supply the package it leaves out.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(class_copy / "src"), sysconfig.get_path("purelib")]),
        "DIPLOMATIC_COVER_RESPONSES": str(tmp_path / "responses"),
        "JUPYTERHUB_USER": "Ana Silva",
    }

    def command(*args):
        return subprocess.run(
            [sys.executable, "-S", "-m", "diplomatic_cover.cli", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return command


def test_the_class_copy_has_no_instructor_package(class_copy):
    assert not (class_copy / "src" / "diplomatic_cover" / "instructor").exists()


def test_help_lists_every_command(run):
    done = run("--help")
    assert done.returncode == 0, done.stderr
    for command in ("submit", "grade", "build-exercises", "release"):
        assert command in done.stdout


def test_submit_builds_and_verifies_a_submission(run, tmp_path):
    # Run outside a working copy: without --answers-only (or --exercises) it would refuse.
    done = run("submit", "--answers-only", "--out-dir", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    (built,) = (tmp_path / "out").glob("submission-*.zip")
    with zipfile.ZipFile(built) as archive:
        assert "manifest.json" in archive.namelist()
    assert run("submit", "--verify", str(built)).returncode == 0


@pytest.mark.parametrize(
    "args", [("build-exercises", "--check"), ("release", "--out", "copy")], ids=lambda a: a[0]
)
def test_instructors_commands_say_they_belong_to_the_open_kit(run, args):
    done = run(*args)
    assert done.returncode == 2
    assert f"'{args[0]}' is a command for instructors: run it from the open kit" in done.stderr
    assert "Traceback" not in done.stderr


def test_grade_shows_its_help_and_says_the_hidden_checks_are_missing(run, tmp_path):
    done = run("grade", "--help")
    assert done.returncode == 0, done.stderr
    assert "--execute" in done.stdout
    config = tmp_path / "grading.toml"
    config.write_text('[assignment.ex1_pandas_record]\nchecks = {"ex1.by-decade" = 2}\n')
    (tmp_path / "submissions").mkdir()
    done = run("grade", "submissions", "--out", "grades", "--config", str(config))
    assert done.returncode == 1
    assert "hidden checks" in done.stderr and "class copy" in done.stderr
    assert "Traceback" not in done.stderr
