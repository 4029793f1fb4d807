"""Reference answers for the exercises, computed from `data/` and the capacity model.

Each exercise question has one function for the right answer and small variants for the
wrong answers students are known to give (counting rows instead of people, leaving out
counter-expulsions, averaging ratios, forgetting to round up...). The hidden checks grade
against these; the build hashes them into the public expectations file, each wrong answer
with its hint. They are written independently of the solutions in the source notebooks, so
a solution that passes its check agrees with a second computation.

Values are returned as a student would hand them in (Series, functions) or, for figures, as
the summary `checks.figure_summary` records.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import pandas as pd

from diplomatic_cover.data import load_expulsions
from diplomatic_cover.lessons import capacity_model as cm
from diplomatic_cover.lessons.record import PEOPLE_ACTIONS, response_pairs

RUSSIA = ("Russia", "Soviet Union")


@cache
def record() -> pd.DataFrame:
    """The expulsion record, loaded once per process."""
    return load_expulsions()


@cache
def pairs() -> pd.DataFrame:
    """Every answer joined to the measure it answers (see `record.response_pairs`)."""
    return response_pairs(record())


def _people(actions: tuple[str, ...] = PEOPLE_ACTIONS) -> pd.DataFrame:
    df = record()
    return df[df["action"].isin(actions)]


# --- ex1: pandas on the record ----------------------------------------------------------------


def people_by_decade(
    actions: tuple[str, ...] = PEOPLE_ACTIONS, *, rows: bool = False, short_labels: bool = False
) -> pd.Series:
    """People ordered out per decade (labelled 1970, 1980, ...), disclosed figures only.

    `rows=True` counts measures instead of people; `short_labels=True` labels decades 197,
    198, ... (the year divided by ten without multiplying back).
    """
    people = _people(actions)
    decade = people["date"].dt.year // 10 if short_labels else people["date"].dt.year // 10 * 10
    if rows:
        return people.groupby(decade).size()
    return people.groupby(decade)["people_expelled"].sum()


def largest_months(
    n: int = 3,
    actions: tuple[str, ...] = PEOPLE_ACTIONS,
    *,
    month_of_year: bool = False,
    rows: bool = False,
) -> pd.Series:
    """The `n` calendar months with the most people ordered out, largest first."""
    people = _people(actions)
    month = people["date"].dt.month if month_of_year else people["date"].dt.to_period("M")
    grouped = people.groupby(month)
    totals = grouped.size() if rows else grouped["people_expelled"].sum()
    return totals.sort_values(ascending=False, kind="stable").head(n)


def _counter() -> pd.DataFrame:
    p = pairs()
    return p[p["response_action"] == "counter_expulsion"]


def russia_ratios(
    *,
    keep_undisclosed: bool = False,
    mean_of_ratios: bool = False,
    inverted: bool = False,
    every_responder: bool = False,
) -> pd.Series:
    """For each state Russia (or the USSR) answered: people in its answers ÷ people in the
    measures it answered, over the pairs where both figures are disclosed; 2 decimals."""
    c = _counter()
    if not every_responder:
        c = c[c["responder"].isin(RUSSIA)]
    if not keep_undisclosed:
        c = c[c["response_people"].notna() & c["measure_people"].notna()]
    grouped = c.groupby("measure_by")
    if mean_of_ratios:
        ratio = grouped["ratio"].mean()
    elif inverted:
        ratio = grouped["measure_people"].sum() / grouped["response_people"].sum()
    else:
        ratio = grouped["response_people"].sum() / grouped["measure_people"].sum()
    return ratio.astype("Float64").round(2).sort_values(kind="stable")


def median_days_by_decade(
    *, keep_month_precision: bool = False, every_answer: bool = False, mean: bool = False
) -> pd.Series:
    """Median days from a measure to the counter-expulsion answering it, by the decade of the
    measure, leaving out pairs whose dates are known only to the month."""
    rows = pairs() if every_answer else _counter()
    if not keep_month_precision:
        rows = rows[~rows["month_precision"]]
    decade = rows["measure_date"].dt.year // 10 * 10
    grouped = rows.groupby(decade)["days_to_respond"]
    return grouped.mean() if mean else grouped.median()


# --- ex2: the plot ----------------------------------------------------------------------------


def _answers(*, keep_month_precision: bool = False, every_answer: bool = False) -> pd.DataFrame:
    rows = pairs() if every_answer else _counter()
    return rows if keep_month_precision else rows[~rows["month_precision"]]


def scatter_summary(
    *, keep_month_precision: bool = False, every_answer: bool = False, hlines: tuple = ()
) -> dict[str, Any]:
    """The figure summary of the right scatter plot (or a known wrong one)."""
    rows = _answers(keep_month_precision=keep_month_precision, every_answer=every_answer)
    years = rows["measure_date"].dt.year
    axes = {
        "title": "How fast did counter-expulsions come?",
        "xlabel": "Date of the measure answered",
        "ylabel": "Days to respond (days)",
        "kinds": ["scatter"],
        "n_points": len(rows),
        "n_bars": 0,
        "years": [int(years.min()), int(years.max())],
        "horizontal_lines": sorted(hlines),
    }
    return {"__type__": "Figure", "axes": [axes]}


def median_line(*, mean: bool = False, keep_month_precision: bool = False) -> dict[str, Any]:
    """The right figure with its median line (or a mean line, a known mistake)."""
    days = _answers(keep_month_precision=keep_month_precision)["days_to_respond"]
    level = float(days.mean() if mean else days.median())
    return scatter_summary(hlines=(level,))


# --- ex3: the capacity model, with agents away ------------------------------------------------
#
# Exercise 3 asks for notebook 04's model plus one input the lesson's model lacks: the
# percentage of agents away on a given day (leave, public holidays, training, sickness). So
# the kit's `capacity_model`, which the class copy ships for notebook 04, is not the answer:
# its functions give known wrong answers, with a hint saying what the exercise adds.

#: The exercise's baseline and range for agents away (percent), as its notebook states them:
#: illustrative, from US federal leave rules (the exercise cites them).
AWAY_BASELINE = 15
AWAY_RANGE = (10, 30)

#: The exercise's baseline (notebook 04's, with 15% away) and its ranges for the sensitivity
#: question (notebook 04's, and one for agents away).
BASELINE: dict[str, int] = {**vars(cm.BASELINE), "away_pct": AWAY_BASELINE}
RANGES: dict[str, tuple[int, int]] = {**cm.RANGES, "away_pct": AWAY_RANGE}

#: Inputs the check calls a student's coverage function with (officers, agents, agents per
#: target, other work %, away %): the baseline, more officers, the sliders' suggestion, more
#: teams than officers (the cap), 1 − 0.9 in floating point, rounding at each step, part
#: teams; then three with many officers, so that the outputs, each a multiple of 1/officers
#: no larger than notebook 04's, are too many to hash out (7×10^15 candidates, not 6×10^9).
COVERAGE_INPUTS = [
    [100, 1000, 20, 60, 15],
    [150, 1000, 20, 60, 15],
    [100, 1000, 8, 40, 10],
    [100, 2500, 4, 20, 15],
    [50, 1000, 20, 90, 20],
    [300, 250, 30, 20, 25],
    [120, 1000, 15, 33, 12],
    [250, 2000, 10, 50, 20],
    [280, 2500, 12, 55, 18],
    [200, 1800, 9, 45, 22],
]

#: Inputs for the "what would it take" function: officers, agents per target, other work %,
#: away %, share to watch.
NEEDED_INPUTS = [
    [100, 20, 60, 15, 1.0],
    [150, 20, 60, 15, 1.0],
    [100, 20, 60, 15, 0.5],
    [120, 15, 33, 12, 1.0],
    [100, 8, 40, 10, 0.75],
    [45, 7, 90, 20, 0.3],
]


def _at_work(agents: int, away_pct: int) -> int:
    return agents * (100 - away_pct) // 100


def coverage_share(
    officers: int, agents: int, agents_per_target: int, other_work_pct: int, away_pct: int
) -> float:
    """The share of officers watched full-time: notebook 04's model on the agents at work."""
    at_work = _at_work(agents, away_pct)
    assumptions = cm.Assumptions(officers, at_work, agents_per_target, other_work_pct)
    return cm.coverage(assumptions).share_covered


