"""The pulse's rules without a hub: what an answer may be, and what the room sees."""

from __future__ import annotations

import re

import pytest

from diplomatic_cover.hub.pulse import (
    PulseError,
    PulseQuestion,
    aggregate,
    clean_answer,
    load_kit_questions,
    pooled_form,
)

OPTIONS = (("a", "Option A"), ("b", "Option B"), ("c", "Option C"))
SINGLE = PulseQuestion(id="09.single", type="single", options=OPTIONS)
MULTIPLE = PulseQuestion(id="09.multiple", type="multiple", options=OPTIONS)
RANKING = PulseQuestion(id="09.ranking", type="ranking", options=OPTIONS)
SCALE = PulseQuestion(id="09.scale", type="scale", confidence=True)
NUMBER = PulseQuestion(id="09.number", type="number", unit="people", minimum=0, maximum=100)


@pytest.mark.parametrize(
    ("question", "answer", "kept"),
    [
        (SINGLE, "b", "b"),
        (MULTIPLE, ["c", "a"], ["a", "c"]),  # kept in the catalogue's order
        (RANKING, ["c", "a", "b"], ["c", "a", "b"]),
        (SCALE, {"point": 4, "confidence": 2}, {"point": 4, "confidence": 2}),
        (SCALE, {"point": 1}, {"point": 1, "confidence": None}),
        (NUMBER, 60, 60.0),
        (NUMBER, {"raw": "sixty (my guess)", "number": 60}, 60.0),  # the text is never kept
    ],
)
def test_closed_form_answers_are_kept_in_one_shape(question, answer, kept):
    assert clean_answer(question, answer) == kept


@pytest.mark.parametrize(
    ("question", "answer", "says"),
    [
        (SINGLE, "z", "one option id"),
        (SINGLE, ["a"], "one option id"),
        (MULTIPLE, [], "one or more"),
        (MULTIPLE, ["a", "a"], "different option id"),
        (RANKING, ["a", "b"], "every option id exactly once"),
        (RANKING, ["a", "b", "b"], "every option id exactly once"),
        (SCALE, {"point": 6}, "1..5"),
        (SCALE, {"point": 3, "confidence": 5}, "1..4"),
        (SCALE, {"point": 3, "comment": "hi"}, "takes {'point'"),
        (NUMBER, float("nan"), "ordinary number"),
        (NUMBER, 101, "from 0 to 100"),
        (NUMBER, True, "takes a number"),
        (NUMBER, "60", "takes a number"),
    ],
)
def test_answers_of_the_wrong_shape_are_refused_with_a_reason(question, answer, says):
    with pytest.raises(PulseError, match=says.replace("(", r"\(").replace(".", r"\.")):
        clean_answer(question, answer)


def test_a_question_without_confidence_refuses_one():
    plain = PulseQuestion(id="09.plain", type="scale")
    with pytest.raises(PulseError, match="asks for no confidence"):
        clean_answer(plain, {"point": 2, "confidence": 1})


def test_below_five_answers_only_the_number_of_answers_is_revealed():
    hidden = aggregate(SINGLE, ["a", "a", "b", "c"])
    assert hidden["shown"] is False
    assert set(hidden) == {"question", "min_group", "shown", "message", "n"}
    assert hidden["n"] == 4
    assert hidden["message"] == "Waiting for 5 answers: 4 so far."


def test_single_and_multiple_give_counts_and_shares_of_respondents():
    single = aggregate(SINGLE, ["a", "a", "b", "c", "a"])
    assert [(o["id"], o["count"], o["share"]) for o in single["options"]] == [
        ("a", 3, 0.6),
        ("b", 1, 0.2),
        ("c", 1, 0.2),
    ]
    multiple = aggregate(MULTIPLE, [["a", "b"], ["a"], ["a", "c"], ["b"], ["a", "b", "c"]])
    assert [(o["id"], o["count"], o["share"]) for o in multiple["options"]] == [
        ("a", 4, 0.8),
        ("b", 3, 0.6),
        ("c", 2, 0.4),
    ]


def test_a_ranking_gives_first_choices_a_borda_count_and_mean_ranks():
    orders = [["a", "b", "c"], ["a", "c", "b"], ["b", "a", "c"], ["c", "b", "a"], ["b", "a", "c"]]
    result = aggregate(RANKING, orders)
    assert [(o["id"], o["count"]) for o in result["first_choice"]] == [("a", 2), ("b", 2), ("c", 1)]
    # 2 points for first, 1 for second, 0 for last: a 2+2+1+0+1, b 1+0+2+1+2, c 0+1+0+2+0.
    assert [(r["id"], r["points"], r["mean_rank"]) for r in result["borda"]] == [
        ("a", 6, 1.8),
        ("b", 6, 1.8),
        ("c", 3, 2.4),
    ]


def test_a_scale_gives_counts_per_point_a_mean_and_confidence():
    answers = [
        {"point": p, "confidence": c} for p, c in [(1, 4), (2, None), (4, 4), (4, 1), (5, 2)]
    ]
    result = aggregate(SCALE, answers)
    assert [p["count"] for p in result["points"]] == [1, 1, 0, 2, 1]
    assert result["points"][3]["label"] == "Agree"
    assert result["mean"] == 3.2
    assert [c["count"] for c in result["confidence"]] == [1, 1, 0, 2]


def test_a_number_gives_a_median_quartiles_and_bins_never_the_values():
    result = aggregate(NUMBER, [10, 20, 35, 35, 99])
    assert result["median"] == 35
    assert result["quartiles"] == [20, 35]
    assert [b["count"] for b in result["bins"]] == [0, 1, 1, 2, 0, 0, 0, 0, 0, 1]
    assert "values" not in result


def test_the_kit_pools_exactly_the_questions_its_catalogue_marks_poolable():
    from diplomatic_cover.answers.catalogue import load_catalogue

    questions = load_kit_questions()
    marked = {q.id for q in load_catalogue().values() if q.poolable}
    assert set(questions) == marked
    assert "06.rank-options" in questions and "06.consulates-view" in questions
    assert "00.tour-single" in questions  # a practice question: closed form, never graded
    assert "00.tour-short" not in questions  # an opinion, but free text
    assert "01.trace-first-step" not in questions  # closed form, but graded
    assert {q.type for q in questions.values()} <= {
        "single",
        "multiple",
        "scale",
        "ranking",
        "number",
    }


@pytest.mark.parametrize(
    ("question", "saved", "sent"),
    [
        (
            SCALE,
            {"point": 4, "confidence": 2, "why": "Ana said so in class"},
            {"point": 4, "confidence": 2},
        ),
        (PulseQuestion(id="09.plain", type="scale"), {"point": 2, "why": "a reason"}, {"point": 2}),
        (SCALE, {"why": "only a reason, no point yet"}, None),
        (NUMBER, {"raw": "about 60, says Ana", "number": 60}, 60),
        (NUMBER, {"raw": "lots", "number": None}, None),
        (RANKING, ["c", "a", "b"], ["c", "a", "b"]),
        (MULTIPLE, [], None),
        (SINGLE, "b", "b"),
        (SINGLE, None, None),
    ],
)
def test_a_kernel_sends_only_the_closed_form_never_a_reason_or_typed_text(question, saved, sent):
    assert pooled_form(question, saved) == sent
    if sent is not None:
        clean_answer(question, sent)  # and the service takes what is sent


def test_a_scale_answer_carrying_its_reason_is_refused_by_the_service():
    with pytest.raises(PulseError, match=re.escape("takes {'point'")):
        clean_answer(SCALE, {"point": 4, "why": "my reason"})
