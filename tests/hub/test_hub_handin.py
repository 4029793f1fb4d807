"""Hand in through the course service on a real hub; only instructors see hand-ins.

Each student uses their own hub token, made through the hub's REST API as a script or the
kit's CLI would. Identity is the hub user behind the token, whatever the zip claims.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

from tests.hub.handins import submission_zip


def _hand_in(hub, user, data):
    return hub.service(
        "POST",
        "api/me/submissions?filename=submission.zip",
        hub.token_for(user),
        data,
        {"Content-Type": "application/zip"},
    )


def test_a_student_hands_in_and_gets_a_receipt_with_the_services_own_time(hub, accounts):
    student = accounts.student(1)
    before = datetime.now(UTC)
    handed_in = submission_zip(student)  # built once: a zip records its members' times
    reply = _hand_in(hub, student, handed_in)
    assert reply.status == 201, reply.body
    receipt = reply.json()
    assert receipt["user"] == student
    received = datetime.fromisoformat(receipt["received_at"])
    assert before <= received <= datetime.now(UTC)
    assert receipt["sha256"] == hashlib.sha256(handed_in).hexdigest()
    mine = hub.service("GET", "api/me/submissions", hub.token_for(student)).json()
    assert receipt in mine["submissions"]


def test_every_hand_in_is_kept_and_the_latest_counts(hub, accounts):
    student = accounts.student(2)
    first = _hand_in(hub, student, submission_zip(student, note="first")).json()
    second = _hand_in(hub, student, submission_zip(student, note="second")).json()
    teacher = hub.token_for(accounts.instructor)
    listed = hub.service("GET", f"api/students/{student}/submissions", teacher).json()
    ids = [r["id"] for r in listed["submissions"]]
    assert ids[-2:] == [first["id"], second["id"]]
    latest = hub.service("GET", f"api/students/{student}/submissions/latest", teacher)
    assert latest.status == 200
    assert hashlib.sha256(latest.body).hexdigest() == second["sha256"]
    older = hub.service("GET", f"api/students/{student}/submissions/{first['id']}", teacher)
    assert hashlib.sha256(older.body).hexdigest() == first["sha256"]


def test_a_zip_claiming_to_be_a_classmate_is_stored_under_its_sender(hub, accounts):
    forger, victim = accounts.student(3), accounts.student(4)
    receipt = _hand_in(hub, forger, submission_zip(claimed_student=victim)).json()
    assert receipt["user"] == forger
    teacher = hub.token_for(accounts.instructor)
    victims = hub.service("GET", f"api/students/{victim}/submissions", teacher).json()
    assert receipt["id"] not in [r["id"] for r in victims["submissions"]]


def test_the_instructor_lists_everyone_and_downloads_a_hand_in(hub, accounts):
    student = accounts.student(5)
    data = submission_zip(student, note="for download")
    receipt = _hand_in(hub, student, data).json()
    teacher = hub.token_for(accounts.instructor)
    students = hub.service("GET", "api/students", teacher).json()["students"]
    row = next(s for s in students if s["user"] == student)
    assert row["latest"]["id"] == receipt["id"]
    download = hub.service("GET", f"api/students/{student}/submissions/latest", teacher)
    assert download.body == data
    assert json.loads(download.headers["X-Submission-Receipt"])["id"] == receipt["id"]
    with zipfile.ZipFile(io.BytesIO(download.body)) as archive:
        assert "manifest.json" in archive.namelist()


def test_a_student_cannot_list_or_fetch_anyone_elses_hand_in(hub, accounts):
    owner, other = accounts.student(1), accounts.student(2)
    _hand_in(hub, owner, submission_zip(owner))
    token = hub.token_for(other)
    for path in (
        "api/students",
        f"api/students/{owner}/submissions",
        f"api/students/{owner}/submissions/latest",
        f"api/students/{other}/submissions/latest",  # not even their own, by this route
    ):
        reply = hub.service("GET", path, token)
        assert reply.status == 403, path
        assert reply.json()["error"] == "Only the course's instructors can do that."


def test_feedback_goes_to_its_student_and_to_no_one_else(hub, accounts):
    student, classmate = accounts.student(1), accounts.student(3)
    teacher = hub.token_for(accounts.instructor)
    page = "<html><body><h1>Feedback</h1><p>Well argued.</p></body></html>"
    body = json.dumps({"page": page, "scores": {"total": 8, "out_of": 10}}).encode()
    put = hub.service("PUT", f"api/students/{student}/feedback", teacher, body)
    assert put.status == 201, put.body
    own = hub.service("GET", "api/me/feedback", hub.token_for(student)).json()
    assert own["page"] == page and own["scores"] == {"total": 8, "out_of": 10}
    assert hub.service("GET", "api/me/feedback", hub.token_for(classmate)).status == 404
    stolen = hub.service("GET", f"api/students/{student}/feedback", hub.token_for(classmate))
    assert stolen.status == 403
    forged = hub.service(
        "PUT", f"api/students/{classmate}/feedback", hub.token_for(classmate), body
    )
    assert forged.status == 403


def test_requests_without_a_valid_hub_token_are_refused(hub):
    assert hub.service("GET", "api/me", "").status == 401
    reply = hub.service("GET", "api/me", "not-a-real-token")
    assert reply.status == 401
    assert "Sign in to the hub" in reply.json()["error"]
    assert hub.service("POST", "api/me/submissions", "", submission_zip("x")).status == 401


def test_a_token_without_access_to_the_service_is_refused(hub, accounts):
    student = accounts.student(1)
    reply = hub.hub_api(
        "POST", f"users/{student}/tokens", {"note": "narrow", "scopes": ["read:users:name!user"]}
    )
    assert reply.status == 201, reply.body
    narrow = reply.json()["token"]
    refused = hub.service("GET", "api/me", narrow)
    assert refused.status == 403
    assert "access:services!service=diplomatic-cover" in refused.json()["error"]


def test_a_teaching_assistant_with_the_configured_hub_role_teaches_too(hub, accounts):
    token = hub.token_for(accounts.assistant)
    me = hub.service("GET", "api/me", token).json()
    assert me["user"] == accounts.assistant and me["instructor"] is True
    assert hub.service("GET", "api/students", token).status == 200
    student = hub.service("GET", "api/me", hub.token_for(accounts.student(2))).json()
    assert student["instructor"] is False
