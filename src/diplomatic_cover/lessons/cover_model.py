"""How many intelligence officers could work under diplomatic cover? A model you can argue with.

Notebook 02 asks what restoring Russia's posts in the United States could change. Nobody
outside the intelligence services knows how many of a mission's staff are intelligence
officers, so the kit does not pretend to: the model multiplies three assumptions the student
can see and change (posts open, staff per post, share of staff who are officers) and reports
a point estimate with a low–high range. The published "shares" it offers as guides are
contested estimates made by intelligence services, anonymous officials and journalists, each
kept with who made it and where it was read (`PUBLISHED_SHARES`, from the data file
`lessons/data/cover_model.toml`), so a student can weigh them rather than take one as fact.

The module also summarises the kit's expulsion record by wave (`expulsion_waves`) and lists
Russia's posts in the United States with their status (`russian_posts_in_us`), the two tables
the notebook puts beside the model. Its sliders are `widgets.cover.interactive_estimate()`.

pandas and matplotlib are imported inside the functions that need them, so
importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from diplomatic_cover.lessons import read_data

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "PUBLISHED_SHARES",
    "SCENARIOS",
    "WAVES",
    "CoverEstimate",
    "ShareEstimate",
    "StaffingScenario",
    "Wave",
    "expelled_between",
    "expulsion_waves",
    "officers_under_cover",
    "officers_vs_share_alt",
    "plot_officers_vs_share",
    "plot_waves",
    "published_share_range",
    "russian_posts_in_us",
    "scenario_table",
    "shares_table",
    "waves_alt",
]


# --------------------------------------------------------------------------- published shares


@dataclass(frozen=True)
class ShareEstimate:
    """One published estimate of the share of a Russian mission's staff who are intelligence
    officers, with who made it, so the model's range can be traced to its sources.

    `value` is a share between 0 and 1; `qualifier` says how the source hedged it ("at least",
    "up to", "about", "more than"), which matters: "up to half" is a ceiling, not a measurement.
    """

    place: str
    year: int | None
    value: float
    qualifier: str
    who: str
    basis: str
    source_title: str
    source_url: str
    note: str = ""


_DATA = read_data("cover_model.toml")

#: Every estimate the kit found and read (`lessons/data/cover_model.toml`). None is a
#: measurement: each is a judgement by an intelligence service, an unnamed official or a
#: newspaper, and the kit's own derived figure says so. Add one only with a source you have read.
PUBLISHED_SHARES: tuple[ShareEstimate, ...] = tuple(
    # TOML has no null: an undated estimate leaves `year` out.
    ShareEstimate(**{"year": None, **entry})
    for entry in _DATA["published_shares"]
)


def published_share_range() -> tuple[float, float]:
    """Lowest and highest share in `PUBLISHED_SHARES`: the spread of the contested estimates."""
    values = [e.value for e in PUBLISHED_SHARES]
    return min(values), max(values)


def shares_table() -> pd.DataFrame:
    """The published estimates as a table, lowest first, for students to read and compare."""
    import pandas as pd

    rows = [
        {
            "place": e.place,
            "year": str(e.year) if e.year else "undated",
            "estimate": f"{e.qualifier} {e.value:.0%}",
            "who says so": e.who,
            "basis": e.basis,
            "source": e.source_title,
        }
        for e in sorted(PUBLISHED_SHARES, key=lambda e: e.value)
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class CoverEstimate:
    """The model's answer: a point estimate, a low–high range, and the assumptions behind them."""

    posts: int
    staff_per_post: float
    share: float
    staff_per_post_range: tuple[float, float]
    share_range: tuple[float, float]
    point: float
    low: float
    high: float

    @property
    def staff(self) -> float:
        """Total staff the assumptions imply (posts × staff per post)."""
        return self.posts * self.staff_per_post

    def summary(self) -> str:
        """One sentence a student can paste into an answer."""
        lo_s, hi_s = self.share_range
        return (
            f"About {self.point:.0f} intelligence officers (range {self.low:.0f}–{self.high:.0f}) "
            f"among {self.staff:.0f} staff at {self.posts} post(s), if {self.share:.0%} of staff "
            f"are officers (range {lo_s:.0%}–{hi_s:.0%})."
        )


