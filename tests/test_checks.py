"""A student's check: hints, never the answer or a traceback, and the value kept in the store."""

import json
import math
import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

from diplomatic_cover.answers.checks import (
    NOT_ANSWERED,
    NOT_PASSED,
    PASSED,
    SAVED,
    check,
    digest,
    evaluate,
    figure_summary,
    from_json,
    normalise,
    to_json,
)
from diplomatic_cover.answers.identity import set_student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.instructor import reference as ref
from diplomatic_cover.instructor.hidden_checks import (
    SPECS,
    check_ids,
    exercise_of,
    grade_check,
    max_points,
    recorded_form,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after choosing the headless backend

WRONG = [
    (check_id, index)
    for check_id, spec in SPECS.items()
    for index, wrong in enumerate(spec.wrong)
    if wrong.public
]
PRIVATE = [
    (check_id, index)
    for check_id, spec in SPECS.items()
    for index, wrong in enumerate(spec.wrong)
    if not wrong.public
]
CONFIRMED = [c for c, spec in SPECS.items() if not spec.graded_only]
GRADED_ONLY = [c for c, spec in SPECS.items() if spec.graded_only]


@pytest.fixture
def student(tmp_path, monkeypatch):
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(tmp_path / "responses"))
    return set_student("Ana Silva")


def saved_check(student, check_id):
    exercise = SPECS[check_id].exercise
    return ResponseStore().load(student, exercise)["checks"].get(check_id)


# --- values as JSON ------------------------------------------------------------------------


def test_a_dataframe_round_trips_through_json():
    frame = pd.DataFrame({"decade": [1970, 1980], "people": pd.array([123, None], dtype="Int64")})
    recorded = to_json(frame)
    assert recorded == {
        "__type__": "DataFrame",
        "columns": ["decade", "people"],
        "index": [0, 1],
        "data": [[1970, 123], [1980, None]],
    }
    json.dumps(recorded, allow_nan=False)  # plain JSON, no NaN
    back = from_json(recorded)
    assert back["decade"].tolist() == [1970, 1980]


def test_a_series_keeps_its_labels_and_turns_missing_values_into_null():
    series = pd.Series([1.5, np.nan], index=pd.PeriodIndex(["2022-04", "2018-03"], freq="M"))
    recorded = to_json(series.rename("people"))
    assert recorded == {
        "__type__": "Series",
        "name": "people",
        "index": ["2022-04", "2018-03"],
        "values": [1.5, None],
    }
    assert from_json(recorded).tolist() == [1.5, None]


def test_scalars_dates_and_odd_keys_become_plain_json():
    assert to_json(np.int64(7)) == 7
    assert to_json(np.float64("nan")) is None
    assert to_json(pd.NA) is None
    assert to_json(pd.Timestamp("2018-03-26")) == "2018-03-26T00:00:00"
    assert to_json(...) is None
    assert to_json({1970: 3}) == {"__type__": "Mapping", "items": [[1970, 3]]}
    assert from_json(to_json({1970: 3})) == {1970: 3}
    assert to_json(object())["__type__"] == "Unsupported"


def test_a_figure_is_recorded_as_a_summary_a_check_can_read():
    fig, ax = plt.subplots()
    ax.scatter(pd.to_datetime(["1985-09-12", "2025-02-06"]), [3, 72])
    ax.axhline(8, linestyle="--")
    ax.set_title("Delays")
    ax.set_ylabel("Days to respond")
    summary = figure_summary(fig)
    plt.close(fig)
    (axes,) = summary["axes"]
    assert axes["kinds"] == ["scatter"]
    assert axes["n_points"] == 2
    assert axes["years"] == [1985, 2025]
    assert axes["horizontal_lines"] == [8.0]
    assert axes["title"] == "Delays"


# --- feedback ------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, ...])
def test_an_unanswered_question_says_not_answered_yet(student, blank):
    feedback = check("ex1.by-decade", blank)
    assert feedback.status == NOT_ANSWERED
    assert "not answered yet" in str(feedback).lower()
    assert saved_check(student, "ex1.by-decade")["passed"] is None


def test_a_function_that_still_returns_none_is_not_answered(student):
    def coverage_share(officers, agents, agents_per_target, other_work_pct, away_pct):
        return None

    assert check("ex3.coverage", coverage_share).status == NOT_ANSWERED


@pytest.mark.parametrize("check_id", CONFIRMED)
def test_the_reference_answer_passes_and_is_recorded(student, check_id):
    spec = SPECS[check_id]
    feedback = check(check_id, spec.expected())
    assert feedback.status == PASSED, feedback
    entry = saved_check(student, check_id)
    assert entry["passed"] is True
    assert entry["value"] is not None


