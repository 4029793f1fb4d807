"""On a shared machine a classmate cannot read a student's answers.

Debian makes home folders 0755, so the store itself must close its folders (0700) and files
(0600). The check is done as a real second Linux user, made for the test with `useradd` and
removed after: it needs root (every test here runs as root) and skips, saying why, without.
The student's home is made 0755 like Debian's, and a plain 0644 file beside the store shows
that the second user can read what is not protected, so a pass is not an accident of paths.
"""

import os
import shutil
import stat
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from diplomatic_cover.answers import identity
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.safe_files import private_folder

ANA = Student(id="ana-silva", name="Ana Silva")

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="needs root and useradd, to read the store as a second Linux user",
)


@pytest.fixture
def classmate():
    """A second Linux user with a unique name; removed afterwards."""
    name = f"dc-{uuid.uuid4().hex[:10]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


@pytest.fixture
def home():
    """A home folder others may enter (0755), on a path they can reach (pytest's own
    temporary folders are 0700, which would hide everything and prove nothing)."""
    folder = Path(tempfile.mkdtemp(prefix="dc-home-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _as(user, *command):
    return subprocess.run(
        ["runuser", "-u", user, "--", *command], capture_output=True, text=True, timeout=30
    )


def test_a_classmate_cannot_list_or_read_the_store(monkeypatch, classmate, home):
    store = ResponseStore(home / "responses")
    store.save_answer(ANA, "00_start_here", "00.tour-short", "my private view")
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(home / "responses"))
    identity.set_student("Ana Silva")
    document = store.document_path(ANA, "00_start_here")
    public = home / "notes.txt"
    public.write_text("anyone may read this")
    public.chmod(0o644)

    assert stat.S_IMODE((home / "responses").stat().st_mode) == 0o700
    assert stat.S_IMODE(document.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(document.stat().st_mode) == 0o600
    identity_file = home / "responses" / identity.IDENTITY_FILE
    assert stat.S_IMODE(identity_file.stat().st_mode) == 0o600

    assert _as(classmate, "cat", str(public)).stdout == "anyone may read this"
    for command in (
        ["cat", str(document)],
        ["cat", str(identity_file)],
        ["ls", str(home / "responses")],
        ["ls", str(document.parent)],
    ):
        done = _as(classmate, *command)
        assert done.returncode != 0 and "Permission denied" in done.stderr, command
        assert "my private view" not in done.stdout


def test_a_store_made_before_files_were_private_is_closed_on_the_next_save(classmate, home):
    old = home / "responses" / "ana-silva"
    old.mkdir(parents=True, mode=0o755)
    (home / "responses").chmod(0o755)
    (old / "00_start_here.json").write_text("{}")  # unreadable: it is set aside, not lost
    (old / "00_start_here.json").chmod(0o644)

    ResponseStore(home / "responses").save_answer(ANA, "00_start_here", "00.tour-short", "hi")

    assert stat.S_IMODE(old.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "responses").stat().st_mode) == 0o700
    assert _as(classmate, "ls", str(old)).returncode != 0


def test_someone_elses_folder_is_left_as_it_is(classmate, home):
    shared = home / "course"
    shared.mkdir(mode=0o755)
    uid = int(subprocess.run(["id", "-u", classmate], capture_output=True, text=True).stdout)
    os.chown(shared, uid, -1)
    private_folder(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


def test_a_handed_in_zip_and_a_held_lock_are_the_students_alone(classmate, home):
    from diplomatic_cover.handin.submission import build_submission
    from diplomatic_cover.safe_files import file_lock

    store = ResponseStore(home / "responses")
    store.save_answer(ANA, "00_start_here", "00.tour-short", "my private view")
    out = home / "handed-in"
    out.mkdir(mode=0o755)
    out.chmod(0o755)  # a folder anyone may list, like the home it sits in
    built = build_submission(ANA, store=store, out_dir=out)
    with file_lock(home / "notes.txt") as lock:
        lock_mode = stat.S_IMODE(lock.path.stat().st_mode)

    assert stat.S_IMODE(built.stat().st_mode) == 0o600
    assert lock_mode == 0o600
    copied = _as(classmate, "cat", str(built))
    assert copied.returncode != 0 and "Permission denied" in copied.stderr
