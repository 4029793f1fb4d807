"""Hand in from a student's own server on a real hub: the button's code path and the command.

The student pulls the class copy with nbgitpuller and works in it, as on a class hub. The
Hand in button (`dc.submit_button()`, pressed in the kernel as the browser's click does)
and `python -m diplomatic_cover submit` in a terminal build the zip in the working copy and
hand it in to the course service, which files it under the hub user with its own time.
With the service down, the zip stays in the student's home and the message says where.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from tests.hub.service_outage import service_down
from tests.hub.student_kernel import StudentKernel

WORK = "diplomatic-cover"  # nbgitpuller's folder in the student's home

PRESS_HAND_IN = """
import json
import diplomatic_cover as dc
from diplomatic_cover.hub.client import CourseService
question = dc.ask("00.tour-short")
question.value = {answer!r}
button, status = dc.submit_button("00_start_here").children
button.click()
service = CourseService.on_this_hub()
print(json.dumps({{"label": button.description, "status": status.value,
                  "receipts": service.my_submissions() if {ask_receipts!r} else []}}))
"""

RUN_SUBMIT = """
import json, subprocess, sys
from pathlib import Path
done = subprocess.run([sys.executable, "-m", "diplomatic_cover", "submit"],
                      cwd=Path.home() / {work!r}, capture_output=True, text=True)
print(json.dumps({{"code": done.returncode, "out": done.stdout, "err": done.stderr}}))
"""


@pytest.fixture(scope="module")
def student(hub, accounts, class_copy_repo):
    name = accounts.student(2)
    hub.start_server(name)
    url = f"{hub.url}/user/{name}/git-pull/api?repo={class_copy_repo}&branch=main&targetpath={WORK}"
    reply = hub.request("GET", url, token=hub.token_for(name), timeout=120)
    assert b'"phase": "finished"' in reply.body, reply.body[-500:]
    return name


def home_of(name):
    import pwd

    return pwd.getpwnam(name).pw_dir


def kept_zip(name):
    return f"{home_of(name)}/{WORK}/submissions/submission-{name}.zip"


def test_the_button_hands_in_and_says_when_in_the_services_own_time(hub, accounts, student):
    with StudentKernel(hub, student, path=f"{WORK}/notebooks") as kernel:
        out = kernel.json(PRESS_HAND_IN.format(answer="persona non grata", ask_receipts=True))
    receipt = out["receipts"][-1]
    assert out["label"] == "Hand in: send my work to my instructor"
    assert "✓ Handed in at " in out["status"]
    # The time shown is the service's receive time, marked for the browser to localise.
    assert f'<time datetime="{receipt["received_at"]}">' in out["status"]
    assert f"A copy is kept at {kept_zip(student)}." in out["status"]
    with open(kept_zip(student), "rb") as kept:
        data = kept.read()
    assert hashlib.sha256(data).hexdigest() == receipt["sha256"]

    teacher = hub.token_for(accounts.instructor)
    latest = hub.service("GET", f"api/students/{student}/submissions/latest", teacher)
    assert latest.status == 200 and latest.body == data
    with zipfile.ZipFile(io.BytesIO(latest.body)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        answers = json.loads(archive.read("responses/00_start_here.json"))
    assert "00.tour-short" in manifest["question_ids"]
    assert answers["answers"]["00.tour-short"]["value"] == "persona non grata"


def test_the_submit_command_hands_in_from_the_working_copy(hub, student):
    before = len(
        hub.service("GET", "api/me/submissions", hub.token_for(student)).json()["submissions"]
    )
    with StudentKernel(hub, student) as kernel:
        out = kernel.json(RUN_SUBMIT.format(work=WORK))
    assert out["code"] == 0, out["err"]
    assert out["out"].startswith("Handed in at ")
    assert f"A copy is kept at {kept_zip(student)}." in out["out"]
    after = hub.service("GET", "api/me/submissions", hub.token_for(student)).json()["submissions"]
    assert len(after) == before + 1


def test_with_the_service_down_the_zip_stays_in_home_and_the_message_gives_its_path(hub, student):
    receipts = hub.service("GET", "api/me/submissions", hub.token_for(student)).json()
    with StudentKernel(hub, student, path=f"{WORK}/notebooks") as kernel:
        kernel.json("import diplomatic_cover as dc\nprint(1)")  # loaded before the outage
        with service_down(hub):
            button = kernel.json(PRESS_HAND_IN.format(answer="expelled", ask_receipts=False))
            command = kernel.json(RUN_SUBMIT.format(work=WORK))
    kept = kept_zip(student)
    assert "✗ Not handed in: The course service is not answering" in button["status"]
    assert f"Your submission is kept at {kept}: press Hand in again" in button["status"]
    assert command["code"] == 1 and command["out"] == ""
    assert f"Your submission is kept at {kept}" in command["err"]
    assert len(command["err"].strip().splitlines()) == 1  # the reason in one line
    with zipfile.ZipFile(kept) as archive:  # the newest build, with the newest answer
        answers = json.loads(archive.read("responses/00_start_here.json"))
    assert answers["answers"]["00.tour-short"]["value"] == "expelled"
    # Nothing reached the service while it was down; it is back and holds what it held.
    after = hub.service("GET", "api/me/submissions", hub.token_for(student)).json()
    assert after == receipts
