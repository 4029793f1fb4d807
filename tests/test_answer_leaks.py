"""What the class copy gives away: the security review's shortcuts (6.2-6.4), tried again.

The review took the class copy's public expectations file, derived each check's salt, and
hashed every plausible answer until one matched: the median line in 81 tries, the scatter's
count and years in 162,420 (about a second). These tests repeat that attack against the
committed file (`release` copies it into the class copy unchanged): first against the hash the
file used to publish, to show the attack finds the answer, then against the file as it is,
where nothing confirms it. The student's own `check()` is tried as an oracle too.

The review also answered exercise 3 with the class copy's `capacity_model` functions. The
exercise now asks for a model with agents away, which notebook 04's lacks, so those
functions are a known wrong answer: a hint naming what is missing, and next to no points.
Wrapped in two lines they are the right model, so exercise 3's points are in its record
question, which the model cannot answer: the wrappers are handed in too.
"""

import hashlib
import json
import tomllib
from pathlib import Path

import pytest

from diplomatic_cover.answers.checks import (
    EXPECTATIONS_PATH,
    NOT_PASSED,
    SAVED,
    check,
    digest,
    evaluate,
    normalise,
    salt_for,
)
from diplomatic_cover.answers.identity import set_student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.instructor import reference as ref
from diplomatic_cover.instructor.hidden_checks import SPECS, _expected, grade_check, recorded_form
from diplomatic_cover.lessons import capacity_model as cm  # the class copy ships it (notebook 04)

GRADING_TOML = Path(__file__).resolve().parents[1] / "instructors" / "grading.toml"
PUBLISHED = json.loads(EXPECTATIONS_PATH.read_text(encoding="utf-8"))["checks"]


def published_digests(check_id):
    """Every hash the class copy holds for a check: its answer's (if any) and its mistakes'."""
    entry = PUBLISHED[check_id]
    return {entry.get("digest"), *(w["digest"] for w in entry["wrong"])} - {None}


def brute_force(check_id, candidates, targets):
    """(tries, candidate) for each candidate whose hash is among `targets`, as the review did.

    `candidates` yields (canonical JSON text, value); the text is built by hand, as an
    attacker would, and hashed with the check's public salt.
    """
    salt = salt_for(check_id)
    found = []
    for tries, (text, value) in enumerate(candidates, start=1):
        if hashlib.sha256((salt + text).encode()).hexdigest() in targets:
            found.append((tries, value))
    return found


def line_heights():
    """Every line from 0 to 1,000 days, to a tenth (the check's rounding)."""
    for tenths in range(10_001):
        height = f"{tenths / 10:.1f}"
        yield json.dumps([height]), [height]


def scatters():
    """Every count of dots up to 150, first and last year from 1971 to 2025."""
    for n in range(1, 151):
        for first in range(1971, 2026):
            for last in range(first, 2026):
                text = f'{{"kind":"scatter","n_points":{n},"years":[{first},{last}]}}'
                yield text, {"kind": "scatter", "n_points": n, "years": [first, last]}


@pytest.mark.parametrize(
    ("check_id", "candidates"),
    [("ex2.median-line", line_heights), ("ex2.scatter", scatters)],
)
def test_hashing_every_plausible_answer_no_longer_finds_it(check_id, candidates):
    right = _expected(check_id)
    # The attack works: against the hash the class copy used to publish, it finds the answer.
    old = {digest(check_id, right)}
    assert [value for _, value in brute_force(check_id, candidates(), old)] == [right]
    # Against the class copy as it is, the only hashes it matches are known mistakes.
    assert PUBLISHED[check_id]["graded_only"] is True
    found = [value for _, value in brute_force(check_id, candidates(), published_digests(check_id))]
    assert right not in found
    assert len(found) == len(PUBLISHED[check_id]["wrong"])  # each known mistake, once