def officers_under_cover(
    posts: int,
    staff_per_post: float,
    share: float,
    *,
    share_range: tuple[float, float] | None = None,
    staff_per_post_range: tuple[float, float] | None = None,
) -> CoverEstimate:
    """Officers under cover = posts × staff per post × share, with a low–high range.

    Why so simple: every input is an assumption a reader can dispute, and a model with three
    visible knobs invites that dispute, where a fitted model would hide it. The range combines
    the low ends (and the high ends) of the share and staffing ranges. By default the share
    range is the spread of the published estimates (`published_share_range`), widened if
    needed to include `share`, and staffing is taken as known.
    """
    if isinstance(posts, bool) or not isinstance(posts, int) or posts < 0:
        raise ValueError(f"posts must be a whole number of posts, 0 or more; got {posts!r}")
    if staff_per_post < 0:
        raise ValueError(f"staff_per_post cannot be negative; got {staff_per_post!r}")
    if not 0 <= share <= 1:
        raise ValueError(f"share is a fraction between 0 and 1 (0.33 for a third); got {share!r}")
    lo_s, hi_s = share_range if share_range is not None else published_share_range()
    if not 0 <= lo_s <= hi_s <= 1:
        raise ValueError(
            f"share_range must be (low, high) with 0 <= low <= high <= 1; got {share_range}"
        )
    lo_s, hi_s = min(lo_s, share), max(hi_s, share)
    lo_p, hi_p = staff_per_post_range if staff_per_post_range is not None else (staff_per_post,) * 2
    if not 0 <= lo_p <= staff_per_post <= hi_p:
        raise ValueError(
            "staff_per_post_range must be (low, high) around staff_per_post; "
            f"got {staff_per_post_range} for {staff_per_post}"
        )
    return CoverEstimate(
        posts=posts,
        staff_per_post=staff_per_post,
        share=share,
        staff_per_post_range=(lo_p, hi_p),
        share_range=(lo_s, hi_s),
        point=posts * staff_per_post * share,
        low=posts * lo_p * lo_s,
        high=posts * hi_p * hi_s,
    )


# --------------------------------------------------------------------------- staffing scenarios


@dataclass(frozen=True)
class StaffingScenario:
    """A staffing level for Russia's posts in the US: reported, or assumed (and said so)."""

    name: str
    posts: int
    total_staff: float
    basis: str
    source_title: str
    source_url: str

    @property
    def staff_per_post(self) -> float:
        """Average staff per post (the model's second knob)."""
        return self.total_staff / self.posts


#: Three staffing levels to compare. Only the first and the last are reported figures; the
#: middle one is an assumption, built from the first, and labelled as such.
SCENARIOS: tuple[StaffingScenario, ...] = tuple(
    StaffingScenario(**entry) for entry in _DATA["scenarios"]
)


def scenario_table(shares: tuple[float, ...] | None = None) -> pd.DataFrame:
    """Each scenario's staff and the officers it implies at the low, a middle and the high share."""
    import pandas as pd

    lo, hi = published_share_range()
    shares = shares or (lo, round(1 / 3, 2), hi)
    rows = []
    for s in SCENARIOS:
        row: dict[str, Any] = {
            "scenario": s.name,
            "posts": s.posts,
            "staff per post": round(s.staff_per_post),
            "total staff": round(s.total_staff),
        }
        for share in shares:
            est = officers_under_cover(s.posts, s.staff_per_post, share)
            row[f"officers at {share:.0%}"] = round(est.point)
        rows.append(row)
    return pd.DataFrame(rows)


