"""A typed estimate is read as the student meant it, by the widget and the grader alike."""

import pytest

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue
from diplomatic_cover.answers.numbers import read_number, reread
from diplomatic_cover.answers.state import ANSWERED, answer_state, notebook_progress
from diplomatic_cover.grading.autograde import grade_widget
from diplomatic_cover.grading.config import AUTO, Item
from diplomatic_cover.grading.results import GRADED, INVALID
from diplomatic_cover.handin.report import answer_view


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("13,3", 13.3),  # a decimal comma
        ("2,5", 2.5),
        ("0,500", 0.5),  # a leading zero cannot start a thousands group
        ("1 500", 1500),  # a space between groups of three
        ("1\u202f500", 1500),  # a narrow no-break space, as some keyboards type it
        ("13.3 %", 13.3),  # the unit may follow
        ("13.3", 13.3),
        ("1,500,000", 1_500_000),  # several groups: thousands
        ("1,500.5", 1500.5),
        ("1.500,5", 1500.5),
        ("−2", -2),  # a typographic minus
        (" 7 ", 7),
    ],
)
def test_numbers_as_students_type_them(typed, number):
    assert read_number(typed, "%") == (pytest.approx(number), "")


def test_a_comma_before_three_digits_is_a_question_not_a_guess():
    assert read_number("1,500") == (
        None,
        "“1,500”: 1.5 or 1500? Type 1.5 with a point, or 1500 without the comma.",
    )


@pytest.mark.parametrize("typed", ["sixty", "1 5", "1,50,0", "1e5", "inf", "nan", "2,5,"])
def test_text_that_is_not_a_number_gets_a_message(typed):
    number, message = read_number(typed)
    assert number is None
    assert message.startswith(f"“{typed.strip()}” is not a number.")


QUESTION = load_catalogue()["04.more-officers"]  # 13.3 %, within 0.5
KEY = load_answer_key()["04.more-officers"]
ITEM = Item("guided", QUESTION.id, AUTO, 1)


def test_the_grader_reads_the_typed_text_again_so_an_old_misreading_is_corrected():
    # Saved by the old rule, which stripped every comma: "13,3" became 133 (out of range);
    # a "2,5" became a valid, wrong 25. The text as typed is the record, and is read again.
    old = {"value": {"raw": "13,3", "number": 133.0}, "raw": "13,3", "valid": False}
    result = grade_widget(ITEM, QUESTION, old, KEY)
    assert (result.status, result.points) == (GRADED, 1.0)
    assert reread(QUESTION, old)["value"] == {"raw": "13,3", "number": 13.3}


def test_the_grader_refuses_an_ambiguous_number_as_the_widget_does():
    entry = {"value": {"raw": "1,500", "number": 1500.0}, "raw": "1,500", "valid": True}
    result = grade_widget(ITEM, QUESTION, entry, KEY)
    assert (result.status, result.points) == (INVALID, 0.0)


# Saved by a kit before 0.2.0, whose rule stripped every comma: the typed text is the record.
OLD_2_5 = {"value": {"raw": "2,5", "number": 25.0}, "raw": "2,5", "valid": True, "saved_at": "x"}
OLD_13_3 = {"value": {"raw": "13,3", "number": 133.0}, "raw": "13,3", "valid": False}


def test_the_issues_own_2_5_saved_as_25_reads_as_2_5():
    assert reread(QUESTION, OLD_2_5)["value"] == {"raw": "2,5", "number": 2.5}
    assert reread(QUESTION, OLD_2_5)["valid"] is True


@pytest.mark.parametrize(("old", "shown"), [(OLD_2_5, "2.5 %"), (OLD_13_3, "13.3 %")])
def test_the_report_and_the_progress_page_read_the_typed_text_again(old, shown):
    assert answer_state(QUESTION, old) == ANSWERED
    view = answer_view(QUESTION, old)
    assert (view["shown"], view["valid"], view["invalid"]) == (shown, True, False)
    (notebook,) = [
        n
        for n in notebook_progress(
            {"04_counterintelligence_capacity": {"answers": {QUESTION.id: old}}}, load_catalogue()
        )
        if n.notebook == "04_counterintelligence_capacity"
    ]
    (row,) = [r for r in notebook.questions if r.question.id == QUESTION.id]
    assert (row.state, row.preview) == (ANSWERED, shown)
