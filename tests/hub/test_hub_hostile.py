"""Mischievous input gets a clear 4xx and loses nothing already handed in."""

from __future__ import annotations

import hashlib
import http.client
import json
import urllib.parse

import pytest

from diplomatic_cover.hub.client import CourseService, ServiceError
from tests.hub.handins import submission_zip, zip_with

LIMIT = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def victim(hub, accounts):
    """A student with a good hand-in on record, checked again after every attack."""
    name = accounts.student(5)
    data = submission_zip(name, note="the real work")
    reply = hub.service("POST", "api/me/submissions", hub.token_for(name), data)
    assert reply.status == 201
    return name, reply.json()


@pytest.fixture(autouse=True)
def nothing_lost(hub, accounts, victim):
    yield
    name, receipt = victim
    teacher = hub.token_for(accounts.instructor)
    stored = hub.service("GET", f"api/students/{name}/submissions/{receipt['id']}", teacher)
    assert hashlib.sha256(stored.body).hexdigest() == receipt["sha256"]


def _error(reply, status):
    assert reply.status == status, reply.body
    message = reply.json()["error"]
    assert message and "Traceback" not in message
    return message


def test_an_oversized_hand_in_is_refused_with_413(hub, victim):
    name, _ = victim
    reply = hub.service("POST", "api/me/submissions", hub.token_for(name), b"PK" + b"\0" * LIMIT)
    assert "limit is 20,971,520 bytes" in _error(reply, 413)


def test_the_client_refuses_an_oversized_hand_in_before_sending_it(hub, victim):
    service = CourseService(url=hub.service_url, token=hub.token_for(victim[0]))
    with pytest.raises(ServiceError, match="takes at most 20,971,520") as refused:
        service.hand_in(b"PK" + b"\0" * LIMIT)
    assert refused.value.status == 413


def test_an_oversized_hand_in_sent_in_chunks_is_refused(hub, victim):
    name, _ = victim
    parts = urllib.parse.urlsplit(hub.service_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    chunk = b"\0" * (1024 * 1024)
    connection.request(
        "POST",
        parts.path + "api/me/submissions",
        body=(chunk for _ in range(21)),
        headers={"Authorization": f"token {hub.token_for(name)}", "Transfer-Encoding": "chunked"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    assert response.status == 413
    assert "limit is" in json.loads(response.read())["error"]
    connection.close()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"<html>not a zip</html>", "not a zip file"),
        (b"PK\x03\x04 truncated", "damaged"),
        (zip_with(["notes.txt"]), "no manifest.json"),
        (zip_with(["manifest.json", "../../etc/cron.d/x"]), "unsafe name"),
        (zip_with(["manifest.json", "/etc/passwd"]), "unsafe name"),
        (zip_with(["manifest.json", "C:\\\\Windows\\\\x"]), "unsafe name"),
    ],
)
def test_a_hand_in_that_is_not_a_kit_submission_is_refused(hub, victim, data, says):
    name, _ = victim
    before = hub.service("GET", "api/me/submissions", hub.token_for(name)).json()
    reply = hub.service("POST", "api/me/submissions", hub.token_for(name), data)
    assert says in _error(reply, 422)
    after = hub.service("GET", "api/me/submissions", hub.token_for(name)).json()
    assert after == before


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b'"just a string"', 400, 'Send {"answer"'),
        (b'{"answer": {"point": 4}, "user": "someone-else"}', 400, 'Send {"answer"'),
        (b'{"answer": {"point": 9}}', 422, "whole number 1..5"),
        (b'{"answer": {"point": true}}', 422, "whole number 1..5"),
        (b'{"answer": "I think we should restore them"}', 422, "takes {'point'"),
        (json.dumps({"answer": "x" * 5000}).encode(), 413, "limit is 4,096 bytes"),
        (b'{"answer": ' + b"[" * 2000 + b"]" * 2000 + b"}", 400, "nested too deeply"),
    ],
)
def test_bad_pulse_answers_get_clear_errors(hub, victim, body, status, says):
    name, _ = victim
    reply = hub.service("PUT", "api/me/pulse/02.restore-view", hub.token_for(name), body)
    assert says in _error(reply, status)
    own = hub.service("GET", "api/me/pulse/02.restore-view", hub.token_for(name)).json()
    assert own["shared"] is False


@pytest.mark.parametrize(
    "path",
    [
        "api/students/..%2F..%2Fetc/submissions",
        "api/students/%2E%2E/submissions/latest",
        "api/students/a%00b/feedback",
        "api/students/{victim}/submissions/..%2F..%2Fpasswd",
        "api/students/{victim}/submissions/20250101T000000.000000Z-..",
    ],
)
def test_path_tricks_in_names_are_refused(hub, accounts, victim, path):
    teacher = hub.token_for(accounts.instructor)
    reply = hub.service("GET", path.format(victim=victim[0]), teacher)
    assert reply.status in (400, 404), reply.body
    assert reply.headers.get("Content-Type", "").startswith("application/json")


def test_bad_question_ids_are_refused(hub, victim):
    token = hub.token_for(victim[0])
    assert "is not a question id" in _error(
        hub.service("GET", "api/pulse/..%2F..%2Fsubmissions", token), 400
    )
    assert "not a question the live pulse pools" in _error(
        hub.service("GET", "api/pulse/99.no-such-question", token), 404
    )


def test_feedback_that_is_not_a_page_and_scores_is_refused(hub, accounts, victim):
    teacher = hub.token_for(accounts.instructor)
    path = f"api/students/{victim[0]}/feedback"
    assert "Send {" in _error(hub.service("PUT", path, teacher, b'{"page": "x"}'), 400)
    bad = json.dumps({"page": 5, "scores": []}).encode()
    assert "'page' is the feedback page" in _error(hub.service("PUT", path, teacher, bad), 422)
    deep = b'{"page": "x", "scores": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert "nested too deeply" in _error(hub.service("PUT", path, teacher, deep), 400)
