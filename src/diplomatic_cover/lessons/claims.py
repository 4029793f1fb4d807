"""The claims map of the article read in notebook 01, and what the rewrite changed.

The text students read is a rewrite of CNN's report "Russia sees talks with US as an opening to
rebuild its spy networks, officials say" (28 February 2025). Its data file,
`lessons/data/claims.toml`, holds every statement of the rewrite in the kit's own words: who
makes it, what kind of statement it is, what evidence the text offers, what an attentive reader
should check, and who makes the same statement in CNN's original. Why data rather than prose in
the notebook: the same records feed
the claims table, the side-by-side comparison, the chart of who stands behind each statement and
the classify question `01.classify-statements`, and the tests check that these never drift apart.

The kit ships neither text. Paraphrases are written anew; a quoted phrase (in double quotation
marks) is at most a dozen words and is there because the wording is the point. The sources for
what the original says are listed in `instructors/sources.md` (section 01) and
`instructors/article_sources.md`.

pandas and matplotlib are imported inside the functions that need them, so importing this
module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from diplomatic_cover.lessons import read_data
from diplomatic_cover.lessons.figures import Table

if TYPE_CHECKING:
    import pandas as pd

    from diplomatic_cover.lessons.figures import Figure

__all__ = [
    "CLAIMS",
    "CLASSIFY_IDS",
    "KINDS",
    "REWRITE_CHANGES",
    "SOURCE_TYPES",
    "HtmlTable",
    "RewriteChange",
    "Statement",
    "by_id",
    "claims_table",
    "comparison_table",
    "count_source_types",
    "date_checks",
    "plot_who_stands_behind",
    "rewrite_changes_table",
    "show",
    "unnamed_or_unsourced",
]

_MAP = read_data("claims.toml")

#: The four kinds of statement students sort the article into (ids are the classify labels).
KINDS: dict[str, str] = dict(_MAP["kinds"])

#: Who stands behind a statement, from the easiest to check to the hardest. The last two only
#: describe CNN's original: a statement it does not contain, or one its copies cut off.
SOURCE_TYPES: dict[str, str] = dict(_MAP["source_types"])

#: The statements the classify question `01.classify-statements` asks about, in its order:
#: two of each kind.
CLASSIFY_IDS: tuple[str, ...] = tuple(_MAP["classify_ids"])


@dataclass(frozen=True)
class Statement:
    """One statement of the rewrite, with who makes it there and in CNN's original."""

    id: str
    paraphrase: str
    kind: str
    speaker: str
    source_type: str
    evidence: str
    check: str
    original_speaker: str
    original_source_type: str
    change: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind must be one of {', '.join(KINDS)}")
        if self.source_type not in SOURCE_TYPES or self.source_type in ("absent", "unread"):
            raise ValueError(f"{self.id}: the rewrite's source type {self.source_type!r}")
        if self.original_source_type not in SOURCE_TYPES:
            raise ValueError(f"{self.id}: unknown original source type")


CLAIMS: tuple[Statement, ...] = tuple(Statement(**entry) for entry in _MAP["statements"])


@dataclass(frozen=True)
class RewriteChange:
    """A change the rewrite made to the report as a whole, with the sources that show it."""

    aspect: str
    original: str
    rewrite: str
    why_it_matters: str
    sources: str


REWRITE_CHANGES: tuple[RewriteChange, ...] = tuple(
    RewriteChange(**entry) for entry in _MAP["rewrite_changes"]
)


def by_id(statement_id: str) -> Statement:
    """The statement with this id (a KeyError names the ids that exist)."""
    for statement in CLAIMS:
        if statement.id == statement_id:
            return statement
    raise KeyError(f"No statement {statement_id!r}; ids are {', '.join(s.id for s in CLAIMS)}")


def claims_table(kind: str | None = None) -> pd.DataFrame:
    """The claims map of the rewrite as a DataFrame, one row per statement, in article order.

    `kind` ("fact", "claim", "opinion", "editorial") keeps only that kind of statement.
    """
    import pandas as pd

    rows = [
        {
            "id": s.id,
            "Statement (our paraphrase)": s.paraphrase,
            "Who says it": s.speaker,
            "Kind": KINDS[s.kind],
            "Source type": SOURCE_TYPES[s.source_type],
            "Evidence offered": s.evidence,
            "What to check": s.check,
        }
        for s in CLAIMS
        if kind is None or s.kind == kind
    ]
    if kind is not None and not rows:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    return pd.DataFrame(rows).set_index("id")


def comparison_table(changed_only: bool = False) -> pd.DataFrame:
    """Who makes each statement in CNN's original and in the rewrite, side by side."""
    import pandas as pd

    rows = [
        {
            "id": s.id,
            "Statement (our paraphrase)": s.paraphrase,
            "Original CNN report: who says it": s.original_speaker,
            "Rewrite: who says it": s.speaker,
            "What changed": s.change or "Nothing of substance",
        }
        for s in CLAIMS
        if s.change or not changed_only
    ]
    return pd.DataFrame(rows).set_index("id")


