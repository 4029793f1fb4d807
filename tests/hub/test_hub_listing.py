"""deploy/README.md §4's commands for looking at one student's hand-ins, run as printed.

The `curl` lines are read from the README itself and run with a real instructor token (and
then a student's) against the real hub, so the documented commands are the tested ones.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import zipfile

import pytest

from diplomatic_cover.hub.client import CourseService
from tests.hub.handins import submission_zip
from tests.hub.realhub import ROOT

HEADING = "**Look at one student's hand-ins.**"


def _documented_commands() -> list[str]:
    text = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text[text.index(HEADING) :], re.S)
    assert block, "the section's bash block is missing"
    lines = block.group(1).splitlines()
    assert lines[0].startswith("SERVICE=")
    return [line for line in lines[1:] if line.startswith("curl ")]


def _run(hub, command, user, token_of, folder):
    service = hub.service_url.rstrip("/")
    return subprocess.run(
        ["bash", "-c", command.replace("asilva", user)],
        env={"PATH": "/usr/bin:/bin", "SERVICE": service,
             "JUPYTERHUB_API_TOKEN": hub.token_for(token_of)},
        cwd=folder, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture(scope="module")
def handed_in(hub, accounts):
    """Student 3 hands in twice; the receipts, oldest first."""
    service = CourseService(url=hub.service_url, token=hub.token_for(accounts.student(3)))
    first = service.hand_in(submission_zip(accounts.student(3), note="first"))
    second = service.hand_in(submission_zip(accounts.student(3), note="second"))
    return first, second


def test_the_documented_commands_list_and_download_a_students_hand_ins(
    hub, accounts, handed_in, tmp_path
):
    student = accounts.student(3)
    everyone, receipts, download = _documented_commands()
    listed = _run(hub, everyone, student, accounts.instructor, tmp_path)
    assert listed.returncode == 0, listed.stderr
    row = {s["user"]: s for s in json.loads(listed.stdout)["students"]}[student]
    assert row["count"] >= 2 and row["latest"]["id"] == handed_in[1]["id"]

    theirs = _run(hub, receipts, student, accounts.instructor, tmp_path)
    assert theirs.returncode == 0, theirs.stderr
    ids = [r["id"] for r in json.loads(theirs.stdout)["submissions"]]
    assert ids[-2:] == [handed_in[0]["id"], handed_in[1]["id"]]

    saved = _run(hub, download, student, accounts.instructor, tmp_path)
    assert saved.returncode == 0, saved.stderr
    zipped = tmp_path / f"{student}-{handed_in[1]['id']}.zip"
    assert hashlib.sha256(zipped.read_bytes()).hexdigest() == handed_in[1]["sha256"]
    with zipfile.ZipFile(zipped) as archive:
        assert b'"second"' in archive.read("responses/00_start_here.json")


def test_a_students_token_gets_nothing_from_the_same_commands(hub, accounts, handed_in, tmp_path):
    for command in _documented_commands():
        refused = _run(hub, command, accounts.student(3), accounts.student(2), tmp_path)
        assert refused.returncode == 22 and b"403" in refused.stderr  # curl -f: HTTP error
    assert list(tmp_path.iterdir()) == []
