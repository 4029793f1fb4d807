"""The kernel side of a question: every change is validated and saved before anything else.

These tests drive the widget exactly as the browser does, by changing its synced `value`.
"""

import pytest

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue, option_order
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.widgets.question import QuestionWidget, ask, parse_number

STUDENT = Student(id="ada", name="Ada")


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "responses")


def _widget(qid, store, **kwargs):
    return QuestionWidget(load_catalogue()[qid], student=STUDENT, store=store, **kwargs)


def test_a_typed_answer_is_on_disk_when_the_change_returns(store):
    widget = _widget("00.tour-text", store)
    widget.value = "Immunity rules out arrest, so expulsion is the tool left."
    saved = store.get_answer(STUDENT, "00_start_here", "00.tour-text")
    assert saved["value"] == widget.value
    assert widget.saved_at == saved["saved_at"]
    assert widget.state == "saved"


def test_rerunning_the_cell_shows_the_saved_answer(store):
    _widget("00.tour-multiple", store).value = ["answers", "notebook-text"]
    again = _widget("00.tour-multiple", store)  # a re-run after a restart: a new widget
    assert again.value == ["answers", "notebook-text"]
    assert again.saved_at


def test_an_out_of_range_estimate_is_kept_marked_invalid_with_a_message(store):
    widget = _widget("00.tour-number", store)
    widget.value = {"raw": "5000"}
    saved = store.get_answer(STUDENT, "00_start_here", "00.tour-number")
    assert saved["valid"] is False
    assert saved["raw"] == "5000"
    assert "outside the allowed range" in widget.message
    widget.value = {"raw": "60"}
    assert widget.message == ""
    assert store.get_answer(STUDENT, "00_start_here", "00.tour-number")["valid"] is True


def test_text_that_is_not_a_number_is_saved_as_typed():
    question = load_catalogue()["00.tour-number"]
    assert parse_number("sixty", question) == (
        None,
        "“sixty” is not a number. Type a number such as 120 or 13.5 (a decimal comma, 13,5, "
        "works too).",
    )
    assert parse_number("1,200,000", question)[0] is not None  # several groups: thousands
    assert parse_number("", question) == (None, "")


def test_a_decimal_comma_is_read_as_the_student_meant_and_the_typed_text_is_kept(store):
    widget = _widget("04.more-officers", store)
    widget.value = {"raw": "13,3"}
    saved = store.get_answer(STUDENT, "04_counterintelligence_capacity", "04.more-officers")
    assert saved["value"] == {"raw": "13,3", "number": 13.3}
    assert (saved["raw"], saved["valid"], widget.message) == ("13,3", True, "")


def test_an_ambiguous_comma_is_refused_with_a_question_and_still_saved(store):
    widget = _widget("00.tour-number", store)
    widget.value = {"raw": "1,500"}
    assert "1.5 or 1500?" in widget.message
    saved = store.get_answer(STUDENT, "00_start_here", "00.tour-number")
    assert (saved["raw"], saved["valid"], saved["value"]["number"]) == ("1,500", False, None)


def test_clearing_removes_the_answer(store):
    widget = _widget("00.tour-single", store)
    widget.value = "run-above"
    widget.value = None
    assert store.get_answer(STUDENT, "00_start_here", "00.tour-single") is None
    assert widget.state == "cleared"
    assert widget.saved_at == ""


def test_a_choice_the_question_does_not_offer_is_saved_but_flagged(store):
    widget = _widget("00.tour-single", store)
    widget.value = "not-an-option"
    assert store.get_answer(STUDENT, "00_start_here", "00.tour-single")["valid"] is False
    assert widget.message


def test_the_model_answer_control_needs_an_attempt_and_a_key(store, tmp_path):
    widget = _widget("00.tour-text", store)
    assert widget.can_compare is False
    widget.value = "My own attempt first."
    assert widget.can_compare is True
    widget._on_msg(widget, {"event": "reveal"}, [])
    assert "persona non grata" in widget.reveal["html"]