@pytest.mark.parametrize("check_id", GRADED_ONLY)
def test_a_graded_only_check_saves_the_right_answer_without_saying_it_is_right(student, check_id):
    spec = SPECS[check_id]
    feedback = check(check_id, spec.expected())
    assert feedback.status == SAVED, feedback
    assert "checked when your instructor grades" in feedback.message
    assert not feedback.passed
    entry = saved_check(student, check_id)
    assert entry["passed"] is None  # not marked: grading decides
    assert grade_check(check_id, entry["value"]).passed  # and grading says it is right


def test_a_graded_only_check_says_the_same_for_a_right_and_a_wrong_guess(student):
    right = ref.median_line()
    guess = ref.median_line()
    guess["axes"][0]["horizontal_lines"] = [9.0]
    first, second = check("ex2.median-line", right), check("ex2.median-line", guess)
    assert first.status == second.status == SAVED
    assert first.message == second.message
    assert grade_check("ex2.median-line", guess).points == 0


@pytest.mark.parametrize(("check_id", "index"), WRONG, ids=[f"{c}-{i}" for c, i in WRONG])
def test_each_known_wrong_answer_gets_its_own_hint(student, check_id, index):
    wrong = SPECS[check_id].wrong[index]
    feedback = check(check_id, wrong.value())
    assert feedback.status == NOT_PASSED
    assert wrong.hint in feedback.message
    assert saved_check(student, check_id)["passed"] is False


@pytest.mark.parametrize(("check_id", "index"), PRIVATE, ids=[f"{c}-{i}" for c, i in PRIVATE])
def test_a_wrong_answer_kept_out_of_the_class_copy_gets_its_hint_at_grading(
    student, check_id, index
):
    wrong = SPECS[check_id].wrong[index]
    feedback = check(check_id, wrong.value())
    assert feedback.status != PASSED and wrong.hint not in feedback.message
    graded = grade_check(check_id, recorded_form(SPECS[check_id], wrong.value()))
    assert graded.hint == wrong.hint and not graded.passed


def test_every_check_names_at_least_two_wrong_answers_with_distinct_hints():
    for check_id, spec in SPECS.items():
        hints = [w.hint for w in spec.wrong]
        assert len(hints) >= 2, check_id
        assert len(set(hints)) == len(hints), check_id


def test_hints_never_show_the_expected_numbers(student):
    totals = [str(v) for v in ref.people_by_decade().tolist() if v >= 100]  # 10 is in a hint
    assert len(totals) == 5
    for wrong in SPECS["ex1.by-decade"].wrong:
        message = check("ex1.by-decade", wrong.value()).message
        assert not any(total in message for total in totals), message


def test_the_examples_in_the_hints_read_as_a_tutor_would_say_them(student):
    forgot = ref.people_by_decade(("expulsion",))
    assert "Did you count counter-expulsions too?" in check("ex1.by-decade", forgot).message


def test_right_labels_with_wrong_values_are_told_so_only_after_grading(student):
    almost = ref.people_by_decade() + 1
    message = check("ex1.by-decade", almost).message  # the decades are part of the answer
    assert message == f"Not yet. {SPECS['ex1.by-decade'].hint}"
    graded = grade_check("ex1.by-decade", recorded("ex1.by-decade", almost))
    assert "decades are right" in graded.hint  # the feedback page, after grading, may say it


def test_a_series_with_too_many_entries_says_how_many_are_wanted(student):
    everything = ref.largest_months(n=10)
    assert "asks for 3" in check("ex1.largest-waves", everything).message


def test_a_plot_without_a_title_is_told_to_add_one(student):
    fig, ax = plt.subplots()
    rows = ref._answers()
    ax.scatter(rows["measure_date"], rows["days_to_respond"])
    ax.set_xlabel("Date")
    ax.set_ylabel("Days")
    feedback = check("ex2.scatter", fig)
    plt.close(fig)
    assert feedback.status == NOT_PASSED
    assert "title" in feedback.message


def test_a_function_that_raises_is_named_with_its_inputs_not_a_traceback(student):
    def coverage_share(officers, agents, agents_per_target, other_work_pct, away_pct):
        return agents // 0

    feedback = check("ex3.coverage", coverage_share)
    assert feedback.status == NOT_PASSED
    assert "coverage_share(100, 1000, 20, 60, 15) stopped with ZeroDivisionError" in (
        feedback.message
    )
    assert "Traceback" not in feedback.message


@pytest.mark.parametrize(
    "value",
    [
        "1970: 123",
        object(),
        pd.DataFrame({"a": [1], "b": [2], "c": [3]}),
        pd.Series(["many", "few"]),
        42,
        lambda: 1,
    ],
    ids=["text", "object", "wide-frame", "text-series", "number", "lambda"],
)
def test_values_of_the_wrong_shape_get_a_hint_and_never_raise(student, value):
    feedback = check("ex1.by-decade", value)
    assert feedback.status == NOT_PASSED
    assert feedback.message.startswith("Not yet.")


