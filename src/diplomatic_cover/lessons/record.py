"""Tables and figures from the expulsion record, for notebook 05 and the exercises.

The notebook teaches pandas on the record (filter, group, join) and these helpers do the
fiddly parts, so a student who has written little code can change one thing and see what
moves. They are deliberately generic: `by_year` counts per year, `people_by` ranks any column,
`wave` cuts any date range, `between` picks any pair of parties, and `response_pairs` joins
every answer to the measure it answers. Decades, the largest waves, ratios over the whole
record and medians are left for students to compute from these pieces.

Three rules of the codebook (`data/README.md`) shape the code:

- an empty `people_expelled` means "not disclosed" (or "does not apply" for caps and
  closures), never 0, so sums count disclosed figures only and groups whose figures are all
  undisclosed stay missing instead of showing 0;
- only `expulsion` and `counter_expulsion` rows count people; caps, closures and other
  measures are actions without a head count;
- nine dates are known only to the month (written as the 1st), so any number of days
  computed from them is approximate and is flagged.

Every `plot_*` function returns a matplotlib figure and leaves styling to the caller
(`with kit_style(): fig = plot_...`); every `describe_*` function returns alternative text
that states the figure's takeaway and the range of its data, so it stays true when a student
changes the years or the country.

pandas is imported at the top of this module only (importing `diplomatic_cover` stays
cheap); matplotlib is imported inside the plotting functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from diplomatic_cover.data import COUNTRY_CODES

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "PEOPLE_ACTIONS",
    "SOURCE",
    "between",
    "by_year",
    "describe_by_year",
    "describe_days",
    "describe_pairs",
    "describe_ranking",
    "party",
    "people_by",
    "people_rows",
    "plot_by_year",
    "plot_days",
    "plot_pairs",
    "plot_ranking",
    "response_pairs",
    "wave",
]

#: The actions that order people out; only these rows carry a head count.
PEOPLE_ACTIONS = ("expulsion", "counter_expulsion")

#: Caption for every figure drawn from the record.
SOURCE = (
    "Diplomatic Cover expulsion record, data/expulsions.csv (1971 to the cut-off of "
    "31 December 2025; every row cites its own source; see data/README.md)"
)

_LABELS = {"expulsion": "Expulsions (first moves)", "counter_expulsion": "Counter-expulsions"}
_PEOPLE_AXIS = "People ordered to leave (disclosed figures)"

DateLike = str | date | pd.Timestamp


# --- picking rows ---------------------------------------------------------------------------


def people_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Return the rows that order people out (expulsions and counter-expulsions).

    Staff caps, closures and other measures have no head count by design, so every count of
    people starts here.
    """
    return df[df["action"].isin(PEOPLE_ACTIONS)]


