"""The catalogue is the one list of the kit's questions; the answer key stays separate."""

import json

import pytest

from diplomatic_cover.answers.catalogue import (
    CLOSED_FORMS,
    QUESTION_TYPES,
    CatalogueError,
    format_answer,
    is_answered,
    load_answer_key,
    load_catalogue,
    parse_catalogue,
    render_markdown,
)
from diplomatic_cover.instructor.timing import TimingError, load_figures


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


FLAGS = "natural_order = true\npractice = false\npoolable = false\n"


def _question(qtype="single", flags=FLAGS, **keys):
    """One catalogue question as TOML: a valid single choice unless told otherwise."""
    keys = {"points": "1", **keys}
    if qtype in ("single", "multiple", "ranking"):
        keys.setdefault("options", '[{id = "a", label = "A"}, {id = "b", label = "B"}]')
    lines = ['id = "01.a"', 'notebook = "01_x"', f'type = "{qtype}"', 'prompt = "p"']
    lines += [f"{k} = {v}" for k, v in keys.items()]
    return "[[question]]\n" + "\n".join(lines) + "\n" + flags


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (_question().replace('"01.a"', '"bad id"'), "ids look"),
        (_question().replace('"01_x"', '"02_x"'), "notebook"),
        (_question("essay"), "type"),
        (_question(options='[{id = "a", label = "A"}]'), "two options"),
        (_question("number", min="5", max="1"), "min < max"),
        ("[[question]\n", "not valid TOML"),
        (_question(flags="practice = false\npoolable = false\n"), "state natural_order"),
        (_question(flags="natural_order = true\npoolable = false\n"), "state practice"),
        (_question(flags="natural_order = true\npractice = false\npoolable = 1\n"), "poolable"),
        (_question("text", flags=FLAGS.replace("true", "false")), "shown as written"),
        (_question("text", flags=FLAGS.replace("poolable = false", "poolable = true"),
                   points="0"), "free text"),
        (_question(flags=FLAGS.replace("poolable = false", "poolable = true")), "never pooled"),
        (
            _question(options='[{id = "a", label = "A", correct = true}, {id = "b", label = "B"}]'),
            "never in the public catalogue",
        ),
        (_question(explain='"why"'), "never in the public catalogue"),
        (_question(flags=FLAGS.replace("practice = false", "practice = true")), "never graded"),
        (
            _question(
                flags=FLAGS.replace("practice = false", "practice = true"),
                points="0",
                options='[{id = "a", label = "A", correct = true, explain = "Yes"}, '
                '{id = "b", label = "B"}]',
            ),
            "every option of a practice single",
        ),
        (
            _question(
                flags=FLAGS.replace("practice = false", "practice = true"),
                points="0",
                options='[{id = "a", label = "A", correct = true, explain = "Yes"}, '
                '{id = "b", label = "B", correct = true, explain = "Also"}]',
            ),
            "one correct option",
        ),
        (
            _question(
                "number", flags=FLAGS.replace("practice = false", "practice = true"),
                points="0", min="0", max="9",
            ),
            "one explain for the whole question",
        ),
        (_question(minutes="0"), "minutes is a number of minutes above 0"),
        (_question(minutes='"a while"'), "minutes is a number of minutes above 0"),
        (_question(minutes="true"), "minutes is a number of minutes above 0"),
    ],
)  # fmt: skip
def test_authoring_mistakes_get_a_clear_message(toml, message):
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(toml)


def test_a_well_formed_question_of_each_kind_parses():
    assert parse_catalogue(_question())["01.a"].natural_order is True
    practice = _question(
        "multiple",
        flags="natural_order = false\npractice = true\npoolable = true\n",
        points="0",
        options='[{id = "a", label = "A", correct = true, explain = "Yes"}, '
        '{id = "b", label = "B", explain = "No"}]',
    )
    question = parse_catalogue(practice)["01.a"]
    assert (question.practice, question.poolable, question.natural_order) == (True, True, False)
    assert [o.correct for o in question.options] == [True, False]
    assert question.minutes is None
    assert parse_catalogue(_question("text", min_words="90", minutes="10"))["01.a"].minutes == 10