def test_the_students_own_check_cannot_be_used_to_find_the_line():
    entry = PUBLISHED["ex2.median-line"]
    figure = ref.scatter_summary()
    said = {}
    for tenths in range(0, 1001):  # 0 to 100 days, every tenth
        figure["axes"][0]["horizontal_lines"] = [tenths / 10]
        status, message = evaluate(entry, "ex2.median-line", figure)
        said.setdefault((status, message), []).append(tenths / 10)
    statuses = {status for status, _ in said}
    assert statuses == {SAVED, NOT_PASSED}  # never "passed"
    (saved_heights,) = [heights for (status, _), heights in said.items() if status == SAVED]
    right = float(_expected("ex2.median-line")[0])
    assert right in saved_heights and len(saved_heights) > 990  # one among all the others
    mistakes = [h for (status, _), heights in said.items() if status == NOT_PASSED for h in heights]
    assert len(mistakes) == len(entry["wrong"]) and right not in mistakes


def test_the_grader_still_knows_every_mistake_the_class_copy_no_longer_names():
    private = [w for w in SPECS["ex2.scatter"].wrong if not w.public]
    assert private  # the count with month-only dates kept: less six, it is the right count
    hints = {w["hint"] for w in PUBLISHED["ex2.scatter"]["wrong"]}
    assert all(w.hint not in hints for w in private)


# --- exercise 3 answered with notebook 04's model (review 6.4) ---------------------------------


def lesson_coverage(officers, agents, agents_per_target, other_work_pct, away_pct):
    assumptions = cm.Assumptions(officers, agents, agents_per_target, other_work_pct)
    return cm.coverage(assumptions).share_covered


def lesson_agents_needed(officers, agents_per_target, other_work_pct, away_pct, share=1.0):
    assumptions = cm.Assumptions(
        officers=officers, agents_per_target=agents_per_target, other_work_pct=other_work_pct
    )
    return cm.agents_needed(assumptions, share)


def lesson_swings():
    table = cm.swings()
    return dict(zip(table["parameter"], table["swing"].round(2), strict=True))


@pytest.fixture
def student(tmp_path, monkeypatch):
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(tmp_path / "responses"))
    return set_student("Mallory Eve")


@pytest.mark.parametrize(
    ("check_id", "answer", "share_of_points"),
    [
        ("ex3.coverage", lesson_coverage, 1 / 10),  # one input has more teams than officers
        ("ex3.agents-needed", lesson_agents_needed, 0),
        ("ex3.swings", lesson_swings(), 0),
    ],
)
def test_notebook_04s_functions_are_a_known_wrong_answer_to_exercise_3(
    student, check_id, answer, share_of_points
):
    feedback = check(check_id, answer)
    assert feedback.status == NOT_PASSED
    assert "notebook 04" in feedback.message  # says what the exercise adds
    recorded = ResponseStore().load(student, "ex3_capacity")["checks"][check_id]["value"]
    graded = grade_check(check_id, recorded)
    assert graded.points == pytest.approx(share_of_points * graded.max_points, abs=0.01)
    assert "notebook 04" in graded.hint


# --- exercise 3 answered by wrapping notebook 04's model (the audit of issue 10) ------------
#
# The class copy must ship notebook 04's model, and anything callable can be wrapped: take the
# agents away first, then call cm.coverage; or call cm.agents_needed, then add the agents away.
# Those one-line wrappers are the right model, so their checks pass. What they must not earn is
# exercise 3: its points are in work the model does not do (the record, with pandas).


def wrapped_coverage(officers, agents, agents_per_target, other_work_pct, away_pct):
    at_work = agents * (100 - away_pct) // 100
    return lesson_coverage(officers, at_work, agents_per_target, other_work_pct, away_pct)