def test_without_the_answer_key_there_is_nothing_to_compare(store, tmp_path):
    widget = _widget("00.tour-text", store, answer_key_path=tmp_path / "absent")
    widget.value = "My own attempt first."
    assert widget.can_compare is False
    widget._on_msg(widget, {"event": "reveal"}, [])
    assert widget.reveal == {}


def test_a_reopened_notebook_shows_a_hint_instead_of_a_broken_widget(store):
    assert "run this cell" in repr(_widget("00.tour-scale", store))


def test_ask_looks_questions_up_by_id(store):
    assert ask("00.tour-ranking", student=STUDENT, store=store).spec["type"] == "ranking"


def test_in_the_class_copy_a_saved_answer_offers_no_model_answer_but_practice_explains(tmp_path):
    """The class copy ships no answer key, so the Compare control never appears there; a
    practice question's feedback is in the public catalogue, so it does."""
    import subprocess
    import sys

    from diplomatic_cover.instructor.release import release

    copy = release(out=tmp_path / "class-copy")
    code = (
        "import diplomatic_cover, pathlib, sys\n"
        "assert pathlib.Path(diplomatic_cover.__file__).is_relative_to(pathlib.Path(sys.argv[1]))\n"
        "from diplomatic_cover.question_widget import ask\n"
        "w = ask('00.tour-text')\n"
        "w.value = 'An attempt of my own.'\n"
        "w._on_msg(w, {'event': 'reveal'}, [])\n"
        "print(w.state, w.can_compare, w.reveal)\n"
        "p = ask('00.tour-single')\n"
        "p.value = 'run-above'\n"
        "print(p.reveal['html'].startswith('<p><strong>Right:'))\n"
    )
    env = {"PYTHONPATH": str(copy / "src"), "DIPLOMATIC_COVER_RESPONSES": str(tmp_path / "r")}
    run = subprocess.run(
        [sys.executable, "-c", code, str(copy)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["saved", "False", "{}", "True"]


def test_a_practice_choice_explains_each_pick_after_the_attempt_only(store):
    widget = _widget("00.tour-single", store)
    assert widget.reveal == {} and widget.can_compare is False
    widget.value = "retype"
    assert widget.reveal["html"].startswith("<p><strong>Not right: Retype the cell")
    assert "made by an earlier cell" in widget.reveal["html"]
    widget.value = "run-above"
    assert widget.reveal["html"].startswith("<p><strong>Right: Run the cells above")
    assert _widget("00.tour-single", store).reveal == widget.reveal  # a re-run shows it again
    widget.value = None
    assert widget.reveal == {}


def test_a_practice_multiple_choice_says_how_many_right_options_are_left(store):
    widget = _widget("00.tour-multiple", store)
    widget.value = ["answers", "variables"]
    html = widget.reveal["html"]
    assert "Right: Answers you typed" in html and "Not right: Variables" in html
    assert "One more option applies" in html
    widget.value = ["answers", "notebook-text"]
    assert "more option" not in widget.reveal["html"]


def test_a_practice_estimate_shows_the_answer_only_for_a_valid_attempt(store):
    widget = _widget("00.tour-number", store)
    widget.value = {"raw": "5000"}
    assert widget.reveal == {}
    widget.value = {"raw": "45"}
    assert "<strong>60</strong>" in widget.reveal["html"]


def test_a_view_asks_why_and_keeps_the_reason_with_the_answer(store):
    widget = _widget("00.tour-scale", store)
    assert widget.spec["why"] is True
    assert _widget("00.tour-text", store).spec.get("why") is None
    widget.value = {"point": 4, "why": "Channels matter most in a crisis."}
    saved = store.get_answer(STUDENT, "00_start_here", "00.tour-scale")
    assert saved["value"]["why"] == "Channels matter most in a crisis."
    widget.value = {"point": 4, "why": "x" * 500}
    assert store.get_answer(STUDENT, "00_start_here", "00.tour-scale")["valid"] is False
    assert "one line" in widget.message


CLASS = [Student(id=f"student-{n:02d}", name=f"Student {n}") for n in range(12)]


def _shown(qid, student, store):
    widget = QuestionWidget(load_catalogue()[qid], student=student, store=store)
    return [o["id"] for o in widget.spec.get("options", [])]


def test_every_question_without_natural_order_is_shuffled_per_student(store):
    catalogue = load_catalogue()
    # Only questions with options have an order to shuffle (the catalogue refuses
    # natural_order = false on any other type).
    assert all(q.natural_order for q in catalogue.values() if not q.options)
    for question in (q for q in catalogue.values() if q.options):
        written = [o.id for o in question.options]
        orders = {tuple(o.id for o in option_order(question, s.id)) for s in CLASS}
        assert all(sorted(order) == sorted(written) for order in orders), question.id
        if question.natural_order:
            assert orders == {tuple(written)}, question.id
        else:
            assert question.type in ("single", "multiple", "ranking"), question.id
            assert len(orders) > 1, question.id  # neighbours see different orders
        # ... and the widget draws the order the student is given.
        shown = _shown(question.id, CLASS[0], store)
        assert shown == [o.id for o in option_order(question, CLASS[0].id)], question.id


def test_no_student_starts_a_shuffled_ranking_in_the_order_as_written():
    """The class vote (06.rank-options) must not start with one option first for anyone:
    "Keep this order" is one click, and a default order biases a pooled vote. The hash
    deals the written order to about one student in 24; they get it turned by one."""
    catalogue = load_catalogue()
    rankings = [q for q in catalogue.values() if q.type == "ranking" and not q.natural_order]
    assert "06.rank-options" in {q.id for q in rankings}
    ids = [f"student-{n:04d}" for n in range(2000)]
    for question in rankings:
        written = tuple(o.id for o in question.options)
        starts = [tuple(o.id for o in option_order(question, sid)) for sid in ids]
        assert written not in starts, question.id
        first = {order[0] for order in starts}
        assert first == set(written), question.id  # every option still leads for someone


def test_a_graded_rankings_key_is_not_its_order_as_written():
    catalogue, key = load_catalogue(), load_answer_key()
    graded = [q for q in catalogue.values() if q.type == "ranking" and q.points]
    assert graded
    for question in graded:
        assert list(key[question.id].correct) != [o.id for o in question.options], question.id


def test_a_graded_ranking_counts_only_once_an_item_moves(store):
    """The shuffle deals a graded ranking its key's order now and then (about one student in
    24), and the key does not ship to avoid it: a graded ranking offers no "Keep this order",
    so its start order is never an answer for one click. A view keeps the button."""
    catalogue = load_catalogue()
    rankings = [q for q in catalogue.values() if q.type == "ranking"]
    graded = {q.id for q in rankings if q.points}
    assert {"00.tour-ranking", "01.evidence-rank"} <= graded
    for question in rankings:
        spec = _widget(question.id, store).spec
        assert spec["keep_order"] is (question.id not in graded), question.id


def test_a_students_order_survives_a_rerun_and_a_new_process(store):
    first = _shown("01.rewrite-changes", STUDENT, store)
    assert _shown("01.rewrite-changes", STUDENT, store) == first  # a re-run of the cell
    # Fixed by the student's id, not by the process: pinned, so a change to the rule that
    # would reorder every student's options in the middle of a course fails here.
    assert _shown("06.rank-options", STUDENT, store) == [
        "restore-capped", "status-quo", "reduce-further", "restore-fully",
    ]  # fmt: skip


def test_a_shuffled_answer_is_stored_and_read_back_by_option_id(store):
    widget = _widget("02.record-vs-mi5", store)
    widget.value = ["definitions", "gaps"]
    assert store.get_answer(STUDENT, "02_espionage_risk", "02.record-vs-mi5")["value"] == [
        "definitions",
        "gaps",
    ]