def test_a_question_states_its_own_minutes_only_to_raise_its_types_figure():
    """The timing model's one table (instructors/timing.toml) sets each type's minutes; a
    question that needs longer says so (a memo), and none may claim to be quicker."""
    figures = load_figures()
    raised = [q for q in load_catalogue().values() if q.minutes is not None]
    assert {q.id for q in raised} >= {"06.memo", "ex4.memo"}
    for question in raised:
        assert question.minutes > figures.question_minutes[question.type], question.id
        assert figures.question(question) == question.minutes


def test_a_long_written_answer_is_timed_at_the_text_figures_own_rate():
    """40 words in 4.5 minutes: a question asking for more states at least min_words / 9."""
    figures = load_figures()
    long_answers = [q for q in load_catalogue().values() if q.type == "text" and q.min_words > 40]
    assert len(long_answers) >= 5
    for question in long_answers:
        assert figures.question(question) >= question.min_words / 9, question.id


def test_the_timing_model_refuses_a_question_that_lowers_its_figure():
    quick = parse_catalogue(_question("text", minutes="2"))["01.a"]
    with pytest.raises(TimingError, match="may only raise"):
        load_figures().question(quick)


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
    assert format_answer(c["00.tour-scale"], {"point": 2, "why": " Spies\nfirst "}) == (
        "Disagree (2 of 5); why: Spies first"
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


def test_practice_questions_have_their_feedback_in_the_catalogue_not_the_key():
    catalogue, key = load_catalogue(), load_answer_key()
    practice = [q for q in catalogue.values() if q.practice]
    assert {q.type for q in practice} >= {"single", "multiple"}
    for question in practice:
        assert question.id not in key, question.id
        spec = json.dumps(question.to_spec(), ensure_ascii=False)
        texts = [t for t in (question.explain, *(o.explain for o in question.options)) if t]
        assert texts, question.id
        assert not [t for t in texts if t in spec], question.id  # shown after an attempt only


def test_every_guided_notebook_gives_feedback_in_class_through_a_practice_question():
    """The class copy has no answer key, so practice questions are the only widgets that say
    whether an answer was right: each guided notebook has at least one."""
    catalogue = load_catalogue()
    guided = [f"0{n}" for n in range(1, 7)]
    practice = {q.notebook[:2] for q in catalogue.values() if q.practice}
    assert [n for n in guided if n not in practice] == []


def test_the_room_can_pool_every_closed_form_view_and_no_graded_question():
    catalogue = load_catalogue()
    for question in catalogue.values():
        if question.opinion and question.type in CLOSED_FORMS:
            assert question.poolable, question.id
        if question.points:
            assert not question.poolable, question.id
    assert not any(q.poolable for q in catalogue.values() if q.type not in CLOSED_FORMS)


def _graded(kind):
    catalogue, key = load_catalogue(), load_answer_key()
    return [(q, key[q.id].correct) for q in catalogue.values() if q.type == kind and q.points]


def test_the_right_option_is_the_longest_in_at_most_a_third_of_graded_single_choices():
    """A test-wise student who picks the longest option must not beat chance by much."""
    singles = _graded("single")
    longest = [
        q.id
        for q, correct in singles
        if len(q.option_label(correct)) >= max(len(o.label) for o in q.options)
    ]
    assert len(singles) >= 20
    assert len(longest) * 3 <= len(singles), longest


def test_no_more_than_a_third_of_multiple_choice_keys_are_the_first_options_listed():
    """Shuffling hides positions in the widget; the catalogue should not rely on it."""
    multiples = _graded("multiple")
    first = [
        q.id
        for q, correct in multiples
        if {o.id for o in q.options[: len(correct)]} == set(correct)
    ]
    assert len(multiples) >= 8
    assert len(first) * 3 <= len(multiples), first