def plot_officers_vs_share(
    scenarios: tuple[StaffingScenario, ...] = SCENARIOS, max_share: float = 0.8
) -> MplFigure:
    """Estimated officers against the assumed share, one line per staffing scenario.

    The shaded band is the spread of the published estimates: it shows how much of the
    answer comes from the share, the assumption nobody outside can check. Call inside
    `kit_style()` and wrap the result in `figures.Figure` with `officers_vs_share_alt()`.
    """
    import matplotlib.pyplot as plt

    lo, hi = published_share_range()
    fig, ax = plt.subplots()
    ax.axvspan(lo * 100, hi * 100, color="0.85", zorder=0, label="range of published estimates")
    xs = [i / 100 for i in range(0, round(max_share * 100) + 1)]
    styles = ("-", "--", ":")
    for i, s in enumerate(scenarios):
        ys = [officers_under_cover(s.posts, s.staff_per_post, x).point for x in xs]
        ax.plot(
            [x * 100 for x in xs],
            ys,
            linestyle=styles[i % len(styles)],
            linewidth=2,
            label=s.name,
        )
    ax.set_xlim(0, max_share * 100)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Assumed share of mission staff who are intelligence officers (%)")
    ax.set_ylabel("Estimated officers under cover (people)")
    ax.set_title("Officers under cover by assumed share: the widest range moves the answer most")
    ax.legend(loc="upper left", fontsize=9)
    return fig


def officers_vs_share_alt(scenarios: tuple[StaffingScenario, ...] = SCENARIOS) -> str:
    """Alt text for `plot_officers_vs_share`: the takeaway and the range of the numbers."""
    lo, hi = published_share_range()
    parts = []
    for s in scenarios:
        low = officers_under_cover(s.posts, s.staff_per_post, lo).point
        high = officers_under_cover(s.posts, s.staff_per_post, hi).point
        parts.append(f"{s.total_staff:.0f} staff give {low:.0f} to {high:.0f}")
    return (
        "Line chart: estimated officers rise in a straight line with the assumed share, from 0 "
        f"at 0% to the largest scenario at 80%. Within the published range of {lo:.0%} to "
        f"{hi:.0%}, " + "; ".join(parts) + " officers. The share moves the answer more than "
        "the number of posts does."
    )


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Wave:
    """A wave of expulsions: a label and the announcement dates it covers (inclusive)."""

    label: str
    first: str
    last: str
    trigger: str


#: The three waves the article's officials point to (the data file says why each window
#: starts and ends where it does).
WAVES: tuple[Wave, ...] = tuple(Wave(**entry) for entry in _DATA["waves"])


def expulsion_waves(expulsions: pd.DataFrame | None = None) -> pd.DataFrame:
    """People expelled from Russian missions in each wave, by whom, and Russia's replies.

    Sums only disclosed figures (`people_expelled`), so a total is a floor, and the record
    has known gaps (data/README.md): compare with the totals officials gave at the time.
    """
    import pandas as pd

    from diplomatic_cover.data import load_expulsions

    record = load_expulsions() if expulsions is None else expulsions
    people = record[record["action"].isin(["expulsion", "counter_expulsion"])]
    rows = []
    for wave in WAVES:
        in_wave = record["date"].between(wave.first, wave.last)
        hit = people[people["date"].between(wave.first, wave.last)]
        from_russia = hit[hit["target_iso3"] == "RUS"]
        by_russia = hit[hit["expelling_iso3"] == "RUS"]
        closures = record[in_wave & (record["action"] == "mission_closure")]
        rows.append(
            {
                "wave": wave.label,
                "trigger": wave.trigger,
                "expelled from Russian missions": int(from_russia["people_expelled"].sum()),
                "of whom by the US": int(
                    from_russia.loc[from_russia["expelling_iso3"] == "USA", "people_expelled"].sum()
                ),
                "states and bodies expelling": int(from_russia["expelling_iso3"].nunique()),
                "expelled by Russia in reply": int(by_russia["people_expelled"].sum()),
                "Russian posts closed": int((closures["target_iso3"] == "RUS").sum()),
            }
        )
    return pd.DataFrame(rows)