def wrapped_agents_needed(officers, agents_per_target, other_work_pct, away_pct, share=1.0):
    needed = lesson_agents_needed(officers, agents_per_target, other_work_pct, away_pct, share)
    return -(-needed * 100 // (100 - away_pct))


def wrapped_swings():
    """cm.swings on the agents at work: the baseline's agents less 15%, and each range of
    agents (and of agents away) turned into agents at work."""
    at_work = ref.BASELINE["agents"] * (100 - ref.AWAY_BASELINE) // 100
    baseline = cm.Assumptions(**{**vars(cm.BASELINE), "agents": at_work})
    low, high = cm.RANGES["agents"]
    ranges = {**cm.RANGES, "agents": (low * 85 // 100, high * 85 // 100)}
    table = cm.swings(baseline, ranges)
    swings = dict(zip(table["parameter"], table["swing"].round(2), strict=True))
    away_low, away_high = ref.AWAY_RANGE
    agents = ref.BASELINE["agents"]
    ends = [agents * (100 - away) // 100 for away in (away_high, away_low)]
    away = cm.swings(baseline, {"agents": tuple(ends)})
    return {**swings, "away_pct": round(float(away["swing"].iloc[0]), 2)}


def exercise_3_points():
    """Every point of exercise 3, as `diplomatic-cover grade` counts them."""
    table = tomllib.loads(GRADING_TOML.read_text(encoding="utf-8"))["assignment"]["ex3_capacity"]
    return sum(table["checks"].values()) + sum(table["questions"].values())


def test_wrapping_notebook_04s_model_earns_a_small_share_of_exercise_3(student):
    wrappers = {
        "ex3.coverage": wrapped_coverage,
        "ex3.agents-needed": wrapped_agents_needed,
        "ex3.swings": wrapped_swings(),
    }
    earned = 0.0
    for check_id, answer in wrappers.items():
        check(check_id, answer)
        recorded = ResponseStore().load(student, "ex3_capacity")["checks"][check_id]["value"]
        graded = grade_check(check_id, recorded)
        assert graded.passed, graded  # the wrappers are the right model: their checks pass
        earned += graded.points
    # Today's main gave them 8 of the exercise's 13 points: every check.
    assert earned / exercise_3_points() < 1 / 3
    functions_only = SPECS["ex3.coverage"].max_points + SPECS["ex3.agents-needed"].max_points
    assert functions_only / exercise_3_points() <= 2 / 13


def test_the_model_without_the_record_earns_nothing_on_exercise_3s_record_question(student):
    """The exercise's record question is the share watched, year by year, if the people the
    United States ordered out came back: a wrapper of the model, without the record, can only
    guess the years and the numbers of officers."""
    guesses = {
        "notebook 04's officers": {
            year: wrapped_coverage(**ref.BASELINE) for year in range(2016, 2026)
        },
        "more than 100, every year": {
            year: wrapped_coverage(**{**ref.BASELINE, "officers": 101})
            for year in (2016, 2018, 2021, 2022, 2023)
        },
    }
    for guess in guesses.values():
        check("ex3.if-they-return", guess)
        recorded = ResponseStore().load(student, "ex3_capacity")["checks"]["ex3.if-they-return"]
        assert grade_check("ex3.if-they-return", recorded["value"]).points == 0


# --- the other graded-only checks: their public mistakes give none of the answer away -------


@pytest.mark.parametrize(
    "check_id", [c for c, s in SPECS.items() if s.graded_only and s.kind == "mapping"]
)
def test_a_graded_only_mappings_public_mistakes_share_no_entry_with_its_answer(check_id):
    """A mistake's hash, hashed out of a space as small as the answer's, must not hand over
    part of the answer (the medians with month-only dates kept share three of five).

    One exception, out of reach: the means by decade share two values with the medians
    (3.0 and 2.0), but means are tenths of a day (4.9, 21.2), about 10^12 candidates under 25
    days against the medians' half-days, some 36 days of hashing at 300,000 a second.
    """
    right = {k: v for k, v in _expected(check_id)}
    published = published_digests(check_id)
    assert (
        PUBLISHED[check_id]["graded_only"] is True
        and digest(check_id, _expected(check_id)) not in published
    )
    for wrong in SPECS[check_id].wrong:
        value = normalise(
            SPECS[check_id].kind,
            SPECS[check_id].options,
            recorded_form(SPECS[check_id], wrong.value()),
        )
        shared = [k for k, v in value if right.get(k) == v]
        out_of_reach = wrong.hint.startswith("That is the mean")
        assert not (wrong.public and shared and not out_of_reach), (check_id, wrong.hint)
        assert (digest(check_id, value) in published) == wrong.public
