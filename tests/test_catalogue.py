"""The catalogue is the one list of the kit's questions; the answer key stays separate."""

import pytest

from diplomatic_cover.answers.catalogue import (
    QUESTION_TYPES,
    CatalogueError,
    format_answer,
    is_answered,
    load_answer_key,
    load_catalogue,
    parse_catalogue,
    render_markdown,
)


def test_every_question_type_is_in_the_tour_of_notebook_00():
    tour = load_catalogue().for_notebook("00_start_here")
    assert {q.type for q in tour} == set(QUESTION_TYPES)


def test_the_answer_key_only_names_questions_that_exist():
    catalogue = load_catalogue()
    key = load_answer_key()
    assert key is not None
    assert set(key) <= set(catalogue)


def test_correct_answers_in_the_key_use_ids_the_question_offers():
    catalogue, key = load_catalogue(), load_answer_key()
    for qid, entry in key.items():
        q = catalogue[qid]
        if entry.correct is None:
            continue
        if q.type == "single":
            assert entry.correct in {o.id for o in q.options}, qid
        if q.type in ("multiple", "ranking"):
            assert set(entry.correct) <= {o.id for o in q.options}, qid
        if q.type == "classify":
            assert set(entry.correct) == {s.id for s in q.statements}, qid
            assert set(entry.correct.values()) <= {lab.id for lab in q.labels}, qid


def test_a_missing_answer_key_means_no_key(tmp_path):
    assert load_answer_key(tmp_path / "answer_key") is None


def test_an_unknown_id_names_the_catalogue():
    with pytest.raises(KeyError, match="catalogue"):
        load_catalogue()["99.no-such-question"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[question]]\nid = "bad id"\nnotebook = "01_x"\ntype = "text"\nprompt = "p"', "ids look"),
        ('[[question]]\nid = "01.a"\nnotebook = "02_x"\ntype = "text"\nprompt = "p"', "notebook"),
        ('[[question]]\nid = "01.a"\nnotebook = "01_x"\ntype = "essay"\nprompt = "p"', "type"),
        (
            '[[question]]\nid = "01.a"\nnotebook = "01_x"\ntype = "single"\nprompt = "p"\n'
            'options = [{id = "a", label = "A"}]',
            "two options",
        ),
        (
            '[[question]]\nid = "01.a"\nnotebook = "01_x"\ntype = "number"\nprompt = "p"\n'
            "min = 5\nmax = 1",
            "min < max",
        ),
        ("[[question]\n", "not valid TOML"),
    ],
)
def test_authoring_mistakes_get_a_clear_message(toml, message):
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(toml)


def test_markdown_prompts_render_and_raw_html_is_escaped():
    html = render_markdown("A **bold** claim <script>alert(1)</script>")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html


def test_answers_read_as_plain_text_per_type():
    c = load_catalogue()
    assert format_answer(c["00.tour-single"], "run-above").startswith("Run the cells above")
    assert format_answer(c["00.tour-scale"], {"point": 4, "confidence": 3}) == (
        "Agree (4 of 5); confidence: Quite sure"
    )
    assert format_answer(c["00.tour-number"], {"raw": "sixty", "number": None}) == (
        "sixty (not a valid number)"
    )
    assert format_answer(c["00.tour-ranking"], ["post", "column", "wire", "ministry"]).startswith(
        "1. An anonymous"
    )
    assert format_answer(c["00.tour-text"], "   ") == "(not answered)"
    assert not is_answered(c["00.tour-scale"], {"point": None, "confidence": 2})


def test_option_labels_are_plain_text_without_markdown():
    # Labels are drawn as text (a radio button's label, a report's list), so `code` or
    # **bold** would show its backticks and stars, as `05.exit-1` once did.
    marked = [
        (q.id, choice.label)
        for q in load_catalogue().values()
        for choice in (*q.options, *q.statements, *q.labels)
        if any(mark in choice.label for mark in ("`", "**", "]("))
    ]
    assert marked == []
