"""How many suspected intelligence officers could a counterintelligence service watch full-time?

Notebook 04 treats counterintelligence capacity as a resource problem. The claim it examines
("the FBI is stretched thin") is a claim about arithmetic, so the model makes that arithmetic
explicit: a pool of agents, some of them busy with other priorities, split into teams that
each keep one person under round-the-clock watch. Every input is an *assumption*, not a
measured fact. No public source gives the FBI's counterintelligence headcount, and published
estimates of how many people it takes to watch one person around the clock range from 3 to 30
(see the notebook's table of estimates). So the model is written to make changing an
assumption easy and its consequence visible:

- `Assumptions` holds the four inputs, each with a documented plausible range (`RANGES`);
  baselines, ranges, labels and units are data, in `lessons/data/capacity_model.toml`;
- `coverage(assumptions)` gives the share of officers watched full-time and the shortfall;
- `sensitivity(baseline, ranges, steps)` sweeps one input at a time across its range and
  returns a tidy DataFrame, and `swings(baseline, ranges)` gives the low/high ends for a
  tornado chart;
- `plot_sensitivity` and `plot_tornado` draw them, with alt text built from the numbers;
- `widgets.capacity.coverage_explorer()` shows labelled sliders for trying them by hand.

Deliberate simplifications, which the notebook asks students to criticise: only *physical*,
round-the-clock surveillance counts (no wiretaps, no informants, no allied help, no
prioritising some officers over others); a team either covers a person full-time or not at
all (whole teams, rounded down); and every officer is assumed to need the same effort.

pandas and matplotlib are imported inside the functions that need them, so
importing this module (and its `Assumptions`) stays cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from diplomatic_cover.lessons import read_data

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "BASELINE",
    "LABELS",
    "MODEL_SOURCE",
    "RANGES",
    "UNITS",
    "Assumptions",
    "Coverage",
    "agents_needed",
    "coverage",
    "describe",
    "plot_sensitivity",
    "plot_tornado",
    "sensitivity",
    "sensitivity_alt",
    "swings",
    "tornado_alt",
]


#: Each assumption's baseline, range, label and unit (`lessons/data/capacity_model.toml`).
_ASSUMPTIONS: dict[str, dict[str, Any]] = read_data("capacity_model.toml")


@dataclass(frozen=True)
class Assumptions:
    """The four inputs of the coverage model. All are assumptions; none is a published figure.

    Attributes:
        officers: suspected intelligence officers to watch (people). Range 50–300. The
            baseline of 100 is illustrative: more than 100 Russian diplomats suspected of
            spying were expelled from the US from 2016 to early 2025 (reports citing CNN),
            and Ambassador Antonov said Russia's embassy would be left with 184 staff of all
            kinds after the January 2022 departures (TASS, Russian state news agency, 28 Jan
            2022: his own figure).
        agents: agents available for this target set before other work is subtracted
            (people). Range 250–2,500. Illustrative: the FBI has about 13,000 agents in all
            (Washington Post, 2025) and says the share working counterintelligence is
            classified; in 1985, 300–400 FBI agents were reported to watch at least 700
            Soviet intelligence officers (Los Angeles Times).
        agents_per_target: agents needed to keep one person under watch around the clock,
            all shifts included (people). Range 4–30, the spread of published estimates
            (4 in 1985, a New York Times report; 3–10, a former French official; about 20–30,
            British and French estimates). The baseline of 20 is mid-range, not a finding.
        other_work_pct: share of those agents' time taken by other priorities (percent,
            0–99). Range 20–90. Illustrative: in autumn 2025 about a quarter of all FBI agents
            spent at least half their time on immigration enforcement (Washington Post), but
            no source gives the share for counterintelligence squads.
    """

    officers: int = _ASSUMPTIONS["officers"]["baseline"]
    agents: int = _ASSUMPTIONS["agents"]["baseline"]
    agents_per_target: int = _ASSUMPTIONS["agents_per_target"]["baseline"]
    other_work_pct: int = _ASSUMPTIONS["other_work_pct"]["baseline"]

    def __post_init__(self) -> None:
        # Checked here, not in the sliders, so a typo in a notebook cell fails with a sentence.
        if self.officers < 1:
            raise ValueError("officers must be at least 1 (there must be someone to watch).")
        if self.agents < 0:
            raise ValueError("agents cannot be negative.")
        if self.agents_per_target < 1:
            raise ValueError("agents_per_target must be at least 1.")
        if not 0 <= self.other_work_pct <= 99:
            raise ValueError("other_work_pct is a percentage from 0 to 99.")


#: The illustrative baseline used throughout notebook 04 (the worked example in the tests).
BASELINE = Assumptions()

#: Plausible low and high ends for each input, used by the sensitivity sweep and the sliders.
#: They are judgement calls, documented in `Assumptions`; the notebook invites students to
#: widen or narrow them and see how the ranking in the tornado chart changes.
RANGES: dict[str, tuple[int, int]] = {
    name: (entry["low"], entry["high"]) for name, entry in _ASSUMPTIONS.items()
}

#: Plain-English labels for slider descriptions, plot panels and tables.
LABELS: dict[str, str] = {name: entry["label"] for name, entry in _ASSUMPTIONS.items()}

#: Caption text for every figure drawn from the model: it is a model, not data.
MODEL_SOURCE = (
    "Coverage model (diplomatic_cover.capacity_model). Inputs are illustrative assumptions "
    "with stated ranges, not measured FBI figures."
)

#: Units for axis labels.
UNITS: dict[str, str] = {name: entry["unit"] for name, entry in _ASSUMPTIONS.items()}


@dataclass(frozen=True)
class Coverage:
    """What a set of assumptions implies.

    Attributes:
        free_agents: agents left for surveillance after other priorities (whole people).
        teams: round-the-clock teams those agents can form (whole teams).
        officers_covered: officers watched full-time (at most `officers`).
        share_covered: officers_covered / officers, from 0 to 1.
        officers_uncovered: officers nobody is watching full-time (the shortfall in people).
        agents_short: further *free* agents needed to watch everyone (0 if none).
    """

    free_agents: int
    teams: int
    officers_covered: int
    share_covered: float
    officers_uncovered: int
    agents_short: int

    @property
    def percent_covered(self) -> float:
        """share_covered as a percentage, for display."""
        return 100 * self.share_covered


def _free_agents(a: Assumptions) -> int:
    # Integer arithmetic on purpose: 1,000 agents at 90 % other work must leave exactly 100,
    # not 99.99999 (which would round down to 99 and lose a team in the plots).
    return a.agents * (100 - a.other_work_pct) // 100


def coverage(assumptions: Assumptions) -> Coverage:
    """Share of officers that can be watched full-time, and the shortfall.

    free agents = agents × (100 − other_work_pct) / 100, rounded down to whole people;
    teams = free agents // agents_per_target (a part-team cannot watch anyone around the
    clock); officers covered = min(teams, officers).

    >>> coverage(Assumptions(officers=100, agents=1000, agents_per_target=20,
    ...                      other_work_pct=60)).share_covered
    0.2
    """
    a = assumptions
    free = _free_agents(a)
    teams = free // a.agents_per_target
    covered = min(teams, a.officers)
    short = max(0, a.officers * a.agents_per_target - free)
    return Coverage(
        free_agents=free,
        teams=teams,
        officers_covered=covered,
        share_covered=covered / a.officers,
        officers_uncovered=a.officers - covered,
        agents_short=short,
    )


def agents_needed(assumptions: Assumptions, share: float = 1.0) -> int:
    """Total agents (before other work is subtracted) needed to watch `share` of the officers.

    This is the budget question turned round: not "what can we cover?" but "what would it
    take?". Rounded up, because a fraction of an agent cannot be hired.

    >>> agents_needed(Assumptions(officers=100, agents_per_target=20, other_work_pct=60))
    5000
    """
    if not 0 < share <= 1:
        raise ValueError("share is a fraction from just above 0 to 1.")
    a = assumptions
    teams = math.ceil(round(a.officers * share, 9))
    free_needed = teams * a.agents_per_target
    # Smallest whole number of agents whose free part (rounded down) reaches free_needed;
    # integer ceiling division, so 2,000 free agents at 60 % other work is exactly 5,000.
    return -(-free_needed * 100 // (100 - a.other_work_pct))


def describe(assumptions: Assumptions) -> str:
    """One plain-English paragraph on what the assumptions imply (used by the sliders)."""
    a, c = assumptions, coverage(assumptions)
    text = (
        f"{a.agents:,} agents, {a.other_work_pct}% of their effort on other priorities, leave "
        f"{c.free_agents:,} for surveillance. At {a.agents_per_target} agents per person "
        f"watched around the clock, that makes {c.teams:,} teams, enough to watch "
        f"{c.officers_covered:,} of {a.officers:,} officers full-time "
        f"({c.percent_covered:.0f}%)."
    )
    if c.officers_uncovered:
        text += (
            f" {c.officers_uncovered:,} officers are not watched full-time; covering everyone "
            f"would take {c.agents_short:,} more free agents "
            f"({agents_needed(a):,} agents in all at this level of other work)."
        )
    else:
        text += " Everyone can be watched full-time, with agents to spare."
    return text


def _sweep_values(low: int, high: int, steps: int) -> list[int]:
    if steps < 2:
        raise ValueError("steps must be at least 2 (the two ends of the range).")
    if low > high:
        raise ValueError(f"range ({low}, {high}) runs backwards.")
    raw = (low + (high - low) * i / (steps - 1) for i in range(steps))
    return sorted({round(v) for v in raw})


def _check_ranges(ranges: dict[str, tuple[int, int]]) -> None:
    known = {f.name for f in fields(Assumptions)}
    unknown = set(ranges) - known
    if unknown:
        raise KeyError(f"unknown parameter(s) {sorted(unknown)}; choose from {sorted(known)}")


def sensitivity(
    baseline: Assumptions = BASELINE,
    ranges: dict[str, tuple[int, int]] | None = None,
    steps: int = 26,
) -> pd.DataFrame:
    """Sweep each parameter across its range, holding the others at the baseline.

    Returns a tidy DataFrame, one row per (parameter, value), with columns: parameter,
    label, value, is_baseline, share_covered, officers_covered, officers_uncovered,
    agents_short. The baseline value of each parameter is always included as a row, so the
    plots can mark it.
    """
    import pandas as pd

    ranges = RANGES if ranges is None else ranges
    _check_ranges(ranges)
    rows: list[dict[str, Any]] = []
    for name, (low, high) in ranges.items():
        base_value = getattr(baseline, name)
        values = sorted({*_sweep_values(low, high, steps), base_value})
        for value in values:
            c = coverage(replace(baseline, **{name: value}))
            rows.append(
                {
                    "parameter": name,
                    "label": LABELS.get(name, name),
                    "value": value,
                    "is_baseline": value == base_value,
                    "share_covered": c.share_covered,
                    "officers_covered": c.officers_covered,
                    "officers_uncovered": c.officers_uncovered,
                    "agents_short": c.agents_short,
                }
            )
    frame = pd.DataFrame(rows)
    return frame.astype({"value": "int64", "share_covered": "float64"})


def swings(
    baseline: Assumptions = BASELINE,
    ranges: dict[str, tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Coverage at the low and high end of each parameter's range (for a tornado chart).

    One row per parameter, sorted with the widest swing first: parameter, label, low, high,
    share_at_low, share_at_high, swing (the absolute difference, in share points).
    """
    import pandas as pd

    ranges = RANGES if ranges is None else ranges
    _check_ranges(ranges)
    rows = []
    for name, (low, high) in ranges.items():
        at_low = coverage(replace(baseline, **{name: low})).share_covered
        at_high = coverage(replace(baseline, **{name: high})).share_covered
        rows.append(
            {
                "parameter": name,
                "label": LABELS.get(name, name),
                "low": low,
                "high": high,
                "share_at_low": at_low,
                "share_at_high": at_high,
                "swing": abs(at_high - at_low),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def sensitivity_alt(table: pd.DataFrame, baseline: Assumptions = BASELINE) -> str:
    """Alt text for `plot_sensitivity`: the takeaway and the range of every panel."""
    base = _pct(coverage(baseline).share_covered)
    parts = []
    for name, group in table.groupby("parameter", sort=False):
        lo, hi = group["value"].min(), group["value"].max()
        parts.append(
            f"{LABELS.get(str(name), name)} {lo:,}–{hi:,}: coverage "
            f"{_pct(group['share_covered'].min())} to {_pct(group['share_covered'].max())}"
        )
    return (
        f"Four panels, one per assumption, others held at the baseline (coverage {base}). "
        "Coverage rises with agents and falls with officers, agents per target and other "
        "work; it moves in whole-team steps and is capped at 100%. " + "; ".join(parts) + "."
    )


def tornado_alt(table: pd.DataFrame, baseline: Assumptions = BASELINE) -> str:
    """Alt text for `plot_tornado`: which assumption matters most, with every bar's ends."""
    base = _pct(coverage(baseline).share_covered)
    first = table.iloc[0]
    bars = "; ".join(
        f"{row.label} ({row.low:,} to {row.high:,}): {_pct(row.share_at_low)} to "
        f"{_pct(row.share_at_high)}"
        for row in table.itertuples()
    )
    return (
        f"Tornado chart around a baseline coverage of {base}. The widest bar, "
        f"{first['label'].lower()}, matters most over the stated ranges. Bars, widest first: "
        f"{bars}."
    )


def plot_sensitivity(table: pd.DataFrame, baseline: Assumptions = BASELINE) -> MplFigure:
    """One panel per parameter: coverage (%) against the parameter, baseline marked.

    Draw inside `kit_style()` and show with `Figure(fig, alt=sensitivity_alt(table), ...)`.
    """
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(table["parameter"]))
    ncols = 2
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(9, 3.2 * nrows), sharey=True, squeeze=False, layout="constrained"
    )
    base_share = 100 * coverage(baseline).share_covered
    for ax, name in zip(axes.flat, names, strict=False):
        group = table[table["parameter"] == name]
        ax.step(group["value"], 100 * group["share_covered"], where="post", linewidth=2)
        base_value = getattr(baseline, name)
        ax.axvline(base_value, color="0.4", linestyle="--", linewidth=1)
        ax.plot([base_value], [base_share], "o", color="#D55E00", zorder=3)
        ax.set_title(LABELS.get(name, name))
        ax.set_xlabel(f"{LABELS.get(name, name)} ({UNITS.get(name, '')})")
        ax.set_ylim(0, 105)
    for ax in axes[:, 0]:
        ax.set_ylabel("Officers watched full-time (%)")
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    fig.suptitle("Coverage as one assumption changes (others at baseline; dot = baseline)")
    return fig


