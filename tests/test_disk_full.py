"""A full disk: the student is told their answer is NOT saved, and nothing typed is lost.

On a hub, a home folder over quota or a full volume makes every write fail with ENOSPC (or
EDQUOT). The store must turn that into a StoreError the widget shows, never a raw OSError
that leaves the widget saying "saved" while nothing was stored.

The first test fills a real 64 KB tmpfs (needs root to mount, as in this kit's containers);
the others inject the same error at the lowest level (`os.write`), so they run anywhere.
"""

import contextlib
import errno
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from diplomatic_cover.answers.catalogue import load_catalogue
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore, StoreError
from diplomatic_cover.safe_files import file_lock
from diplomatic_cover.widgets.question import QuestionWidget

STUDENT = Student(id="ada", name="Ada")
FIRST = "Immunity rules out arrest, so expulsion is the tool left."
SECOND = "Reciprocity caps staff on both sides; the next step is a consulate."


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KB tmpfs mounted for this test only, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def fill(folder: Path) -> None:
    """Write a filler file until the file system refuses another byte."""
    with open(folder / f"filler-{uuid.uuid4().hex[:6]}", "wb", buffering=0) as handle:
        with contextlib.suppress(OSError):
            while handle.write(b"x" * 4096):
                pass
        with contextlib.suppress(OSError):
            while handle.write(b"x"):
                pass


def widget_on(store: ResponseStore) -> QuestionWidget:
    return QuestionWidget(load_catalogue()["00.tour-text"], student=STUDENT, store=store)


def assert_told_and_kept(widget: QuestionWidget, store: ResponseStore) -> None:
    assert widget.state == "error"
    assert "NOT saved" in widget.message
    assert "disk is full" in widget.message
    assert "copy your text" in widget.message
    assert widget.value == SECOND  # the typed text stays in the box
    assert store.get_answer(STUDENT, "00_start_here", "00.tour-text")["value"] == FIRST


def test_on_a_really_full_disk_the_widget_says_not_saved_and_keeps_the_text(small_disk):
    store = ResponseStore(small_disk / "responses")
    widget = widget_on(store)
    widget.value = FIRST
    assert widget.state == "saved"
    fill(small_disk)
    widget.value = SECOND
    assert_told_and_kept(widget, store)


@pytest.fixture
def full_disk_writes(monkeypatch):
    """Make every os.write fail with ENOSPC, as a full disk does (after the first save)."""

    def no_space(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return lambda: monkeypatch.setattr(os, "write", no_space)


def test_a_failed_write_of_the_lock_file_is_a_store_error_that_leaves_no_lock(
    tmp_path, full_disk_writes
):
    full_disk_writes()
    with pytest.raises(StoreError, match="disk is full"), file_lock(tmp_path / "answers.json"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_with_writes_failing_the_widget_says_not_saved_and_keeps_the_text(
    tmp_path, full_disk_writes
):
    store = ResponseStore(tmp_path / "responses")
    widget = widget_on(store)
    widget.value = FIRST
    full_disk_writes()
    widget.value = SECOND
    assert_told_and_kept(widget, store)


def test_a_quota_error_reads_the_same_as_a_full_disk(tmp_path, monkeypatch):
    store = ResponseStore(tmp_path / "responses")
    widget = widget_on(store)
    widget.value = FIRST

    def over_quota(fd, data):
        raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))

    monkeypatch.setattr(os, "write", over_quota)
    widget.value = SECOND
    assert_told_and_kept(widget, store)
