"""`dc.feedback()` in a student's own kernel shows their feedback and nobody else's.

The instructor returns feedback to two students through the service (as `return-feedback`
does); each of them, and a third who has none yet, runs `dc.feedback()` in a notebook.
"""

from __future__ import annotations

import html
import json

import pytest

from tests.hub.student_kernel import StudentKernel

SHOW = """
import json
import diplomatic_cover as dc
print(json.dumps(dc.feedback().value))
"""


@pytest.fixture(scope="module")
def returned(hub, accounts):
    teacher = hub.token_for(accounts.instructor)
    pages = {}
    for number in (1, 3):
        student = accounts.student(number)
        page = f"<html><body><h1>Feedback for {student}</h1><p>marker-{number}</p></body></html>"
        body = json.dumps({"page": page, "scores": {"total": 10 + number, "out_of": 20}})
        reply = hub.service(
            "PUT",
            f"api/students/{student}/feedback",
            teacher,
            body.encode(),
            {"Content-Type": "application/json"},
        )
        assert reply.status == 201, reply.body
        pages[student] = page
    return pages


def shown_to(hub, user):
    hub.start_server(user)
    with StudentKernel(hub, user) as kernel:
        return kernel.json(SHOW)


def test_each_student_sees_their_own_feedback_only(hub, accounts, returned):
    first, third = accounts.student(1), accounts.student(3)
    mine = shown_to(hub, first)
    page = html.unescape(mine.split('srcdoc="', 1)[1].split('"', 1)[0])
    assert page == returned[first]
    assert "total</th>" in mine and ">11<" in mine
    assert "marker-3" not in mine and third not in mine


def test_an_account_with_nothing_returned_is_told_so(hub, accounts, returned):
    # The instructor's own account: no test returns feedback to it, whatever runs before.
    assert "No feedback has been returned to you yet" in shown_to(hub, accounts.instructor)
