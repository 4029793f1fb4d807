"""The live pulse from students' own kernels on a real hub, and `dc.pulse` on the projector.

Each account answers in a kernel of its own server, through the question widget's code
path (`dc.ask`, then a change of its `value`, as the browser sends it). The widget saves
first and shares in the background; the sharing control (`pulse_sharing`, a checkbox in the
browser) withdraws the answer. The projector's view refreshes on its own thread: the test
never runs its cell again, it only reads what the view shows.
"""

from __future__ import annotations

import html
import re
import subprocess

import pytest

from tests.hub.student_kernel import StudentKernel

SHARED_VIEW = "00.tour-scale"  # a view with confidence and a private one-line reason
ROOM = "00.tour-single"  # the question the whole room answers
REASON = "a reason only my instructor reads"

# The first cell of every kernel here: the kit, the service, and a wait for the background
# sender (a test reads the pool only once the request has been answered).
PRELUDE = """
import json
import diplomatic_cover as dc
from diplomatic_cover.hub.client import CourseService
from diplomatic_cover.hub.sharing import sender_for
service = CourseService.on_this_hub()
def sent():
    assert sender_for(service).wait_until_sent(30), "the pulse request did not finish"
print(json.dumps(service is not None))
"""


@pytest.fixture(scope="module")
def servers(hub, accounts):
    for user in accounts.everyone:
        hub.start_server(user)
    return accounts.everyone


def text_of(drawn: str) -> str:
    drawn = re.sub(r"<style>.*?</style>", "", drawn, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", drawn)).split())


def test_an_answer_is_shared_as_saved_and_opting_out_withdraws_it(hub, servers, accounts):
    student = accounts.student(1)
    with StudentKernel(hub, student) as kernel:
        assert kernel.json(PRELUDE) is True
        first = kernel.json(
            f"""
            question = dc.ask({SHARED_VIEW!r})
            offered, default = question.pulse_offered, question.pulse_sharing
            question.value = {{"point": 2, "confidence": 4, "why": {REASON!r}}}
            sent()
            print(json.dumps({{"offered": offered, "default": default, "state": question.state,
                              "status": question.pulse_status,
                              "pool": service.my_pulse({SHARED_VIEW!r})}}))
            """
        )
        assert first["offered"] is True and first["default"] is True
        assert first["state"] == "saved"
        assert first["status"] == "In the class pulse, without your name."
        assert first["pool"] == {
            "question": SHARED_VIEW,
            "shared": True,
            "answer": {"point": 2, "confidence": 4},
        }
        # The reason stays in the student's store: it is nowhere in the service's folder.
        grep = subprocess.run(["grep", "-r", REASON, str(hub.storage)], capture_output=True)
        assert grep.returncode == 1 and grep.stdout == b""

        out = kernel.json(
            f"""
            question.pulse_sharing = False  # the student unticks the box
            sent()
            withdrawn = service.my_pulse({SHARED_VIEW!r})
            question.value = {{"point": 5, "confidence": 1}}  # a change of mind, kept private
            again = dc.ask({SHARED_VIEW!r})  # the cell run again later
            sent()
            print(json.dumps({{"withdrawn": withdrawn, "status": question.pulse_status,
                              "after_change": service.my_pulse({SHARED_VIEW!r}),
                              "rerun_sharing": again.pulse_sharing}}))
            """
        )
        assert out["withdrawn"]["shared"] is False
        assert out["status"] == "Not in the class pulse."
        assert out["after_change"] == {"question": SHARED_VIEW, "shared": False, "answer": None}
        assert out["rerun_sharing"] is False

        back = kernel.json(
            f"""
            again.pulse_sharing = True  # ticked again: the saved answer goes back in
            sent()
            print(json.dumps(service.my_pulse({SHARED_VIEW!r})))
            """
        )
        assert back["answer"] == {"point": 5, "confidence": 1}


def _answer(hub, user, option):
    with StudentKernel(hub, user) as kernel:
        assert kernel.json(PRELUDE) is True
        out = kernel.json(
            f"""
            question = dc.ask({ROOM!r})
            question.value = {option!r}
            sent()
            print(json.dumps({{"status": question.pulse_status}}))
            """
        )
    assert out["status"] == "In the class pulse, without your name.", out


def _view_until(projector, text, timeout=20):
    """What the live view shows once it contains `text` (read, never re-run)."""
    out = projector.json(
        f"""
        import json, time
        deadline = time.monotonic() + {timeout}
        while {text!r} not in view.chart.value and time.monotonic() < deadline:
            time.sleep(0.2)
        print(json.dumps({{"chart": view.chart.value, "status": view.status.value,
                          "running": view.refresher.running}}))
        """
    )
    shown = text_of(out["chart"])
    assert text in shown, shown
    return shown, out


def test_the_projector_shows_nothing_at_four_answers_then_the_room_at_five_and_six(
    hub, servers, accounts
):
    students = accounts.students
    first_four = ["run-above", "run-above", "retype", "run-above"]
    for user, option in zip(students[:4], first_four, strict=True):
        _answer(hub, user, option)
    with StudentKernel(hub, accounts.instructor) as projector:
        projector.json(
            f"""
            import json
            import diplomatic_cover as dc
            view = dc.pulse({ROOM!r}, every=1)
            print(json.dumps(True))
            """
        )
        shown, out = _view_until(projector, "Waiting for 5 answers: 4 so far.")
        assert "%" not in shown and "Run the cells above" not in shown
        assert out["running"] is True

        _answer(hub, students[4], "delete-cell")
        # Not "5 answers": "Waiting for 5 answers: 4 so far." has it before the refresh.
        shown, _ = _view_until(projector, "60% (3)")
        assert "Run the cells above it, then run this cell again 60% (3)" in shown
        assert "Retype the cell from scratch, character by character 20% (1)" in shown
        assert "Delete the cell and carry on with the next one 20% (1)" in shown
        assert "Restart the computer and open the notebook again 0% (0)" in shown

        _answer(hub, accounts.instructor, "run-above")  # from the instructor's other kernel
        shown, out = _view_until(projector, "6 answers")
        assert "Run the cells above it, then run this cell again 67% (4)" in shown
        assert "Live: checked every 1 seconds" in text_of(out["status"])

        stopped = projector.json(
            """
            import threading
            view.close()
            names = [t.name for t in threading.enumerate()]
            print(json.dumps({"running": view.refresher.running,
                              "threads": names.count("diplomatic-cover-pulse-view")}))
            """
        )
        assert stopped == {"running": False, "threads": 0}
