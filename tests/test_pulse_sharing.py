"""Sharing a poolable answer with the class pulse, from the question widget, without a hub.

The answer is saved first and shared after, in the background; a pulse that cannot be
reached changes only a quiet status line. The real service is tested on a real hub in
tests/hub/test_student_pulse.py; here the service is a port nothing listens on (as when the
service is down), or, for the queue's order, a recorder standing in for its two calls.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from diplomatic_cover.answers.catalogue import load_catalogue
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.hub.client import CourseService, ServiceUnreachable
from diplomatic_cover.hub.sharing import (
    NOT_SHARED,
    SHARED,
    PulseSender,
    SharingChoices,
    sender_for,
)
from diplomatic_cover.widgets.question import QuestionWidget

STUDENT = Student(id="ada", name="Ada")
POOLED = "00.tour-scale"  # poolable, with confidence and a one-line reason


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "responses")


def closed_port_service() -> CourseService:
    """A course service that is down: nothing listens on its port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return CourseService(f"http://127.0.0.1:{port}/services/diplomatic-cover/", "token")


def widget(qid, store, service):
    return QuestionWidget(
        load_catalogue()[qid], student=STUDENT, store=store, pulse_service=service
    )


# -- The student's choice ------------------------------------------------------------------


def test_sharing_is_on_until_the_student_says_no_and_the_no_is_kept(tmp_path):
    choices = SharingChoices(tmp_path / "pulse-sharing.json")
    assert choices.is_shared("06.rank-options")
    choices.choose("06.rank-options", False)
    again = SharingChoices(tmp_path / "pulse-sharing.json")  # a new kernel reads the file
    assert not again.is_shared("06.rank-options")
    assert again.is_shared("06.consulates-view")
    assert (tmp_path / "pulse-sharing.json").stat().st_mode & 0o077 == 0  # private


def test_a_damaged_choices_file_shares_nothing_until_the_student_chooses_again(tmp_path):
    path = tmp_path / "pulse-sharing.json"
    path.write_text("{ not json")
    choices = SharingChoices(path)
    assert not choices.is_shared("06.rank-options")
    choices.choose("06.consulates-view", True)
    assert choices.is_shared("06.consulates-view")
    assert not choices.is_shared("06.rank-options")  # its opt-out may have been lost
    kept = list(tmp_path.glob("pulse-sharing.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{ not json"


# -- The question widget -------------------------------------------------------------------


def test_off_a_hub_a_poolable_question_has_no_sharing_control(store):
    question = widget(POOLED, store, None)
    assert question.pulse_offered is False
    question.value = {"point": 4}
    assert store.get_answer(STUDENT, "00_start_here", POOLED)["value"] == {"point": 4}


def test_a_question_the_pulse_does_not_pool_has_no_control_even_on_a_hub(store):
    assert widget("00.tour-text", store, closed_port_service()).pulse_offered is False


def test_with_the_service_down_the_answer_is_saved_and_the_status_says_so_quietly(store):
    service = closed_port_service()
    question = widget(POOLED, store, service)
    assert question.pulse_offered and question.pulse_sharing
    assert question.pulse_status == "Shared when you answer (without your name)."

    started = time.monotonic()
    question.value = {"point": 2, "confidence": 3}
    saving = time.monotonic() - started
    assert question.state == "saved"
    assert store.get_answer(STUDENT, "00_start_here", POOLED)["value"]["point"] == 2
    assert saving < 1.0  # the request is not made on the saving path

    assert sender_for(service).wait_until_sent(timeout=10)
    assert question.pulse_status.startswith(
        "Your answer is saved, but the class pulse did not get it: The course service at"
    )
    assert "could not be reached" in question.pulse_status


def test_opting_out_is_remembered_for_the_next_run_of_the_cell(store):
    service = closed_port_service()
    first = widget(POOLED, store, service)
    first.pulse_sharing = False
    assert sender_for(service).wait_until_sent(timeout=10)
    again = widget(POOLED, store, service)
    assert again.pulse_offered and not again.pulse_sharing
    assert again.pulse_status == NOT_SHARED
    choices = json.loads((store.folder.parent / "pulse-sharing.json").read_text())
    assert choices["questions"] == {POOLED: False}


# -- The background queue ------------------------------------------------------------------


class Recorder:
    """Stands in for the service's two pulse calls, slowly, recording what reached it."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, str, object]] = []
        self.release = threading.Event()
        self.busy = threading.Event()
        self.fail = fail

    def share_pulse(self, question_id, answer):
        self.busy.set()
        self.release.wait(5)
        if self.fail:
            raise ServiceUnreachable("The course service could not be reached.")
        self.calls.append(("share", question_id, answer))

    def withdraw_pulse(self, question_id):
        self.release.wait(5)
        self.calls.append(("withdraw", question_id, None))


def test_a_burst_of_changes_sends_the_first_and_the_newest_answer_only():
    service = Recorder()
    sender = PulseSender(service)
    outcomes = []
    sender.share("06.consulates-view", {"point": 1}, outcomes.append)
    assert service.busy.wait(5)  # the first is on its way when the others come
    for point in (2, 3, 4, 5):
        sender.share("06.consulates-view", {"point": point}, outcomes.append)
    service.release.set()
    assert sender.wait_until_sent(timeout=5)
    # 2, 3 and 4 were replaced by 5 while the first was in flight.
    assert service.calls == [
        ("share", "06.consulates-view", {"point": 1}),
        ("share", "06.consulates-view", {"point": 5}),
    ]
    assert [o.message for o in outcomes] == [SHARED, SHARED]


def test_an_answer_already_in_the_pool_is_not_sent_again_but_a_withdrawal_is():
    service = Recorder()
    service.release.set()
    sender = PulseSender(service)
    done = []
    for _ in range(3):
        sender.share("06.consulates-view", {"point": 4}, done.append)
        assert sender.wait_until_sent(timeout=5)
    sender.withdraw("06.consulates-view", done.append)
    assert sender.wait_until_sent(timeout=5)
    assert service.calls == [
        ("share", "06.consulates-view", {"point": 4}),
        ("withdraw", "06.consulates-view", None),
    ]
    assert [o.shared for o in done] == [True, True, True, False]


def test_after_a_failure_the_same_answer_is_sent_again():
    service = Recorder(fail=True)
    service.release.set()
    sender = PulseSender(service)
    done = []
    sender.share("06.consulates-view", {"point": 4}, done.append)
    assert sender.wait_until_sent(timeout=5)
    service.fail = False
    sender.share("06.consulates-view", {"point": 4}, done.append)
    assert sender.wait_until_sent(timeout=5)
    assert service.calls == [("share", "06.consulates-view", {"point": 4})]
    assert [(o.ok, o.shared) for o in done] == [(False, False), (True, True)]