def expelled_between(
    first: str,
    last: str,
    *,
    only: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    expulsions: pd.DataFrame | None = None,
) -> int:
    """People ordered out of Russian missions between two dates (inclusive), disclosed figures.

    `only` keeps, and `exclude` drops, expelling parties by code (e.g. `only=("USA",)`), so a
    student can rebuild a total an official quoted and see where the record and the official
    differ.
    """
    from diplomatic_cover.data import load_expulsions

    record = load_expulsions() if expulsions is None else expulsions
    rows = record[
        record["action"].isin(["expulsion", "counter_expulsion"])
        & (record["target_iso3"] == "RUS")
        & record["date"].between(first, last)
    ]
    if only:
        rows = rows[rows["expelling_iso3"].isin(only)]
    if exclude:
        rows = rows[~rows["expelling_iso3"].isin(exclude)]
    return int(rows["people_expelled"].sum())


def plot_waves(table: pd.DataFrame | None = None) -> MplFigure:
    """Bars: people expelled from Russian missions per wave, beside Russia's replies."""
    import matplotlib.pyplot as plt

    table = expulsion_waves() if table is None else table
    fig, ax = plt.subplots(figsize=(8, 3.8))
    n = len(table)
    ys = list(range(n))
    h = 0.38
    out = table["expelled from Russian missions"].tolist()
    back = table["expelled by Russia in reply"].tolist()
    ax.barh([y - h / 2 for y in ys], out, height=h, label="Russian staff expelled by other states")
    ax.barh([y + h / 2 for y in ys], back, height=h, label="Staff Russia expelled in reply")
    for y, a, b in zip(ys, out, back, strict=True):
        ax.text(a + 5, y - h / 2, str(a), va="center", fontsize=9)
        ax.text(b + 5, y + h / 2, str(b), va="center", fontsize=9)
    ax.set_yticks(ys, [f"{w}\n({t})" for w, t in zip(table["wave"], table["trigger"], strict=True)])
    ax.invert_yaxis()
    ax.set_xlabel("People ordered to leave (disclosed figures, summed)")
    ax.set_title("Expulsions of Russian diplomatic staff by wave")
    ax.legend(loc="upper right", fontsize=9)
    return fig


def waves_alt(table: pd.DataFrame | None = None) -> str:
    """Alt text for `plot_waves`, built from the same numbers."""
    table = expulsion_waves() if table is None else table
    parts = [
        f"{r['wave']}: {r['expelled from Russian missions']} expelled, "
        f"{r['expelled by Russia in reply']} in reply"
        for _, r in table.iterrows()
    ]
    sizes = table["expelled from Russian missions"].tolist()
    top = max(sizes)
    growing = all(a < b for a, b in pairwise(sizes))
    biggest = table.loc[table["expelled from Russian missions"].idxmax(), "wave"]
    lead = "each wave is larger than the one before" if growing else "the waves differ in size"
    return (
        f"Bar chart: {lead}, and {biggest} is by far the largest; "
        + "; ".join(parts)
        + f". Bars run from 0 to {top} people."
    )


def russian_posts_in_us(
    missions: pd.DataFrame | None = None, expulsions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Russia's posts in the US, open or closed, with the reason the closing side gave."""
    from diplomatic_cover.data import load_expulsions, load_missions

    posts = load_missions() if missions is None else missions
    record = load_expulsions() if expulsions is None else expulsions
    ours = posts[(posts["country_of_mission"] == "RUS") & (posts["host_country"] == "USA")]
    reasons = record.set_index("event_id")["stated_reason"]
    table = ours[["city", "post_type", "closed", "closed_by_event"]].copy()
    table["status"] = table["closed"].isna().map({True: "open", False: "closed"})
    table = table.sort_values(["status", "closed"], ascending=[False, True])
    table["closed"] = table["closed"].dt.strftime("%d %b %Y").fillna("")
    table["reason given for closing"] = (
        table["closed_by_event"].map(reasons).fillna("").astype("str")
    )
    return table.drop(columns="closed_by_event").reset_index(drop=True)