def rewrite_changes_table() -> pd.DataFrame:
    """What the rewrite changed in the report as a whole (outlet, title, structure...)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "Aspect": c.aspect,
                "Original CNN report": c.original,
                "Rewrite": c.rewrite,
                "Why it matters": c.why_it_matters,
                "Sources": c.sources,
            }
            for c in REWRITE_CHANGES
        ]
    )


def count_source_types() -> pd.DataFrame:
    """How many of the rewrite's statements each kind of source stands behind, in both texts.

    Rows are the source types in `SOURCE_TYPES` order; columns "Original" and "Rewrite". Both
    columns add up to the number of statements in the claims map.
    """
    import pandas as pd

    counts = {
        "Original": [sum(s.original_source_type == t for s in CLAIMS) for t in SOURCE_TYPES],
        "Rewrite": [sum(s.source_type == t for s in CLAIMS) for t in SOURCE_TYPES],
    }
    return pd.DataFrame(counts, index=pd.Index(list(SOURCE_TYPES.values()), name="Source"))


def unnamed_or_unsourced(version: str = "rewrite") -> int:
    """How many statements rest on unnamed officials or on no source at all.

    `version` is "rewrite" or "original". Statements the original lacks, or that its copies cut
    off, count for neither.
    """
    if version not in ("rewrite", "original"):
        raise ValueError('version must be "rewrite" or "original"')
    field = "source_type" if version == "rewrite" else "original_source_type"
    return sum(getattr(s, field) in ("unnamed", "none") for s in CLAIMS)


def plot_who_stands_behind() -> Figure:
    """Bar chart: how many statements each kind of source stands behind, original vs rewrite."""
    import matplotlib.pyplot as plt

    from diplomatic_cover.lessons.figures import Figure, kit_style

    counts = count_source_types()
    labels = list(counts.index)
    positions = range(len(labels))
    height = 0.38
    with kit_style():
        fig, ax = plt.subplots(figsize=(8, 4.2))
        for offset, column in ((-height / 2, "Original"), (height / 2, "Rewrite")):
            bars = ax.barh(
                [p + offset for p in positions],
                counts[column],
                height=height,
                label="CNN original" if column == "Original" else "Rewrite",
            )
            ax.bar_label(bars, padding=2, fontsize=9)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.set_xlabel(f"Number of statements (of the rewrite's {len(CLAIMS)})")
        ax.set_title("Who stands behind each statement?")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="lower right")
    rewrite, original = counts["Rewrite"], counts["Original"]
    alt = (
        f"Of the rewrite's {len(CLAIMS)} statements, {unnamed_or_unsourced('rewrite')} rest on "
        f"unnamed officials or no source, against {unnamed_or_unsourced('original')} of the "
        f"same statements in CNN's original; the rewrite adds "
        f"{rewrite[SOURCE_TYPES['writer']]} of the writer's own judgements, which the original "
        f"does not contain. Counts per source type range from 0 to "
        f"{max(int(rewrite.max()), int(original.max()))}."
    )
    return Figure(
        fig,
        alt=alt,
        source=(
            "Diplomatic Cover claims map (diplomatic_cover.claims), from the rewrite and CNN's "
            "report of 28 February 2025 as reprinted"
        ),
    )


def date_checks() -> pd.DataFrame:
    """The date arithmetic a careful reader does with the article, worked out by Python.

    Why: the rewrite gives no date, only "Thursday" and "earlier this month", and calls Trump a
    former president. Each row is one check, with the dates it starts from (sourced in the
    notebook) and what follows.
    """
    import pandas as pd

    istanbul = date(2025, 2, 27)
    riyadh = date(2025, 2, 18)
    call = date(2025, 2, 12)
    inauguration = date(2025, 1, 20)
    report = date(2025, 2, 28)
    # The reprint's address ends in a Unix time (seconds since 1 January 1970, UTC).
    stamp = datetime.fromtimestamp(1740733500, tz=UTC)
    rows = [
        (
            "Was 27 February 2025 (the Istanbul talks) a Thursday?",
            f"It was a {istanbul.strftime('%A')}.",
        ),
        (
            "What time is 1740733500, the number in the webjosh.com copy's address?",
            f"{stamp:%d %B %Y, %H:%M} UTC: the morning after the talks.",
        ),
        (
            "Was the Riyadh meeting (18 February) 'earlier this month' for a report of"
            " 28 February?",
            f"Yes: {(report - riyadh).days} days earlier, in the same month."
            if riyadh.month == report.month
            else "No.",
        ),
        (
            "Was Trump in office for the call with Putin (12 February)?",
            f"Yes: he had been sworn in {(call - inauguration).days} days earlier, on 20 January.",
        ),
    ]
    return pd.DataFrame(rows, columns=["Check", "Answer"])


@dataclass(frozen=True)
class HtmlTable:
    """A DataFrame shown as a readable HTML table: text wraps, cells are escaped."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def show(frame: pd.DataFrame, caption: str = "") -> Table:
    """Show a table of long text so that it wraps instead of being cut off with '...'.

    pandas' own display truncates cells at 50 characters and JupyterLab right-aligns them,
    which hides exactly the wording students are asked to weigh (`figures.Table`).
    """
    return Table(frame, caption=caption)
