"""The claims map of the article read in notebook 01, and what the rewrite changed.

The text students read is a rewrite of CNN's report "Russia sees talks with US as an opening to
rebuild its spy networks, officials say" (28 February 2025). This module holds, as data, every
statement of the rewrite in the kit's own words: who makes it, what kind of statement it is,
what evidence the text offers, what an attentive reader should check, and who makes the same
statement in CNN's original. Why data rather than prose in the notebook: the same records feed
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

import html
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

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

#: The four kinds of statement students sort the article into (ids are the classify labels).
KINDS: dict[str, str] = {
    "fact": "Reported fact",
    "claim": "Attributed claim",
    "opinion": "Opinion",
    "editorial": "Editorial",
}

#: Who stands behind a statement, from the easiest to check to the hardest. The last two only
#: describe CNN's original: a statement it does not contain, or one its copies cut off.
SOURCE_TYPES: dict[str, str] = {
    "record": "Public record (both governments confirm it)",
    "on-record": "On the record (a named person or office)",
    "unnamed": "Unnamed officials",
    "none": "No source given",
    "writer": "The writer's own judgement",
    "absent": "Not in the original",
    "unread": "Not readable in the copies found",
}

#: The statements the classify question `01.classify-statements` asks about, in its order:
#: two of each kind.
CLASSIFY_IDS: tuple[str, ...] = (
    "agreed",
    "rebuild",
    "rubio",
    "security-concerns",
    "istanbul",
    "stalling",
    "concession",
    "vigilant",
)


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


CLAIMS: tuple[Statement, ...] = (
    Statement(
        id="rebuild",
        paraphrase=(
            "According to current and former US officials, Moscow's main interest in the talks"
            " is getting intelligence officers back into the US under diplomatic cover."
        ),
        kind="claim",
        speaker="Current and former US officials (unnamed)",
        source_type="unnamed",
        evidence="None beyond the warning itself: no number of officials, no roles, no documents.",
        check=(
            "How many officials, from which agencies, and how would they know? On CNN's air the"
            ' correspondent said the team had talked to "over half a dozen" of them.'
        ),
        original_speaker="Current and former US officials (unnamed)",
        original_source_type="unnamed",
        change=(
            'Stronger: CNN says Moscow sees the talks "as an opening"; the rewrite says it is'
            ' "primarily interested" in spying, after "Despite the diplomatic framing".'
        ),
    ),
    Statement(
        id="agreed",
        paraphrase=(
            "Washington and Moscow agreed to begin talks on bringing their embassies and"
            " consulates back to full operation, after a Trump–Putin phone call and a meeting"
            " in Riyadh."
        ),
        kind="fact",
        speaker="The writer, as background",
        source_type="record",
        evidence="Public record: both governments announced it after the Riyadh meeting.",
        check=(
            'The rewrite calls Trump "former President" while he acts as president: he was'
            " sworn in on 20 January 2025, before the call."
        ),
        original_speaker="CNN, as background",
        original_source_type="record",
        change='"President Donald Trump" became "former President Donald Trump": an error.',
    ),
    Statement(
        id="istanbul",
        paraphrase=(
            "On a Thursday, US and Russian negotiators sat down in Turkey to sort out practical"
            " matters: how many staff, visas, and bank access for diplomats."
        ),
        kind="fact",
        speaker="The writer, as background",
        source_type="record",
        evidence="Public record: the State Department and Russia's foreign ministry both issued"
        " readouts.",
        check=(
            'Which Thursday? No date is given; the readouts say 27 February 2025. "Turkey" and'
            ' later "Istanbul" name the same meeting.'
        ),
        original_speaker="CNN, as background",
        original_source_type="record",
    ),
    Statement(
        id="constructive",
        paraphrase=(
            "The State Department called the talks constructive and said both sides would meet"
            " again soon."
        ),
        kind="opinion",
        speaker="The State Department (an office, on the record)",
        source_type="on-record",
        evidence="A written statement after the talks, which several outlets quote.",
        check="Read the statement itself: it also lists what the US raised (banking, staffing).",
        original_speaker="The State Department (on the record)",
        original_source_type="on-record",
    ),
    Statement(
        id="eroded",
        paraphrase=(
            "A decade of US and European expulsions of Russian spies working under diplomatic"
            " cover has badly weakened Russia's espionage, above all after the 2022 invasion."
        ),
        kind="claim",
        speaker="Nobody named: stated as background",
        source_type="none",
        evidence=(
            "None in the sentence. The expulsions are on the record; how much they hurt"
            " Russian intelligence is an assessment."
        ),
        check=(
            "Whose assessment is it? CNN also gives no source in this sentence; on air its"
            ' correspondent cited "over 100" expulsions from the US since 2016.'
        ),
        original_speaker="No source in the sentence (CNN's own framing)",
        original_source_type="none",
    ),
    Statement(
        id="rubio",
        paraphrase=(
            "Secretary of State Marco Rubio has argued that it is important to get normal"
            " diplomatic contact with Moscow working again."
        ),
        kind="opinion",
        speaker="Secretary of State Marco Rubio (named)",
        source_type="on-record",
        evidence="No quotation in the text, but his view is on the public record.",
        check=(
            "Find his own words: after Riyadh he told AP that working missions were needed"
            ' to keep "these conduits" open.'
        ),
        original_speaker="Secretary of State Marco Rubio (named)",
        original_source_type="on-record",
    ),
    Statement(
        id="concession",
        paraphrase=(
            "In the view of many Western officials, the talks hand Moscow a major concession,"
            " since it wants its intelligence officers back at its posts in Washington, New York"
            " and Houston."
        ),
        kind="opinion",
        speaker='"Many Western officials" (unnamed)',
        source_type="unnamed",
        evidence="None: no official is named or quoted, and no number is given.",
        check='Who counted them? "Many" is the rewriter\'s word; which governments do they serve?',
        original_speaker="Current and former US and Western officials (unnamed)",
        original_source_type="unnamed",
        change=(
            'The US officials drop out and an unsupported "many" appears in front of'
            ' "Western officials".'
        ),
    ),
    Statement(
        id="stalling",
        paraphrase=(
            "Russia is said to be refusing to schedule another top-level meeting until it gets"
            " most of its US presence back."
        ),
        kind="claim",
        speaker='Nobody: the text says "reportedly"',
        source_type="none",
        evidence='None: "reportedly" does not say who reported it, or to whom.',
        check='CNN credits this to "two US officials"; a reader of the rewrite cannot know that.',
        original_speaker="Two US officials (unnamed)",
        original_source_type="unnamed",
        change='"Two US officials said" became "reportedly": the number and side are lost.',
    ),
    Statement(
        id="good-faith",
        paraphrase=(
            "A State Department spokesperson said the US would soon see whether Russia was"
            " negotiating in good faith."
        ),
        kind="opinion",
        speaker="A State Department spokesperson (the office is named, the person is not)",
        source_type="on-record",
        evidence="A direct quotation from the Department.",
        check=(
            "When was it said? Daily Sabah carried the same line on 27 February, before the"
            " talks began; neither text says so."
        ),
        original_speaker="A State Department spokesperson (quoted)",
        original_source_type="on-record",
    ),
    Statement(
        id="higher-level",
        paraphrase=(
            "If the Istanbul meeting makes progress, officials expect the next round to be held"
            " at a higher level."
        ),
        kind="claim",
        speaker='"Officials" (unnamed)',
        source_type="unnamed",
        evidence="None in the rewrite.",
        check="In CNN's report this is a quoted remark by the State Department spokesperson.",
        original_speaker="The State Department spokesperson (quoted)",
        original_source_type="on-record",
        change='A quoted remark of a named office became the view of unnamed "officials".',
    ),
    Statement(
        id="fbi-concern",
        paraphrase=(
            "US officials worry about whether the FBI can watch and counter a larger Russian"
            " intelligence presence."
        ),
        kind="claim",
        speaker="US officials (unnamed)",
        source_type="unnamed",
        evidence="None beyond the officials' worry.",
        check="Worried about what exactly: staff, priorities, leadership? Notebook 04 models it.",
        original_speaker="US officials (unnamed)",
        original_source_type="unnamed",
    ),
    Statement(
        id="fbi-stretched",
        paraphrase=(
            "The FBI is already overstretched and has grown more hesitant to pursue Russian"
            " counterintelligence cases, so it may fall behind."
        ),
        kind="claim",
        speaker="Nobody named: stated as fact",
        source_type="none",
        evidence="None: no source, figure or example.",
        check=(
            "Every copy of CNN's report we found breaks off mid-sentence here, so we cannot"
            " tell whether these details come from CNN."
        ),
        original_speaker="Not readable: the copies found break off here",
        original_source_type="unread",
        change="Cannot be compared.",
    ),
    Statement(
        id="security-concerns",
        paraphrase=(
            "Resuming talks may look like progress toward better relations, but it also raises"
            " serious worries for national security."
        ),
        kind="editorial",
        speaker="The writer (the added Conclusion)",
        source_type="writer",
        evidence="None: the writer's own judgement.",
        check="Is this the writer's view or a summary of the officials' view? The text won't say.",
        original_speaker="Not in the original",
        original_source_type="absent",
        change='Added by the rewriter, in a new "Conclusion" section.',
    ),
    Statement(
        id="vigilant",
        paraphrase=(
            "Should Moscow succeed in rebuilding its network of missions, America's spy agencies"
            " must keep watch for espionage."
        ),
        kind="editorial",
        speaker="The writer (the added Conclusion)",
        source_type="writer",
        evidence="None: advice in the writer's voice.",
        check="Advice to whom, and on what evidence? Compare it with the officials' claims.",
        original_speaker="Not in the original",
        original_source_type="absent",
        change='Added by the rewriter, in a new "Conclusion" section.',
    ),
    Statement(
        id="outcome",
        paraphrase=(
            "How these talks end will decide whether the US can keep talking to Moscow and"
            " still protect its security."
        ),
        kind="editorial",
        speaker="The writer (the added Conclusion)",
        source_type="writer",
        evidence="None: a prediction in the writer's voice.",
        check="Is one working-level round really decisive? Nothing in the text shows it.",
        original_speaker="Not in the original",
        original_source_type="absent",
        change='Added by the rewriter, in a new "Conclusion" section.',
    ),
)


@dataclass(frozen=True)
class RewriteChange:
    """A change the rewrite made to the report as a whole, with the sources that show it."""

    aspect: str
    original: str
    rewrite: str
    why_it_matters: str
    sources: str


REWRITE_CHANGES: tuple[RewriteChange, ...] = (
    RewriteChange(
        aspect="Outlet, byline, date",
        original=(
            'Copies are labelled "CNN"; CNN\'s correspondent Natasha Bertrand presented the'
            " reporting on air on 28 February 2025."
        ),
        rewrite="No outlet, no author, no date in the text.",
        why_it_matters=(
            'A reader cannot tell whom to hold to account, or when "Thursday" and'
            ' "earlier this month" were.'
        ),
        sources="webjosh.com and lapost.com reprints; CNN transcripts, 28 Feb 2025",
    ),
    RewriteChange(
        aspect="Trump's title",
        original='"President Donald Trump"',
        rewrite='"former President Donald Trump"',
        why_it_matters="A factual error that should make a reader ask what else was changed.",
        sources="webjosh.com reprint; Livemint, 20 Jan 2025 (inauguration)",
    ),
    RewriteChange(
        aspect="Attributions",
        original='"two US officials"; "current and former US and Western officials"; a quote',
        rewrite='"reportedly"; "many Western officials"; unnamed "officials"',
        why_it_matters="Fewer clues to how many sources there were and which side they are on.",
        sources="lapost.com reprint",
    ),
    RewriteChange(
        aspect="Strength of the main claim",
        original='Moscow sees the talks "as an opening" to rebuild its network',
        rewrite='Moscow is "primarily interested" in spying, "Despite the diplomatic framing"',
        why_it_matters="An opportunity becomes a main motive, with no new evidence.",
        sources="webjosh.com reprint",
    ),
    RewriteChange(
        aspect="Structure",
        original="No section headings and no conclusion in the copies read (which break off)",
        rewrite='Three headings and a "Conclusion" in the writer\'s own voice',
        why_it_matters="Headings frame the reading; the conclusion adds opinion to a news report.",
        sources="webjosh.com and lapost.com reprints",
    ),
    RewriteChange(
        aspect="Details dropped",
        original=(
            "Over 100 suspected spies expelled since 2016; a Western intelligence official"
            ' ("a priority"); a congressional official ("extremely troubling")'
        ),
        rewrite="None of these details or sources",
        why_it_matters="The rewrite keeps the conclusion but drops much of the support for it.",
        sources="Write-ups citing CNN: online.ua, Euromaidan Press (28 Feb 2025)",
    ),
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


def show(frame: pd.DataFrame, caption: str = "") -> HtmlTable:
    """Show a table of long text so that it wraps instead of being cut off with '...'.

    pandas' own display truncates cells at 50 characters, which hides exactly the wording
    students are asked to weigh.
    """
    table = frame.reset_index(drop=frame.index.name is None).to_html(
        index=False, escape=True, border=0
    )
    style = (
        "<style>.dc-claims table{border-collapse:collapse;font-size:0.9em}"
        ".dc-claims th,.dc-claims td{text-align:left;vertical-align:top;padding:4px 8px;"
        "border-bottom:1px solid #ddd;max-width:22em;white-space:normal}</style>"
    )
    head = f"<p><strong>{html.escape(caption)}</strong></p>" if caption else ""
    return HtmlTable(f'{style}<div class="dc-claims">{head}{table}</div>')