def party(name_or_code: str) -> str:
    """Return the record's code for a party given its English name or its code.

    Accepts "Russia", "russia", "RUS"; raises ValueError listing the names when the text
    matches no party, so a typo in a "try it" cell explains itself.
    """
    text = name_or_code.strip()
    if text.upper() in COUNTRY_CODES:
        return text.upper()
    by_name = {name.lower(): code for code, name in COUNTRY_CODES.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    names = ", ".join(sorted(COUNTRY_CODES.values()))
    raise ValueError(f"No party called {name_or_code!r} in the record. Try one of: {names}.")


def between(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Return the measures between two parties, in both directions, in date order.

    `a` and `b` are names or codes ("United States", "USA"). The Soviet Union has its own
    code (SUN), so Soviet-era rows need `between(df, "USA", "SUN")`.
    """
    code_a, code_b = party(a), party(b)
    one_way = (df["expelling_iso3"] == code_a) & (df["target_iso3"] == code_b)
    other_way = (df["expelling_iso3"] == code_b) & (df["target_iso3"] == code_a)
    return df[one_way | other_way].sort_values(["date", "event_id"])


def wave(df: pd.DataFrame, start: DateLike, end: DateLike) -> pd.DataFrame:
    """Return the measures announced from `start` to `end` (both days included), by date.

    A "wave" is whatever window you choose: the record has no wave column, because where one
    wave ends is a judgement, not a fact.
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first > last:
        raise ValueError(f"start ({first.date()}) is after end ({last.date()}); swap them.")
    inside = df["date"].between(first, last)
    return df[inside].sort_values(["date", "event_id"])


# --- counting -------------------------------------------------------------------------------


def by_year(df: pd.DataFrame, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Return one row per year: people expelled by action, total, and how many figures are missing.

    Columns: `expulsion` and `counter_expulsion` (people, disclosed figures only), `total`,
    `measures` (expulsion and counter-expulsion rows that year) and `undisclosed` (those
    rows with no figure). Every year from `start` to `end` appears (default: the first and
    last year in `df`); a year with no row shows 0 measures, which means "nothing in the
    record", not "nothing happened" (see the record's known gaps).
    """
    rows = people_rows(df)
    years = df["date"].dt.year
    first = int(years.min()) if start is None and len(df) else start
    last = int(years.max()) if end is None and len(df) else end
    columns = [*PEOPLE_ACTIONS, "total", "measures", "undisclosed"]
    if first is None or last is None:
        return pd.DataFrame(columns=columns, dtype="Int64").rename_axis("year")
    index = pd.RangeIndex(first, last + 1, name="year")
    row_years = rows["date"].dt.year.rename("year")
    action = rows["action"].astype("str")
    people = (
        rows["people_expelled"].groupby([row_years, action]).sum().unstack("action")
        if len(rows)
        else pd.DataFrame()
    )
    table = pd.DataFrame(index=index)
    for name in PEOPLE_ACTIONS:
        column = people[name] if name in people else pd.Series(dtype="Int64")
        table[name] = column.reindex(index).fillna(0).astype("Int64")
    table["total"] = table["expulsion"] + table["counter_expulsion"]
    counts = rows.groupby(row_years).size()
    missing = rows["people_expelled"].isna().groupby(row_years).sum()
    table["measures"] = counts.reindex(index).fillna(0).astype("Int64")
    table["undisclosed"] = missing.reindex(index).fillna(0).astype("Int64")
    return table


def people_by(
    df: pd.DataFrame,
    column: str = "expelling_country",
    n: int | None = None,
    actions: Sequence[str] = PEOPLE_ACTIONS,
) -> pd.Series:
    """Return people ordered out, summed by `column`, largest first (top `n` if given).

    Only rows whose action is in `actions` count. A group whose figures are all undisclosed
    is missing (<NA>), not 0, and sorts last. Ties sort by name, so the order is stable.
    """
    if column not in df.columns:
        raise KeyError(f"No column {column!r}; the record's columns are {list(df.columns)}.")
    rows = df[df["action"].isin(actions)]
    keys = rows[column].astype("str")
    totals = rows["people_expelled"].groupby(keys).sum(min_count=1)
    ordered = pd.DataFrame({"people": totals, "name": totals.index}).sort_values(
        ["people", "name"], ascending=[False, True], na_position="last"
    )
    result = ordered["people"].astype("Int64").rename("people_expelled")
    result.index.name = column
    return result if n is None else result.head(n)


def response_pairs(df: pd.DataFrame) -> pd.DataFrame:
    """Join every answer (a row with `responds_to`) to the measure it answers.

    One row per answer, in date order, with both sides' dates, parties, actions and counts,
    and:

    - `ratio`: answer size / measure size (1.0 = in kind); missing where either figure is
      undisclosed or does not apply (caps, closures), or the measure's figure is 0;
    - `days_to_respond`: days from the measure's announcement to the answer's;
    - `month_precision`: True where either date is known only to the month, so the day
      count is approximate and should be left out, or at least flagged, in any summary.

    Pass the whole record (or any slice holding both sides of each pair, such as
    `between(df, "USA", "RUS")`): an answer whose measure is not in `df` is left out.
    """
    answers = df[df["responds_to"].notna()]
    joined = answers.merge(
        df, how="inner", left_on="responds_to", right_on="event_id", suffixes=("", "_m")
    )
    response_people = joined["people_expelled"].astype("Int64")
    measure_people = joined["people_expelled_m"].astype("Int64")
    usable = measure_people.fillna(0) > 0
    ratio = (response_people.astype("Float64") / measure_people.astype("Float64")).where(
        usable, pd.NA
    )
    pairs = pd.DataFrame(
        {
            "response_id": joined["event_id"].astype("str"),
            "response_date": joined["date"],
            "responder": joined["expelling_country"].astype("str"),
            "response_action": joined["action"].astype("str"),
            "response_people": response_people,
            "measure_id": joined["event_id_m"].astype("str"),
            "measure_date": joined["date_m"],
            "measure_by": joined["expelling_country_m"].astype("str"),
            "measure_action": joined["action_m"].astype("str"),
            "measure_people": measure_people,
            "ratio": ratio.astype("Float64"),
            "days_to_respond": (joined["date"] - joined["date_m"]).dt.days.astype("Int64"),
            "month_precision": (
                (joined["date_precision"].astype("str") == "month")
                | (joined["date_precision_m"].astype("str") == "month")
            ).astype(bool),
        }
    )
    return pairs.sort_values(["response_date", "response_id"], ignore_index=True)


# --- figures --------------------------------------------------------------------------------


def plot_by_year(
    table: pd.DataFrame, *, stacked: bool = True, log: bool = False, title: str | None = None
) -> MplFigure:
    """Bar chart of `by_year(...)`: expulsions and counter-expulsions per year.

    `stacked=False` puts the two bars side by side. `log=True` uses a log-like vertical axis
    (matplotlib's "symlog", linear below 1) so small years stay visible next to 2022 and a
    year with 0 still has a place.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    years = table.index.to_numpy(dtype=float)
    first_moves = table["expulsion"].to_numpy(dtype=float, na_value=0.0)
    answers = table["counter_expulsion"].to_numpy(dtype=float, na_value=0.0)
    if stacked:
        ax.bar(years, first_moves, width=0.8, label=_LABELS["expulsion"])
        ax.bar(years, answers, width=0.8, bottom=first_moves, label=_LABELS["counter_expulsion"])
    else:
        ax.bar(years - 0.2, first_moves, width=0.4, label=_LABELS["expulsion"])
        ax.bar(years + 0.2, answers, width=0.4, label=_LABELS["counter_expulsion"])
    if log:
        ax.set_yscale("symlog", linthresh=1)
        ax.set_ylim(bottom=0)
    if len(table):
        span = f"{table.index.min()}–{table.index.max()}"
        ax.set_title(title or f"People expelled per year, {span}")
    else:
        ax.set_title(title or "No years chosen")
    ax.set_xlabel("Year announced")
    ax.set_ylabel(_PEOPLE_AXIS + (" (log scale)" if log else ""))
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def plot_ranking(
    panels: Mapping[str, pd.Series], *, highlight: str | None = None, xlabel: str = _PEOPLE_AXIS
) -> MplFigure:
    """Horizontal bars, largest at the top, one panel per entry of `panels` (title -> series).

    `highlight` names one label (e.g. "Russia") to draw in a second colour, so it can be
    told apart in every panel. Missing (undisclosed) values are drawn as empty bars.
    """
    import matplotlib.pyplot as plt

    from diplomatic_cover.lessons.figures import OKABE_ITO

    count = max(len(panels), 1)
    tallest = max((len(s) for s in panels.values()), default=1)
    fig, axes = plt.subplots(
        1, count, figsize=(4.6 * count, 0.5 + 0.32 * max(tallest, 3)), squeeze=False
    )
    for ax, (panel_title, series) in zip(axes[0], panels.items(), strict=False):
        labels = [str(label) for label in series.index][::-1]
        values = series.to_numpy(dtype=float, na_value=0.0)[::-1]
        colours = [OKABE_ITO[1] if label == highlight else OKABE_ITO[0] for label in labels]
        ax.barh(labels, values, color=colours)
        ax.set_title(panel_title)
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def plot_pairs(pairs: pd.DataFrame, *, log: bool = True, highlight: str | None = None) -> MplFigure:
    """Scatter of answer size against measure size, with the "in kind" line (answer = measure).

    Only pairs where both figures are disclosed are drawn; identical pairs are merged into one
    larger dot. `highlight` (a name or code) colours the pairs where that party answered or
    was answered. Log axes by default, because sizes run from 1 to dozens.
    """
    import matplotlib.pyplot as plt

    from diplomatic_cover.lessons.figures import OKABE_ITO

    both = pairs.dropna(subset=["measure_people", "response_people"])
    if highlight:
        name = COUNTRY_CODES[party(highlight)]
        marked = (both["responder"] == name) | (both["measure_by"] == name)
    else:
        name, marked = "", pd.Series(False, index=both.index)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    groups = [(False, OKABE_ITO[0], "other pairs" if highlight else "answer-measure pairs")]
    if highlight:
        groups.append((True, OKABE_ITO[5], f"pairs involving {name}"))
    for flag, colour, label in groups:
        part = both[marked == flag]
        dots = part.groupby(["measure_people", "response_people"]).size().reset_index(name="n")
        if dots.empty:
            continue
        ax.scatter(
            dots["measure_people"].astype(float),
            dots["response_people"].astype(float),
            s=25 + 25 * dots["n"].astype(float),
            color=colour,
            alpha=0.75,
            edgecolor="white",
            label=label,
        )
    top = (
        float(max(both["measure_people"].max(), both["response_people"].max())) if len(both) else 1
    )
    ax.plot([1, top], [1, top], linestyle="--", color="0.35", label="in kind (answer = measure)")
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("People expelled by the measure")
    ax.set_ylabel("People expelled in the answer")
    ax.set_title("Answer size against measure size (bigger dot = more pairs)")
    legend = ax.legend(loc="upper left")
    for handle in legend.legend_handles:
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([45])
    fig.tight_layout()
    return fig


def plot_days(pairs: pd.DataFrame, *, bin_days: int = 7, max_days: int | None = None) -> MplFigure:
    """Histogram of days from a measure to its answer, month-precision pairs drawn apart.

    Bins are `bin_days` wide (a week by default). Pairs with a month-only date are stacked
    on top in a hatched second colour, so they can be seen but not mistaken for exact
    counts. `max_days` cuts the axis (longer gaps are left out of the picture, not the data).
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from diplomatic_cover.lessons.figures import OKABE_ITO

    days = pairs.dropna(subset=["days_to_respond"])
    if max_days is not None:
        days = days[days["days_to_respond"] <= max_days]
    exact = days.loc[~days["month_precision"], "days_to_respond"].to_numpy(dtype=float)
    rough = days.loc[days["month_precision"], "days_to_respond"].to_numpy(dtype=float)
    longest = float(days["days_to_respond"].max()) if len(days) else float(bin_days)
    edges = np.arange(0, longest + bin_days + 1, bin_days)
    fig, ax = plt.subplots()
    ax.hist(
        [exact, rough],
        bins=edges,
        stacked=True,
        color=[OKABE_ITO[0], OKABE_ITO[1]],
        label=["exact dates", "a date known only to the month (approximate)"],
    )
    for patch in ax.patches[len(edges) - 1 :]:
        patch.set_hatch("//")
    ax.set_xlabel(f"Days from the measure to the answer ({bin_days}-day bins)")
    ax.set_ylabel("Number of answers")
    ax.set_title("How long did answers take?")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


# --- alternative text -----------------------------------------------------------------------


def describe_by_year(table: pd.DataFrame) -> str:
    """Alt text for `plot_by_year`: the two largest years, the range, empty years, gaps."""
    if table.empty:
        return "No years chosen, so the chart is empty."
    totals = table["total"].astype(int)
    top = totals.sort_values(ascending=False, kind="stable").head(2)
    peaks = " and ".join(f"{year} ({value})" for year, value in top.items() if value > 0)
    empty = int((table["measures"] == 0).sum())
    undisclosed = int(table["undisclosed"].sum())
    text = (
        f"Bars of people expelled per year, {table.index.min()}–{table.index.max()}, "
        f"from {totals.min()} to {totals.max()} a year"
    )
    if peaks:
        text += f"; the largest {'years are' if ' and ' in peaks else 'year is'} {peaks}"
    else:
        text += "; no people expelled"
    text += f". {empty} of {len(table)} years have no measure in the record"
    if undisclosed:
        text += f"; {undisclosed} measures without a disclosed figure are not in the bars"
    return text + "."


def describe_ranking(panels: Mapping[str, pd.Series]) -> str:
    """Alt text for `plot_ranking`: the leader and runner-up of each panel and its range."""
    parts = []
    for panel_title, series in panels.items():
        known = series.dropna()
        if known.empty:
            parts.append(f"{panel_title}: no disclosed figures")
            continue
        leaders = ", then ".join(f"{name} ({int(v)})" for name, v in known.head(2).items())
        parts.append(
            f"{panel_title}: {leaders}; {len(series)} bars from {int(known.min())} "
            f"to {int(known.max())} people"
        )
    return "Horizontal bars of people expelled. " + ". ".join(parts) + "."


def describe_pairs(pairs: pd.DataFrame) -> str:
    """Alt text for `plot_pairs`: how many answers sit on, below and above the in-kind line."""
    both = pairs.dropna(subset=["measure_people", "response_people"])
    if both.empty:
        return "No answer-measure pairs with both figures disclosed."
    answer, measure = both["response_people"], both["measure_people"]
    same = int((answer == measure).sum())
    smaller = int((answer < measure).sum())
    larger = int((answer > measure).sum())
    return (
        f"Scatter of {len(both)} answers with both figures disclosed: {same} on the in-kind "
        f"line, {smaller} smaller than the measure, {larger} larger; measures of "
        f"{int(measure.min())} to {int(measure.max())} people."
    )


def describe_days(pairs: pd.DataFrame, *, max_days: int | None = None) -> str:
    """Alt text for `plot_days`: how many answers came within a week and the full range."""
    days = pairs.dropna(subset=["days_to_respond"])
    if max_days is not None:
        days = days[days["days_to_respond"] <= max_days]
    if days.empty:
        return "No answers to show."
    within_week = int((days["days_to_respond"] <= 7).sum())
    rough = int(days["month_precision"].sum())
    return (
        f"Histogram of {len(days)} answers: {within_week} came within 7 days; the range is "
        f"{int(days['days_to_respond'].min())} to {int(days['days_to_respond'].max())} days; "
        f"{rough} rest on a date known only to the month and are drawn hatched."
    )