def plot_tornado(table: pd.DataFrame, baseline: Assumptions = BASELINE) -> MplFigure:
    """Tornado chart: coverage at the low and high end of each range, widest bar on top."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.8 * len(table) + 1.6), layout="constrained")
    base_share = 100 * coverage(baseline).share_covered
    ordered = table.iloc[::-1]  # barh draws bottom-up; the widest swing should be on top
    ys = range(len(ordered))
    for y, row in zip(ys, ordered.itertuples(), strict=True):
        lo, hi = 100 * row.share_at_low, 100 * row.share_at_high
        left, right = min(lo, hi), max(lo, hi)
        ax.barh(y, right - left, left=left, color="#0072B2", height=0.6)
        ax.text(lo, y + 0.36, f"{row.low:,}", ha="center", va="bottom", fontsize=9)
        ax.text(hi, y + 0.36, f"{row.high:,}", ha="center", va="bottom", fontsize=9)
    ax.axvline(base_share, color="#D55E00", linestyle="--", linewidth=1.5, label="baseline")
    ticks = [f"{row.label}\n({row.low:,}–{row.high:,})" for row in ordered.itertuples()]
    ax.set_yticks(list(ys), ticks)
    ax.set_xlim(0, 105)
    ax.set_ylim(-0.6, len(ordered) - 0.1)
    ax.set_xlabel(
        "Officers watched full-time (%) at the low and high end of each range\n"
        "(numbers at the bar ends are the assumption's value there)"
    )
    ax.set_title("Which assumption moves coverage most?")
    ax.legend(loc="lower right")
    return fig
