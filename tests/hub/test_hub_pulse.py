"""The live pulse on a real hub: nothing below 5 answers, the room's distribution from 5.

Six accounts answer with their own tokens; each answer replaces the account's previous one
and can be withdrawn. Free text is never pooled.
"""

from __future__ import annotations

import json

SCALE = "06.consulates-view"
RANKING = "06.rank-options"


def _share(hub, user, question, answer):
    body = json.dumps({"answer": answer}).encode()
    return hub.service("PUT", f"api/me/pulse/{question}", hub.token_for(user), body)


def _read(hub, user, question):
    reply = hub.service("GET", f"api/pulse/{question}", hub.token_for(user))
    assert reply.status == 200, reply.body
    return reply.json()


def test_nothing_is_shown_at_four_answers_and_the_distribution_at_five_and_six(hub, accounts):
    points = [4, 4, 5, 2, 4, 3]
    everyone = accounts.everyone
    for user, point in zip(everyone[:4], points[:4], strict=True):
        assert _share(hub, user, SCALE, {"point": point, "confidence": 3}).status == 200
    hidden = _read(hub, everyone[0], SCALE)
    assert hidden["shown"] is False
    assert hidden["n"] == 4  # how many answered, and nothing about how
    assert "points" not in hidden and "mean" not in hidden and "confidence" not in hidden
    _share(hub, everyone[4], SCALE, {"point": points[4], "confidence": None})
    at_five = _read(hub, everyone[0], SCALE)
    assert at_five["shown"] is True and at_five["n"] == 5
    assert [p["count"] for p in at_five["points"]] == [0, 1, 0, 3, 1]
    assert [c["count"] for c in at_five["confidence"]] == [0, 0, 4, 0]
    _share(hub, everyone[5], SCALE, {"point": points[5]})
    at_six = _read(hub, everyone[0], SCALE)
    assert at_six["n"] == 6 and [p["count"] for p in at_six["points"]] == [0, 1, 1, 3, 1]


def test_a_changed_answer_replaces_the_old_one_and_opting_out_withdraws_it(hub, accounts):
    question = "05.worth-it"
    users = accounts.everyone[:5]
    for user in users:
        _share(hub, user, question, {"point": 2})
    _share(hub, users[0], question, {"point": 5})  # a change of mind, not a second vote
    shown = _read(hub, users[1], question)
    assert shown["n"] == 5 and [p["count"] for p in shown["points"]] == [0, 4, 0, 0, 1]
    own = hub.service("GET", f"api/me/pulse/{question}", hub.token_for(users[0])).json()
    assert own == {"question": question, "shared": True, "answer": {"point": 5, "confidence": None}}
    withdrawn = hub.service("DELETE", f"api/me/pulse/{question}", hub.token_for(users[0]))
    assert withdrawn.json()["shared"] is False
    assert _read(hub, users[1], question)["shown"] is False  # back to 4: nothing shown


def test_a_ranking_shows_first_choice_shares_and_a_borda_count(hub, accounts):
    orders = [
        ["restore-capped", "status-quo", "reduce-further", "restore-fully"],
        ["restore-capped", "restore-fully", "status-quo", "reduce-further"],
        ["status-quo", "restore-capped", "reduce-further", "restore-fully"],
        ["reduce-further", "status-quo", "restore-capped", "restore-fully"],
        ["restore-capped", "status-quo", "restore-fully", "reduce-further"],
    ]
    for user, order in zip(accounts.everyone, orders, strict=False):
        assert _share(hub, user, RANKING, order).status == 200
    result = _read(hub, accounts.instructor, RANKING)
    firsts = {row["id"]: row["share"] for row in result["first_choice"]}
    assert firsts == {
        "restore-fully": 0.0,
        "restore-capped": 0.6,
        "status-quo": 0.2,
        "reduce-further": 0.2,
    }
    borda = [(row["id"], row["points"]) for row in result["borda"]]
    assert borda == [
        ("restore-capped", 12),
        ("status-quo", 10),
        ("reduce-further", 5),
        ("restore-fully", 3),
    ]


def test_free_text_and_non_pooled_questions_are_refused(hub, accounts):
    token = hub.token_for(accounts.student(1))
    body = json.dumps({"answer": "my name is in here"}).encode()
    # Free text (an opinion and a graded one) and a graded closed-form question.
    for question in ("00.tour-short", "00.tour-text", "01.trace-first-step"):
        reply = hub.service("PUT", f"api/me/pulse/{question}", token, body)
        assert reply.status == 404
        assert "not a question the live pulse pools" in reply.json()["error"]
    listed = hub.service("GET", "api/pulse", token).json()["questions"]
    assert {q["type"] for q in listed} <= {"single", "multiple", "scale", "ranking", "number"}
