"""The hidden checks: every auto-graded exercise check, its points, and how it is graded.

Students see only hints (`diplomatic_cover.checks`), compared against hashes. Grading runs
here, from the instructor's open kit: the expected values are recomputed from `data/` and the
capacity model (`reference`), compared with tolerance, and given partial credit where part of
an answer is right (a share of the decades, of the function's inputs, of a plot's features).
A malformed recorded value never raises: it scores 0 with a hint.

The same table of checks (`SPECS`) gives the build its public expectations file: each check's
kind, options, hint and known wrong answers, hashed (`expectations_document`). A hash only
hides an answer that is one of very many, counted with what the class copy itself shows: the
line of ex2 is one of a few thousand heights, the scatter's count and years one of 160,000
pairs, the medians by decade are half-days under 20 (found in 16 million tries, a minute),
the three largest months lie within the yearly totals notebook 05 prints (5 minutes), and
exercise 3's swings below notebook 04's (a quarter of an hour). Such checks are `graded_only`: the
class copy holds hints and the hashes of the mistakes that give nothing away (`public`), no
hash of the right answer, and the student's check says the answer is saved and checked at
grading. The labels of a mapping are never hashed on their own: decades, months and states
are part of the answer, and the "labels right, values wrong" hint (`keys_right_hint`) is
given on the feedback page after grading.

Fast on purpose: no nbformat or jsonschema; pandas is imported with the reference module,
and expected values are cached per process.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from diplomatic_cover.answers import checks
from diplomatic_cover.answers.checks import ShapeError, normalise
from diplomatic_cover.instructor import reference as ref

EXERCISES = {
    "ex1": "ex1_pandas_record",
    "ex2": "ex2_plot",
    "ex3": "ex3_capacity",
    "ex4": "ex4_argument_memo",
}


@dataclass(frozen=True)
class CheckResult:
    """The grade of one check for one student; `passed` None means not answered."""

    check_id: str
    passed: bool | None
    points: float
    max_points: float
    hint: str
    detail: str = ""


@dataclass(frozen=True)
class WrongAnswer:
    """A mistake students make, how to produce its value, and the hint it deserves.

    `public=False` keeps its hash out of the class copy (the grader still gives the hint):
    for a graded-only check whose wrong values, once hashed out of a small space, would give
    the right one away with what the guided notebooks print.
    """

    hint: str
    value: Callable[[], Any]
    public: bool = True


@dataclass(frozen=True)
class CheckSpec:
    """One auto-graded check: what it reads, what is right, and what to say when it is not."""

    check_id: str
    kind: str
    max_points: float
    expected: Callable[[], Any]
    hint: str
    wrong: tuple[WrongAnswer, ...]
    options: dict[str, Any] = field(default_factory=dict)
    inputs: list[list[Any]] | None = None
    keys_right_hint: str = ""
    #: No hash of the right answer in the class copy: its plausible answers are few enough to
    #: hash them all (the student's check saves the value; grading checks it).
    graded_only: bool = False

    @property
    def exercise(self) -> str:
        """The exercise (store notebook name) this check belongs to."""
        return exercise_of(self.check_id)

    @property
    def tolerance(self) -> float:
        """How far a number may be from the reference and still count.

        One step of the last decimal asked for (0.125 may be rounded to 0.12 or 0.13); whole
        numbers (counts of people, agents) must be exact.
        """
        digits = int(self.options.get("digits", 0))
        return 1.01 * 10**-digits if digits > 0 else 1e-9


SPECS: dict[str, CheckSpec] = {
    spec.check_id: spec
    for spec in (
        # --- ex1 --------------------------------------------------------------------------
        CheckSpec(
            "ex1.by-decade",
            "mapping",
            2,
            ref.people_by_decade,
            "Keep the rows whose action orders people out, label each row with its decade, "
            "then add up people_expelled per decade.",
            (
                WrongAnswer(
                    "Did you count counter-expulsions too? Both expulsions and "
                    "counter-expulsions order people out.",
                    lambda: ref.people_by_decade(("expulsion",)),
                ),
                WrongAnswer(
                    "You counted rows (measures); the question asks for people: sum the "
                    "people_expelled column instead of counting with .size() or .count().",
                    lambda: ref.people_by_decade(rows=True),
                ),
                WrongAnswer(
                    "Label each decade by its first year (1970, 1980, …): multiply the year "
                    "// 10 back by 10.",
                    lambda: ref.people_by_decade(short_labels=True),
                ),
                WrongAnswer(
                    "Did you count every kind of measure? Staff caps, closures and other "
                    "measures have no head count: keep expulsions and counter-expulsions.",
                    lambda: ref.people_by_decade(
                        ("expulsion", "counter_expulsion", "staff_cap", "mission_closure", "other"),
                        rows=True,
                    ),
                ),
            ),
            options={"keys": "int", "digits": 0},
            keys_right_hint="The decades are right but some totals are not: check which "
            "actions you kept and that you summed people_expelled.",
        ),
        CheckSpec(
            "ex1.largest-waves",
            "mapping",
            2,
            ref.largest_months,
            "Group the people-ordering rows by calendar month (year and month), sum "
            "people_expelled, and keep the three largest.",
            (
                WrongAnswer(
                    "Did you group by the month of the year only? March 2018 and March 2022 "
                    "then fall together: group by year and month, e.g. "
                    "df['date'].dt.to_period('M').",
                    lambda: ref.largest_months(month_of_year=True),
                ),
                WrongAnswer(
                    "Did you count counter-expulsions too? A wave includes the answers.",
                    lambda: ref.largest_months(actions=("expulsion",)),
                ),
                WrongAnswer(
                    "These are the months with the most measures (rows); the question asks "
                    "for the most people.",
                    lambda: ref.largest_months(rows=True),
                ),
            ),
            options={"keys": "month", "digits": 0},
            # Within the yearly totals notebook 05 prints (2018: 298, 2022: 863) the three
            # months are about 10^8 candidates: hashed in 5 minutes.
            graded_only=True,
            keys_right_hint="The months are right but some totals are not: keep both "
            "expulsions and counter-expulsions and sum people_expelled.",
        ),
        CheckSpec(
            "ex1.ratios",
            "mapping",
            3,
            ref.russia_ratios,
            "Keep Russia's (and the Soviet Union's) counter-expulsions whose two figures are "
            "both disclosed, group by the state answered, and divide the sum of the answers' "
            "people by the sum of the measures' people.",
            (
                WrongAnswer(
                    "Did you average each pair's ratio? Add up the people on each side first, "
                    "then divide the two totals.",
                    lambda: ref.russia_ratios(mean_of_ratios=True),
                ),
                WrongAnswer(
                    "Did you drop the pairs where either figure is undisclosed? pandas skips "
                    "a missing value in a sum, so the other side's figure is still counted.",
                    lambda: ref.russia_ratios(keep_undisclosed=True),
                ),
                WrongAnswer(
                    "Check the direction: people in Russia's answers ÷ people in the measures "
                    "it answered (above 1 means Russia sent home more than it lost).",
                    lambda: ref.russia_ratios(inverted=True),
                ),
                WrongAnswer(
                    "Keep only the answers Russia or the Soviet Union gave (the responder); "
                    "other states' answers to Russia are a different question.",
                    lambda: ref.russia_ratios(every_responder=True),
                ),
            ),
            options={"keys": "text", "digits": 2},
            keys_right_hint="The states are right but some ratios are not: divide total by "
            "total, and keep only pairs with both figures disclosed.",
        ),
        CheckSpec(
            "ex1.median-days",
            "mapping",
            2,
            ref.median_days_by_decade,
            "Keep the counter-expulsions whose two dates are known to the day, label each by "
            "the decade of the measure answered, and take the median of days_to_respond.",
            (
                WrongAnswer(
                    "Did you leave out the pairs whose dates are known only to the month? "
                    "Their day counts can be a month off (month_precision is True).",
                    lambda: ref.median_days_by_decade(keep_month_precision=True),
                    public=False,  # three of its five medians are the right ones
                ),
                WrongAnswer(
                    "That is the mean (the average). The question asks for the median, which "
                    "one very slow answer cannot drag up: use .median().",
                    lambda: ref.median_days_by_decade(mean=True),
                ),
                WrongAnswer(
                    "Did you keep only counter-expulsions? Staff caps, closures and other "
                    "answers follow a different clock.",
                    lambda: ref.median_days_by_decade(every_answer=True),
                    public=False,  # four of its five medians are the right ones
                ),
            ),
            options={"keys": "int", "digits": 1},
            # Medians of whole days are x.0 or x.5 and small: trying 0-10, then 0-20 days for
            # each decade finds them in 16 million hashes (a minute).
            graded_only=True,
            keys_right_hint="The decades are right but some medians are not: keep "
            "counter-expulsions with exact dates, and use the median.",
        ),
        # --- ex2 --------------------------------------------------------------------------
        CheckSpec(
            "ex2.scatter",
            "figure_points",
            4,
            ref.scatter_summary,
            "Plot one dot per counter-expulsion with both dates known to the day: the date of "
            "the measure across, days_to_respond up.",
            (
                WrongAnswer(
                    "Did you leave out the pairs whose dates are known only to the month "
                    "(month_precision)? Their delays can be a month off.",
                    lambda: ref.scatter_summary(keep_month_precision=True),
                    # Its count, less the six month-only counter-expulsions notebook 05 lists,
                    # is the right count: only the grader knows it.
                    public=False,
                ),
                WrongAnswer(
                    "Keep only counter-expulsions: staff caps, closures and other answers are "
                    "not answers in kind.",
                    lambda: ref.scatter_summary(every_answer=True),
                ),
                WrongAnswer(
                    "Keep only counter-expulsions, and leave out the pairs whose dates are "
                    "known only to the month.",
                    lambda: ref.scatter_summary(every_answer=True, keep_month_precision=True),
                ),
            ),
            options={"plot_kind": "scatter", "ylabel_contains": "day"},
            graded_only=True,  # a count of dots and two years: about 160,000 candidates
        ),
        CheckSpec(
            "ex2.median-line",
            "horizontal_lines",
            1,
            ref.median_line,
            "Draw one horizontal line at the median delay of the dots you plotted.",
            (
                WrongAnswer(
                    "That line is at the mean (the average), which the few very slow answers "
                    "pull up. Use the median.",
                    lambda: ref.median_line(mean=True),
                ),
                WrongAnswer(
                    "That is the mean of every counter-expulsion, month-only dates included: "
                    "use the median of the dots you plotted.",
                    lambda: ref.median_line(mean=True, keep_month_precision=True),
                ),
            ),
            options={"digits": 1},
            graded_only=True,  # one number of days to a tenth: a few thousand candidates
        ),
        # --- ex3 --------------------------------------------------------------------------
        CheckSpec(
            "ex3.coverage",
            "calls",
            1,
            lambda: ref.coverage_share,
            "Follow the five steps: agents at work (rounded down), free agents (rounded down), "
            "whole teams (rounded down), officers covered (at most all of them), then "
            "covered ÷ officers.",
            (
                WrongAnswer(
                    "That is notebook 04's model, which counts every agent as at work. This "
                    "exercise takes away_pct percent of the agents out first (leave, training, "
                    "sickness): start from the agents at work.",
                    lambda: ref.coverage_lesson_model,
                ),
                WrongAnswer(
                    "The two percentages compound; they do not add up. away_pct takes its share "
                    "of all the agents, then other_work_pct takes its share of the agents at "
                    "work: two steps, one after the other.",
                    lambda: ref.coverage_added,
                ),
                WrongAnswer(
                    "Round down at each step, as written: the agents at work are whole people "
                    "before other work takes its share. Rounding once at the end can count an "
                    "agent who is not there.",
                    lambda: ref.coverage_rounded_once,
                ),
                WrongAnswer(
                    "Did you cap the officers covered at the number of officers? With many "
                    "teams your share goes above 1.",
                    lambda: ref.coverage_uncapped,
                ),
                WrongAnswer(
                    "A part-team cannot watch anyone round the clock: round the number of "
                    "teams down with // (and the agents at work and the free agents too).",
                    lambda: ref.coverage_part_teams,
                ),
                WrongAnswer(
                    "other_work_pct is the share of effort taken by *other* priorities: the "
                    "agents left for this work are (100 − other_work_pct) percent of those at "
                    "work.",
                    lambda: ref.coverage_other_work_kept,
                ),
                WrongAnswer(
                    "Close, but floating point bites: 1 − 0.9 is not exactly 0.1 in Python, so "
                    "800 agents at 90% other work leave 79.99…, not 80. Compute with whole "
                    "percentages: at_work * (100 - other_work_pct) // 100.",
                    lambda: ref.coverage_float_share,
                ),
                WrongAnswer(
                    "Return a share from 0 to 1 (0.2), not a percentage (20).",
                    lambda: ref.coverage_percent,
                ),
            ),
            options={"digits": 3},
            inputs=ref.COVERAGE_INPUTS,
        ),
        CheckSpec(
            "ex3.agents-needed",
            "calls",
            1,
            lambda: ref.agents_needed,
            "Teams needed (officers × share, rounded up) × agents per target gives the free "
            "agents needed; then the agents who must be at work to leave that many free, then "
            "the agents in all to have that many at work, each rounded up.",
            (
                WrongAnswer(
                    "That is notebook 04's answer: the agents who must be *at work*. Some are "
                    "always away (away_pct percent): how many agents in all leave that many at "
                    "work?",
                    lambda: ref.needed_lesson_model,
                ),
                WrongAnswer(
                    "The two percentages compound; they do not add up: divide by "
                    "(100 − other_work_pct) for the agents at work, then by (100 − away_pct) "
                    "for the agents in all.",
                    lambda: ref.needed_added,
                ),
                WrongAnswer(
                    "Round up at each step, as written: first the agents who must be at work, "
                    "then the agents in all. Rounding once at the end can leave a team an agent "
                    "short.",
                    lambda: ref.needed_rounded_once,
                ),
                WrongAnswer(
                    "That is the number of *free* agents needed. How many must be at work to "
                    "leave that many free, and how many in all to have that many at work?",
                    lambda: ref.needed_free_only,
                ),
                WrongAnswer(
                    "Round up (math.ceil): a fraction of an agent cannot be hired, and rounding "
                    "down leaves a team short.",
                    lambda: ref.needed_rounded_down,
                ),
                WrongAnswer(
                    "Round the number of teams up first (math.ceil(officers * share)): half a "
                    "team cannot watch half an officer.",
                    lambda: ref.needed_part_teams,
                ),
                WrongAnswer(
                    "Close, but floating point bites: 1 − 0.9 is not exactly 0.1 in Python. "
                    "Divide with whole percentages: free × 100 / (100 − other_work_pct).",
                    lambda: ref.needed_float_share,
                ),
            ),
            options={"digits": 0},
            inputs=ref.NEEDED_INPUTS,
        ),
        CheckSpec(
            "ex3.swings",
            "mapping",
            2,
            ref.swings,
            "For each of the five inputs, compute the coverage share at the low and at the high "
            "end of its range (everything else at the baseline, 15% away included); the swing "
            "is the size of the difference.",
            (
                WrongAnswer(
                    "Those are notebook 04's swings: its model and baseline, with nobody away. "
                    "Use your coverage_share, the five inputs and the baseline above.",
                    ref.lesson_swings,
                ),
                WrongAnswer(
                    "A swing is a size: take the absolute value (abs) of high minus low, so "
                    "inputs that lower coverage are compared fairly.",
                    lambda: ref.swings(signed=True),
                    public=False,  # the right swings with signs: as easy to hash out
                ),
                WrongAnswer(
                    "Give the swings as shares from 0 to 1, not percentage points.",
                    lambda: ref.swings(percent=True),
                    public=False,  # the right swings times 100
                ),
            ),
            options={"keys": "text", "digits": 2},
            # Each swing lies between 0 and notebook 04's (its tornado prints them): found in
            # 88 million tries, a quarter of an hour.
            graded_only=True,
            keys_right_hint="The five inputs are there but some swings are not right: use the "
            "ranges in `ranges` and the baseline for every other input.",
        ),
        CheckSpec(
            "ex3.if-they-return",
            "mapping",
            4,
            ref.coverage_if_returned,
            "Keep the rows where the United States ordered people out of Russia's missions "
            "(expulsions and counter-expulsions) from 2016 on, add up people_expelled by year, "
            "take the running total (cumsum), then your coverage_share for that many officers "
            "with the baseline's other inputs.",
            (
                WrongAnswer(
                    "Is each year's figure the running total? People ordered out in 2016 are "
                    "still to be watched in 2018 if they all come back: use .cumsum().",
                    lambda: ref.coverage_if_returned(ref.returned_by_year(running=False)),
                ),
                WrongAnswer(
                    "Did you count counter-expulsions too? The United States also ordered "
                    "Russians out in answer to Russia's moves (2022, 2023).",
                    lambda: ref.coverage_if_returned(ref.returned_by_year(("expulsion",))),
                ),
                WrongAnswer(
                    "You counted rows (measures); the question asks for people: sum "
                    "people_expelled.",
                    lambda: ref.coverage_if_returned(ref.returned_by_year(rows=True)),
                ),
                WrongAnswer(
                    "Start in 2016, as the question asks: the 1994 and 2001 expulsions are "
                    "not part of the wave the talks of 2025 would undo.",
                    lambda: ref.coverage_if_returned(ref.returned_by_year(since=1971)),
                ),
                WrongAnswer(
                    "That is notebook 04's model, which counts every agent as at work: use "
                    "your coverage_share, with 15% away, for each year's total.",
                    ref.returned_lesson_model,
                ),
            ),
            options={"keys": "int", "digits": 3},
            keys_right_hint="The years are right but some shares are not: check which rows "
            "you kept, that you summed people_expelled and took the running total, and that "
            "your coverage_share passed question 1.",
        ),
    )
}


def check_ids() -> list[str]:
    """Every auto-graded check of every exercise, in exercise order."""
    return list(SPECS)


def exercise_of(check_id: str) -> str:
    """The exercise a check belongs to: "ex1.by-decade" -> "ex1_pandas_record"."""
    prefix = check_id.split(".", 1)[0]
    try:
        return EXERCISES[prefix]
    except KeyError:
        raise KeyError(
            f"{check_id!r} does not start with an exercise number (ex1 ... ex4)"
        ) from None


def max_points(check_id: str) -> float:
    """Points the check is worth (instructors/grading.toml uses the same numbers)."""
    return float(SPECS[check_id].max_points)


def recorded_form(spec: CheckSpec, value: Any) -> Any:
    """`value` as `checks.check` would record it (a function is called on the inputs)."""
    if spec.kind == "calls" and callable(value):
        return checks.call_on_inputs(value, spec.inputs or [])
    return None if value is None or value is Ellipsis else checks.to_json(value)


@cache
def _expected(check_id: str) -> Any:
    spec = SPECS[check_id]
    return normalise(spec.kind, spec.options, recorded_form(spec, spec.expected()))


@cache
def _wrong(check_id: str, *, public_only: bool = False) -> tuple[tuple[Any, str], ...]:
    spec = SPECS[check_id]
    return tuple(
        (normalise(spec.kind, spec.options, recorded_form(spec, w.value())), w.hint)
        for w in spec.wrong
        if w.public or not public_only
    )


def _close(a: Any, b: Any, tolerance: float) -> bool:
    try:
        return abs(float(a) - float(b)) <= tolerance
    except (TypeError, ValueError):
        return a == b


def _score(spec: CheckSpec, got: Any, want: Any) -> tuple[float, str]:
    """(share of the points earned, detail for the instructor)."""
    tol = spec.tolerance
    if spec.kind == "number":
        return (1.0, "") if _close(got, want, tol) else (0.0, f"expected {want}, got {got}")
    if spec.kind == "mapping":
        mine, theirs = dict(map(tuple, got)), dict(map(tuple, want))
        right = [k for k in theirs if k in mine and _close(mine[k], theirs[k], tol)]
        extra = [k for k in mine if k not in theirs]
        wrong = [k for k in theirs if k not in right]
        share = len(right) / (len(theirs) + len(extra)) if theirs else 0.0
        detail = f"{len(right)} of {len(theirs)} entries right"
        if wrong:
            detail += "; wrong or missing: " + ", ".join(
                f"{k} (expected {theirs[k]}, got {mine.get(k, 'nothing')})" for k in wrong
            )
        if extra:
            detail += "; extra: " + ", ".join(extra)
        return share, detail
    if spec.kind == "calls":
        right = sum(_close(g, w, tol) for g, w in zip(got, want, strict=False))
        details = [
            f"{args} → expected {w}, got {g}"
            for args, g, w in zip(spec.inputs or [], got, want, strict=False)
            if not _close(g, w, tol)
        ]
        return right / len(want), "; ".join(details)
    if spec.kind == "horizontal_lines":
        ok = len(got) == len(want) and all(
            _close(g, w, tol) for g, w in zip(got, want, strict=True)
        )
        return (1.0, "") if ok else (0.0, f"expected a line at {want}, got {got}")
    if spec.kind == "figure_points":
        parts = {
            "kind": 0.25 if got["kind"] == want["kind"] else 0.0,
            "points": 0.35 if got["n_points"] == want["n_points"] else 0.0,
            "years": 0.15 if got["years"] == want["years"] else 0.0,
        }
        missed = [
            f"{name}: expected {want[key]}, got {got[key]}"
            for name, key in (("kind", "kind"), ("points", "n_points"), ("years", "years"))
            if not parts[name]
        ]
        return sum(parts.values()), "; ".join(missed)
    raise ValueError(f"unknown check kind {spec.kind!r}")


def grade_check(check_id: str, recorded_value: object | None) -> CheckResult:
    """Grade one recorded value (the JSON the store holds); None means not answered.

    Never raises on a malformed value: it scores 0 with a hint. An unknown check id raises
    KeyError, which is a mistake in the grading set-up, not in the student's work.
    """
    spec = SPECS[check_id]
    top = float(spec.max_points)
    try:
        if checks.is_blank(recorded_value):
            return CheckResult(check_id, None, 0.0, top, "Not answered.")
        return _grade(spec, recorded_value)
    except Exception as error:  # a hand-edited or garbled store file must not stop grading
        return CheckResult(
            check_id, False, 0.0, top, "The recorded value could not be read.", repr(error)
        )


def _grade(spec: CheckSpec, recorded: Any) -> CheckResult:
    top = float(spec.max_points)
    label_share, label_hint = 0.0, ""
    if spec.kind == "figure_points":
        try:
            normalise(spec.kind, spec.options, recorded)
            label_share = 0.25
        except ShapeError as problem:
            label_hint = str(problem)
        options = {**spec.options, "strict": False}
    else:
        options = spec.options
    try:
        got = normalise(spec.kind, options, recorded)
    except ShapeError as problem:
        return CheckResult(spec.check_id, False, 0.0, top, str(problem))
    share, detail = _score(spec, got, _expected(spec.check_id))
    share += label_share
    points = round(top * share, 2)
    if math.isclose(points, top):
        return CheckResult(spec.check_id, True, top, top, "Correct.")
    hint = next((h for w, h in _wrong(spec.check_id) if w == got), label_hint or _hint(spec, got))
    return CheckResult(spec.check_id, False, points, top, hint, detail)


def _hint(spec: CheckSpec, got: Any) -> str:
    """The general hint, or the "labels right, values wrong" one when that is the case."""
    keys = [k for k, _ in got] if spec.kind == "mapping" else None
    if (
        keys is not None
        and spec.keys_right_hint
        and keys == [k for k, _ in _expected(spec.check_id)]
    ):
        return spec.keys_right_hint
    return spec.hint


def assert_passes(check_id: str, value: Any) -> CheckResult:
    """For hidden-check cells of the source notebooks: the solution must earn full points."""
    spec = SPECS[check_id]
    result = grade_check(check_id, recorded_form(spec, value))
    if not result.passed:
        raise AssertionError(
            f"{check_id}: {result.points:g} of {result.max_points:g} points. "
            f"{result.hint} {result.detail}".strip()
        )
    return result


# --- the public expectations file -------------------------------------------------------------

#: Kinds whose right answer is one of a few thousand to a few hundred thousand values whatever
#: the data: one rounded number, a line's height, a plot's count of points and its two years.
SMALL_SPACE_KINDS = frozenset({"number", "horizontal_lines", "figure_points"})


def expectations_document() -> dict[str, Any]:
    """The public expectations: for each check its kind, options, hints and hashed answers.

    A `graded_only` check has no `digest` (and `"graded_only": true`), and only its `public`
    wrong answers are hashed. Raises ValueError for an authoring mistake: fewer than two
    known wrong answers (or no public one), a wrong answer that reads the same as the right
    one or as another wrong answer, or a hash published for a kind of check whose answers are
    always few (`SMALL_SPACE_KINDS`).
    """
    document: dict[str, Any] = {
        "schema": checks.EXPECTATIONS_SCHEMA,
        "about": (
            "Generated by `diplomatic-cover build-exercises` from the instructors' reference "
            "answers; do not edit. Answers are salted SHA-256 hashes of rounded values; checks "
            "marked graded_only have no hash of their answer and are checked at grading."
        ),
        "checks": {},
    }
    for check_id, spec in SPECS.items():
        expected = _expected(check_id)
        wrong = _wrong(check_id)
        if len(wrong) < 2:
            raise ValueError(f"{check_id}: name at least two known wrong answers with hints")
        seen = [checks.canonical_json(expected)]
        for value, hint in wrong:
            text = checks.canonical_json(value)
            if text in seen:
                raise ValueError(f"{check_id}: the wrong answer for {hint!r} is not distinct")
            seen.append(text)
        wrong = _wrong(check_id, public_only=True)
        if spec.kind in SMALL_SPACE_KINDS and not spec.graded_only:
            raise ValueError(
                f"{check_id}: a {spec.kind} check has few possible answers; mark it graded_only"
            )
        entry: dict[str, Any] = {
            "exercise": spec.exercise,
            "kind": spec.kind,
            "options": spec.options,
            "points": spec.max_points,
            "hint": spec.hint,
            "wrong": [{"digest": checks.digest(check_id, v), "hint": h} for v, h in wrong],
        }
        if spec.graded_only:
            entry["graded_only"] = True
        else:
            entry["digest"] = checks.digest(check_id, expected)
        if not wrong:
            raise ValueError(f"{check_id}: publish at least one known wrong answer")
        if spec.kind == "mapping":
            entry["n_keys"] = len(expected)
        if spec.inputs is not None:
            entry["inputs"] = spec.inputs
        document["checks"][check_id] = entry
    return document
