"""From a kernel in the student's own server: hand in, and reach nothing of anyone else's.

The kernel uses `diplomatic_cover.hub.client` with the server's own JUPYTERHUB_API_TOKEN and
the service URL the hub's configuration sets; the client needs no JupyterHub code. The
kernel imports the class copy's package the hub serves (built by `release`, realhub.py), so
the instructors' package and the answer key are out of its reach, as on a real hub.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import textwrap
from pathlib import Path

import pytest

from diplomatic_cover.instructor.release import ANSWER_KEY
from tests.hub.handins import submission_zip
from tests.hub.kernel import run_code
from tests.hub.realhub import ROOT


@pytest.fixture(scope="module")
def student(hub, accounts):
    name = accounts.student(4)
    hub.start_server(name)
    return name


def _run(hub, user, code):
    result = run_code(hub, user, textwrap.dedent(code))
    assert not result["error"], result["error"]
    return json.loads(result["stdout"].strip().splitlines()[-1])


def test_a_kernel_hands_in_with_its_servers_own_token(hub, student):
    data = submission_zip(student, note="from the kernel")
    out = _run(
        hub,
        student,
        f"""
        import json, sys
        from diplomatic_cover.hub.client import CourseService
        service = CourseService.from_environment()
        receipt = service.hand_in({data!r}, filename="submission.zip")
        print(json.dumps({{"receipt": receipt, "me": service.whoami(),
                          "jupyterhub_imported": "jupyterhub" in sys.modules}}))
    """,
    )
    assert out["receipt"]["user"] == student
    assert out["me"] == {**out["me"], "user": student, "instructor": False}
    assert out["jupyterhub_imported"] is False


def test_a_kernel_cannot_reach_a_classmates_work(hub, accounts, student):
    classmate = accounts.student(1)
    out = _run(
        hub,
        student,
        f"""
        import json, os
        from diplomatic_cover.hub.client import CourseService, ServiceError
        service = CourseService.from_environment()
        results = {{}}
        for name, call in [
            ("download", lambda: service.download({classmate!r})),
            ("feedback", lambda: service.feedback_of({classmate!r})),
            ("list", lambda: service.students()),
        ]:
            try:
                call()
                results[name] = "allowed"
            except ServiceError as error:
                results[name] = error.status
        try:
            os.listdir({str(hub.storage)!r})
            results["storage folder"] = "readable"
        except PermissionError:
            results["storage folder"] = "refused"
        print(json.dumps(results))
    """,
    )
    assert out == {"download": 403, "feedback": 403, "list": 403, "storage folder": "refused"}


def test_a_student_pulls_the_class_copy_with_nbgitpuller(hub, student, class_copy_repo):
    token = hub.token_for(student)
    url = (
        f"{hub.url}/user/{student}/git-pull/api?repo={class_copy_repo}&branch=main"
        "&targetpath=diplomatic-cover"
    )
    reply = hub.request("GET", url, token=token, timeout=120)
    events = [
        json.loads(line[6:])
        for line in reply.body.decode().splitlines()
        if line.startswith("data: ")
    ]
    assert events and events[-1]["phase"] == "finished", events[-3:]
    out = _run(
        hub,
        student,
        """
        import json, os
        from pathlib import Path
        copy = Path.home() / "diplomatic-cover"
        start = copy / "notebooks" / "00_start_here.ipynb"
        print(json.dumps({"exists": start.exists(), "mine": start.stat().st_uid == os.getuid()}))
    """,
    )
    assert out == {"exists": True, "mine": True}


@pytest.fixture(scope="module")
def instructors_open_kit(accounts):
    """The open kit's answer key in the instructor's home, where deploy/README.md keeps it."""
    owner = pwd.getpwnam(accounts.instructor)
    key = Path(owner.pw_dir) / "diplomatic-cover" / ANSWER_KEY
    shutil.copytree(ROOT / ANSWER_KEY, key)
    for path in [key.parents[3], *key.parents[3].rglob("*")]:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return key


def test_a_students_kernel_has_no_instructor_package_and_no_answer_key(
    hub, student, instructors_open_kit
):
    key_files = sorted(str(p) for p in instructors_open_kit.glob("*.toml"))
    assert key_files
    out = _run(
        hub,
        student,
        f"""
        import importlib.util, json, os
        from pathlib import Path
        import diplomatic_cover
        from diplomatic_cover.answers.catalogue import load_answer_key
        try:
            import diplomatic_cover.instructor
            imported = True
        except ModuleNotFoundError:
            imported = False
        package = Path(diplomatic_cover.__file__).parent
        key = load_answer_key()
        readable = []
        for name in {key_files!r}:
            try:
                Path(name).read_bytes()
                readable.append(name)
            except PermissionError:
                pass
        print(json.dumps({{
            "spec": importlib.util.find_spec("diplomatic_cover.instructor") is not None,
            "imported": imported,
            "key": None if key is None else f"{{len(key)}} entries",
            "package": str(package),
            "key files in the package": sorted(
                str(p) for p in package.rglob("*") if "answer_key" in p.parts
            ),
            "open kit's key readable": readable,
        }}))
    """,
    )
    assert out["package"].startswith(str(hub.folder))  # the class copy the hub serves
    assert out == {**out, "spec": False, "imported": False, "key": None}
    assert out["key files in the package"] == []
    assert out["open kit's key readable"] == []
