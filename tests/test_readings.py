"""The case reading students read in class (`readings/case_reading.md`) is the kit's own text.

It retells CNN's report in the kit's words and sets short excerpts of it beside the rewrite's.
The rules it keeps, checked here: it names the report it retells (title, outlet, date, and
CNN's own page for the broadcast); each quoted excerpt in the paired table is at most nine
words and says where it sits in its text; the rewrite's excerpts are the rewrite's exact words
(when the shared copy of the rewrite is beside the kit); the prose is about 900 words. That no
ten-word run of the rewrite appears in it is tests/test_no_copying.py's job, which scans
`readings/` too; that the class copy ships it is tests/test_release.py's.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READING = ROOT / "readings" / "case_reading.md"
ARTICLE = ROOT.parent / "shared" / "reading" / "article.txt"
MAX_EXCERPT_WORDS = 9
TABLE_HEAD = "| What changed | CNN's report | The rewrite | Why it matters |"


def words(text):
    return re.findall(r"[A-Za-z0-9’'-]+", text)


def rows():
    """The paired table's rows as (what changed, CNN's cell, the rewrite's cell)."""
    text = READING.read_text(encoding="utf-8")
    table = text.split(TABLE_HEAD, 1)[1].split("\n\n", 1)[0]
    lines = [line for line in table.strip().splitlines()[1:] if line.startswith("|")]
    return [tuple(cell.strip() for cell in line.strip("|").split("|"))[:3] for line in lines]


def quotes(cell):
    return re.findall(r'"([^"]+)"', cell)


def normalise(text):
    return " ".join(words(text.replace("’", "'").lower()))


def test_the_reading_names_the_report_it_retells_and_its_licence():
    text = READING.read_text(encoding="utf-8")
    assert "Russia sees talks with US as an opening to rebuild its spy networks" in text
    assert "CNN" in text and "28 February 2025" in text
    assert "https://transcripts.cnn.com/show/cnc/date/2025-02-28/segment/02" in text
    assert "CC BY 4.0" in text


def test_the_paired_table_has_a_row_for_each_change_notebook_01_teaches():
    changed = {row[0] for row in rows()}
    assert {
        "Trump's title",
        "What the talks restore",
        "Strength of the main claim",
        "Who says Moscow is stalling",
        "The FBI",
    } <= changed


@pytest.mark.parametrize("row", rows(), ids=lambda row: row[0])
def test_each_excerpt_is_at_most_nine_words_and_says_where_it_sits(row):
    for cell in row[1:]:
        for excerpt in quotes(cell):
            assert len(words(excerpt)) <= MAX_EXCERPT_WORDS, excerpt
        if quotes(cell) and not cell.startswith('"Conclusion"'):
            assert re.search(r"\(¶\d+", cell), f"{cell!r} does not say which paragraph"


def test_the_length_check_catches_a_long_excerpt():
    long = '"one two three four five six seven eight nine ten" (¶1)'
    assert max(len(words(q)) for q in quotes(long)) > MAX_EXCERPT_WORDS


def test_the_rewrites_excerpts_are_its_exact_words():
    if not ARTICLE.is_file():
        pytest.skip(f"the shared rewrite is not at {ARTICLE} (it sits beside the kit in CI)")
    article = normalise(ARTICLE.read_text(encoding="utf-8"))
    quoted = [q for _, _, rewrite in rows() for q in quotes(rewrite)]
    assert len(quoted) >= 8
    assert [q for q in quoted if normalise(q) not in article] == []


def test_the_prose_before_the_table_is_about_nine_hundred_words():
    prose = READING.read_text(encoding="utf-8").split("## What the rewrite changed")[0]
    assert 750 <= len(words(prose)) <= 1050