def test_an_unknown_check_id_is_explained():
    feedback = check("ex1.by-decaed", 1)
    assert "no check with this name" in feedback.message


def test_a_store_that_cannot_be_written_is_reported_not_raised(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(blocked))
    feedback = check("ex1.by-decade", ref.people_by_decade())
    assert feedback.passed
    assert "could not be saved" in feedback.saved


def test_feedback_shows_as_escaped_html():
    feedback = check("ex1.by-<b>", 1)
    assert "<b>" not in feedback._repr_html_()
    assert 'role="status"' in feedback._repr_html_()


# --- rounding -----------------------------------------------------------------------------


def test_a_number_one_rounding_step_away_still_matches():
    spec = {"kind": "number", "options": {"digits": 2}, "digest": digest("t", "0.13"), "hint": "h"}
    assert evaluate(spec, "t", 0.125000001)[0] == PASSED
    assert evaluate(spec, "t", 0.13)[0] == PASSED
    assert evaluate(spec, "t", 0.15)[0] == NOT_PASSED


def test_mapping_labels_are_read_the_way_students_write_them():
    options = {"keys": "int", "digits": 0}
    as_text = to_json(pd.Series([5, 6], index=["1970s", "1980s"]))
    as_numbers = to_json(pd.Series([5.0, 6.0], index=[1970, 1980]))
    assert normalise("mapping", options, as_text) == normalise("mapping", options, as_numbers)
    months = to_json(pd.Series([1], index=pd.to_datetime(["2022-04-01"])))
    assert normalise("mapping", {"keys": "month"}, months) == [["2022-04", "1"]]
    assert math.isclose(float(normalise("number", {"digits": 1}, 8)), 8.0)


# --- the hidden checks (grading) ----------------------------------------------------------


def recorded(check_id, value):
    return recorded_form(SPECS[check_id], value)


def test_grading_an_unanswered_check_gives_no_points():
    result = grade_check("ex1.by-decade", None)
    assert (result.passed, result.points, result.max_points) == (None, 0.0, 2.0)


def test_grading_gives_full_points_to_the_reference_and_hints_for_known_mistakes():
    assert grade_check("ex1.ratios", recorded("ex1.ratios", ref.russia_ratios())).points == 3
    mean_of_ratios = recorded("ex1.ratios", ref.russia_ratios(mean_of_ratios=True))
    result = grade_check("ex1.ratios", mean_of_ratios)
    assert not result.passed
    assert 0 < result.points < 3  # the states answered in kind are still right
    assert result.hint == SPECS["ex1.ratios"].wrong[0].hint


def test_grading_gives_partial_credit_and_tells_the_instructor_what_differs():
    one_off = ref.people_by_decade().copy()
    one_off[1990] = 11
    result = grade_check("ex1.by-decade", recorded("ex1.by-decade", one_off))
    assert result.points == pytest.approx(2 * 5 / 6, abs=0.01)
    assert "1990 (expected 10, got 11)" in result.detail


def test_grading_allows_one_rounding_step():
    ratios = ref.russia_ratios().astype(float) + 0.004
    assert grade_check("ex1.ratios", recorded("ex1.ratios", ratios)).passed


def test_grading_a_plot_without_labels_keeps_the_points_for_the_data():
    summary = ref.scatter_summary()
    summary["axes"][0]["title"] = ""
    result = grade_check("ex2.scatter", summary)
    assert result.points == 3.0
    assert "title" in result.hint


@pytest.mark.parametrize(
    "value",
    ["garbage", [1, 2], {"__type__": "Figure"}, {"__type__": "Calls", "calls": "x"}, 3.5],
)
def test_grading_never_raises_on_a_malformed_value(value):
    for check_id in SPECS:
        result = grade_check(check_id, value)
        assert result.points == 0.0 and result.passed is False, check_id


def test_check_ids_name_their_exercise_and_points():
    assert check_ids()[0] == "ex1.by-decade"
    assert exercise_of("ex3.swings") == "ex3_capacity"
    assert max_points("ex2.median-line") == 1.0


def test_grading_is_fast_and_needs_no_notebook_libraries():
    script = (
        "import sys, time; t = time.perf_counter()\n"
        "from diplomatic_cover.instructor.hidden_checks import SPECS, grade_check, recorded_form\n"
        "for c, s in SPECS.items(): grade_check(c, recorded_form(s, s.expected()))\n"
        "assert 'nbformat' not in sys.modules and 'jsonschema' not in sys.modules\n"
        "print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 10