def coverage_lesson_model(
    officers: int, agents: int, per_target: int, other: int, away: int
) -> float:
    """Mistake: notebook 04's `capacity_model.coverage`, which has nobody away."""
    return cm.coverage(cm.Assumptions(officers, agents, per_target, other)).share_covered


def coverage_added(officers: int, agents: int, per_target: int, other: int, away: int) -> float:
    """Mistake: the two percentages added (100 − other − away) instead of compounded."""
    return min(agents * (100 - other - away) // 100 // per_target, officers) / officers


def coverage_rounded_once(
    officers: int, agents: int, per_target: int, other: int, away: int
) -> float:
    """Mistake: one rounding at the end, so a fraction of an agent at work counts."""
    free = agents * (100 - away) * (100 - other) // 10_000
    return min(free // per_target, officers) / officers


def coverage_uncapped(officers: int, agents: int, per_target: int, other: int, away: int) -> float:
    """Mistake: more teams than officers gives a share above 1."""
    return (_at_work(agents, away) * (100 - other) // 100 // per_target) / officers


def coverage_part_teams(
    officers: int, agents: int, per_target: int, other: int, away: int
) -> float:
    """Mistake: fractions of agents and teams watch fractions of an officer."""
    free = agents * (100 - away) / 100 * (100 - other) / 100
    return min(free / per_target, officers) / officers


def coverage_other_work_kept(
    officers: int, agents: int, per_target: int, other: int, away: int
) -> float:
    """Mistake: the agents on other work are the ones left for surveillance."""
    return min(_at_work(agents, away) * other // 100 // per_target, officers) / officers


def coverage_float_share(
    officers: int, agents: int, per_target: int, other: int, away: int
) -> float:
    """Mistake: 1 − other/100 in floating point (800 × (1 − 0.9) is 79.99…, so 79 agents)."""
    at_work = math.floor(agents * (1 - away / 100))
    free = math.floor(at_work * (1 - other / 100))
    return min(free // per_target, officers) / officers


def coverage_percent(officers: int, agents: int, per_target: int, other: int, away: int) -> float:
    """Mistake: a percentage instead of a share."""
    return 100 * coverage_share(officers, agents, per_target, other, away)


def _teams(officers: int, share: float) -> int:
    return math.ceil(round(officers * share, 9))


def agents_needed(
    officers: int, agents_per_target: int, other_work_pct: int, away_pct: int, share: float
) -> int:
    """All agents needed to watch `share` of the officers: the agents notebook 04's model
    needs at work, then enough more that, with away_pct percent away, that many are at work.

    The smallest total whose agents at work (rounded down) leave enough free agents (rounded
    down): two ceiling divisions in turn reach it exactly.
    """
    assumptions = cm.Assumptions(
        officers=officers, agents_per_target=agents_per_target, other_work_pct=other_work_pct
    )
    at_work = cm.agents_needed(assumptions, share)
    return -(-at_work * 100 // (100 - away_pct))


def needed_lesson_model(officers: int, per_target: int, other: int, away: int, share: float) -> int:
    """Mistake: notebook 04's `capacity_model.agents_needed`: the agents needed at work."""
    assumptions = cm.Assumptions(
        officers=officers, agents_per_target=per_target, other_work_pct=other
    )
    return cm.agents_needed(assumptions, share)


def needed_added(officers: int, per_target: int, other: int, away: int, share: float) -> int:
    """Mistake: dividing by 100 − other − away (the percentages added, not compounded)."""
    return -(-_teams(officers, share) * per_target * 100 // (100 - other - away))


def needed_rounded_once(officers: int, per_target: int, other: int, away: int, share: float) -> int:
    """Mistake: one rounding up at the end, which can leave the team an agent short."""
    free = _teams(officers, share) * per_target
    return -(-free * 10_000 // ((100 - other) * (100 - away)))


def needed_free_only(officers: int, per_target: int, other: int, away: int, share: float) -> int:
    """Mistake: the free agents needed, not all agents (other work and absence forgotten)."""
    return _teams(officers, share) * per_target


def needed_rounded_down(officers: int, per_target: int, other: int, away: int, share: float) -> int:
    """Mistake: rounding down (integer division) at each step."""
    return _teams(officers, share) * per_target * 100 // (100 - other) * 100 // (100 - away)


def needed_part_teams(officers: int, per_target: int, other: int, away: int, share: float) -> int:
    """Mistake: part of a team for part of an officer."""
    return math.ceil(officers * share * per_target * 100 / (100 - other) * 100 / (100 - away))


def needed_float_share(officers: int, per_target: int, other: int, away: int, share: float) -> int:
    """Mistake: dividing by 1 − other/100 in floating point (1 − 0.9 is not exactly 0.1)."""
    at_work = math.ceil(_teams(officers, share) * per_target / (1 - other / 100))
    return math.ceil(at_work / (1 - away / 100))


def swings(*, signed: bool = False, percent: bool = False) -> dict[str, float]:
    """Coverage at the high end minus at the low end of each input's range (the exercise's
    baseline elsewhere), as a size (absolute value), rounded to 2 decimals."""
    out = {}
    for name, (low, high) in RANGES.items():
        at = {end: coverage_share(**{**BASELINE, name: end}) for end in (low, high)}
        change = at[high] - at[low]
        change = change if signed else abs(change)
        out[name] = round(100 * change if percent else change, 2)
    return out


def lesson_swings() -> dict[str, float]:
    """Mistake: notebook 04's swings (its model, its baseline, nobody away)."""
    table = cm.swings()
    return {row.parameter: round(row.swing, 2) for row in table.itertuples()}


# The record meets the model (question 4). The shipped model computes coverage for any
# inputs, so anything it computes can be wrapped in a line or two: this question's points are
# for work it does not do, finding its input in the expulsion record with pandas.

#: The first year counted: the December 2016 expulsions opened the wave of US measures the
#: talks of 2025 would undo (the exercise says so).
RETURNED_SINCE = 2016


def returned_by_year(
    actions: tuple[str, ...] = PEOPLE_ACTIONS,
    *,
    since: int = RETURNED_SINCE,
    running: bool = True,
    rows: bool = False,
) -> pd.Series:
    """People the United States ordered out of Russia's missions, per year from `since`: the
    running total (`running=False`: each year's own figure; `rows=True`: measures counted)."""
    df = _people(actions)
    mask = (
        (df["expelling_country"] == "United States")
        & (df["target_country"] == "Russia")
        & (df["date"].dt.year >= since)
    )
    ours = df[mask]
    year = ours["date"].dt.year
    per_year = ours.groupby(year).size() if rows else ours.groupby(year)["people_expelled"].sum()
    return per_year.cumsum() if running else per_year


def coverage_if_returned(
    people: pd.Series | None = None, model: Callable[[int], float] | None = None
) -> dict[int, float]:
    """Year → coverage share if the running total of people ordered out came back as
    officers to watch: `model(officers)`, by default the exercise's `coverage_share` with its
    baseline for every other input, 15% away included."""
    people = returned_by_year() if people is None else people
    if model is None:

        def model(officers: int) -> float:
            return coverage_share(**{**BASELINE, "officers": officers})

    return {int(year): model(int(n)) for year, n in people.items()}


def returned_lesson_model() -> dict[int, float]:
    """Mistake: notebook 04's `capacity_model.coverage` (nobody away) on the right totals."""
    others = {k: v for k, v in BASELINE.items() if k not in ("officers", "away_pct")}
    return coverage_if_returned(
        model=lambda n: cm.coverage(cm.Assumptions(officers=n, **others)).share_covered
    )
