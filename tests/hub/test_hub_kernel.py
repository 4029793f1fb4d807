"""From a kernel in the student's own server: hand in, and reach nothing of anyone else's.

The kernel uses `diplomatic_cover.hub.client` with the server's own JUPYTERHUB_API_TOKEN and
the service URL the hub's configuration sets; the client needs no JupyterHub code.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.hub.handins import submission_zip
from tests.hub.kernel import run_code


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
