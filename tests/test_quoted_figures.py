"""Figures the kit quotes in prose, recomputed from the record with the kit's own loaders.

Notebooks, answer keys, guides and `instructors/sources.md` state counts taken from
`data/expulsions.csv` in words ("87 of the 112 pairs"). When a row is added, the tables move
but the sentences do not. Each test below computes a figure and checks that the sentence
quoting it says the same, so a data change that makes a sentence wrong names the sentence.
"""

import json
import re
import tomllib
from pathlib import Path

import pytest

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue
from diplomatic_cover.data import load_expulsions, load_missions, load_sources, load_timeline
from diplomatic_cover.lessons import cover_model, record
from diplomatic_cover.lessons.reciprocity_game import counter_ratio_table, ratio_summary
from tests.kit_files import kit_texts

ROOT = Path(__file__).resolve().parents[1]
KEYS = ROOT / "src" / "diplomatic_cover" / "questions" / "answer_key"


def key(notebook: str, qid: str) -> str:
    """The model answer of one question, as the answer key writes it."""
    answers = tomllib.loads((KEYS / f"{notebook}.toml").read_text(encoding="utf-8"))["answers"]
    return " ".join(answers[qid]["model_answer"].split())


def prose(relative: str) -> str:
    """A Markdown file's text, or a notebook's Markdown cells, with line breaks as spaces."""
    path = ROOT / relative
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def expulsions():
    return load_expulsions()


@pytest.fixture(scope="module")
def mirrors(expulsions):
    """Notebook 03's reciprocity pairs: the summary and the exact mirrors."""
    table = counter_ratio_table(expulsions)
    exact = table[table["answer_size"] == table["measure_size"]]
    summary = ratio_summary(table)
    return {
        "pairs": summary["pairs"],
        "mirrors": summary["matched"],
        "share": round(100 * summary["matched"] / summary["pairs"]),
        "small": int((exact["measure_size"] <= 4).sum()),
    }


def test_notebook_03_states_the_mirror_counts_of_the_record(mirrors):
    m = mirrors
    answer = key("03_reciprocity", "03.mirror-share")
    assert f"About **{m['share']}%**: {m['mirrors']} of the {m['pairs']} pairs" in answer
    assert f"{m['small']} of the {m['mirrors']} involve 1 to 4 people" in answer
    guide = prose("instructors/guide_03_reciprocity.md")
    assert f"{m['mirrors']} of {m['pairs']} pairs are exact mirrors" in guide
    assert f"{m['share']}% ({m['mirrors']} of {m['pairs']}" in guide
    sources = prose("instructors/sources.md")
    counted = f"{m['pairs']} pairs with a head count on both sides; {m['mirrors']} exact mirrors"
    assert counted in sources
    assert f"{m['small']} of the mirrors involve 1–4 people" in sources


def test_notebook_02_states_the_three_waves_of_the_record():
    waves = cover_model.expulsion_waves()
    out = waves["expelled from Russian missions"].tolist()
    by_us = waves["of whom by the US"].tolist()
    key_points = prose("notebooks/02_espionage_risk.ipynb")
    assert (
        f"{out[0]} people ordered out of Russian missions in 2016–17 "
        f"({by_us[0]} of them by the US), {out[1]} in 2018 and {out[2]} in 2022"
    ) in key_points
    assert f"Wave totals: {out[0]} / {out[1]} / {out[2]} people" in prose("instructors/sources.md")


def test_the_us_total_since_2016_in_sources_md_is_the_records():
    total = cover_model.expelled_between("2016-01-01", "2025-12-31", only=("USA",))
    assert f"US measures since 2016 sum to {total} people" in prose("instructors/sources.md")


def test_the_row_and_action_counts_quoted_are_the_records(expulsions):
    actions = expulsions["action"].value_counts()
    sources = prose("instructors/sources.md")
    assert (
        f"{len(expulsions)} rows; actions: {actions['expulsion']} expulsions, "
        f"{actions['counter_expulsion']} counter-expulsions, "
        f"{actions['mission_closure']} closures, {actions['staff_cap']} caps, "
        f"{actions['other']} other"
    ) in sources
    codebook = prose("data/README.md")
    for name, rows in [
        ("expulsions.csv", len(expulsions)),
        ("sources.csv", len(load_sources())),
        ("missions.csv", len(load_missions())),
        ("timeline_2025.csv", len(load_timeline())),
    ]:
        assert f"| `{name}` | {rows} |" in codebook


def test_notebook_05_key_counts_empty_cells_and_the_largest_year(expulsions):
    empty = int(expulsions["people_expelled"].isna().sum())
    no_count = int((~expulsions["action"].isin(record.PEOPLE_ACTIONS)).sum())
    undisclosed = key("05_expulsion_record", "05.undisclosed-count")
    assert f"`people_expelled` has {empty} empty cells" in undisclosed
    assert f"{empty} − {no_count} = {empty - no_count} empty cells" in undisclosed
    per_year = record.by_year(expulsions)["total"]
    busiest = f"a year of {per_year.max()} ({per_year.idxmax()})"
    assert busiest in key("05_expulsion_record", "05.log-scale")
    # Exercise 2 shows the alt text of notebook 05's bar chart as its example.
    assert f"0 to {per_year.max()} a year" in prose("exercises/ex2_plot.ipynb")


def test_exercise_2_key_quotes_the_delays_of_the_reference_plot(expulsions):
    pairs = record.response_pairs(expulsions)
    shown = pairs[(pairs["response_action"] == "counter_expulsion") & ~pairs["month_precision"]]
    days, years = shown["days_to_respond"], shown["measure_date"].dt.year
    by_decade = shown.groupby(years // 10 * 10)["days_to_respond"].median()
    alt_text = key("ex2_plot", "ex2.alt-text")
    assert f"{years.min()}–{years.max()}, delays from {days.min()} to {days.max()} days" in alt_text
    assert f"the median, {days.median():g} days" in alt_text
    trend = key("ex2_plot", "ex2.trend")
    assert f"the median for that decade is about {by_decade[2020]:g} days" in trend
    earlier = by_decade[by_decade.index < 2020]
    assert f"{earlier.min():g} to {earlier.max():g} days from the 1980s to the 2010s" in trend


def test_guide_05_quotes_the_slowest_answers_and_the_2022_wave(expulsions):
    pairs = record.response_pairs(expulsions)
    answers = pairs[pairs["response_action"] == "counter_expulsion"]
    slowest = answers.nlargest(2, "days_to_respond")
    assert slowest["response_id"].tolist() == ["2022-06-27_RUS_GRC", "2025-02-06_GBR_RUS"]
    first, second = slowest["days_to_respond"].tolist()
    guide = prose("instructors/guide_05_expulsion_record.md")
    assert f"Russia's answer to Greece in 2022 took {first} days" in guide
    assert f"Russia's expulsion of November 2024 took {second}" in guide
    invasion = answers[answers["measure_date"].between("2022-02-24", "2022-04-30")]
    days = invasion["days_to_respond"]
    assert f"the mean is {days.mean():.1f} days and the median {days.median():g}" in guide
    sources = prose("instructors/sources.md")
    assert f"invasion 2022: {invasion['ratio'].mean():.2f} and {days.mean():.1f} days" in sources


def test_notebook_05_explains_the_july_2017_cap_with_the_records_dates(expulsions):
    rows = expulsions.set_index("event_id")
    cap, us_2016 = rows.loc["2017-07-28_RUS_USA"], rows.loc["2016-12-29_USA_RUS"]
    assert cap["action"] == "staff_cap" and not isinstance(cap["responds_to"], str)
    assert rows.loc["2017-08-31_USA_RUS", "responds_to"] == "2017-07-28_RUS_USA"
    delay = (cap["date"] - us_2016["date"]).days
    text = prose("notebooks/05_expulsion_record.ipynb")
    assert "the cap's `responds_to` is empty" in text
    assert f"it would add a {delay}-day delay" in text


# Ways a sentence can say that the record itself codes the cap as an answer to December 2016.
RECORD_LINKS_THE_CAP = re.compile(
    r"record (links|makes that link)|row `?[\w-]*`? makes that link|record links the (cap|two)",
    re.IGNORECASE,
)


def test_no_text_says_the_record_links_the_july_2017_cap_while_its_responds_to_is_empty(
    expulsions,
):
    cap = expulsions.set_index("event_id").loc["2017-07-28_RUS_USA"]
    assert not isinstance(cap["responds_to"], str), "the cap is linked again: update this test"
    claims = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path, text in kit_texts()
        if path.suffix in {".md", ".ipynb", ".toml"}
        for match in [RECORD_LINKS_THE_CAP.search(" ".join(text.split()))]
        if match
    ]
    assert claims == []


NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
}
SOME_OF_ALL = re.compile(r"\b(\w+) of the (\w+) (?:are|is)\b", re.IGNORECASE)


def test_a_multiple_choice_key_that_counts_its_options_counts_the_catalogues():
    catalogue, answer_key = load_catalogue(), load_answer_key()
    checked = 0
    for qid, entry in answer_key.items():
        question = catalogue[qid]
        if question.type != "multiple":
            continue
        for some, of_all in SOME_OF_ALL.findall(entry.model_answer):
            if some.lower() not in NUMBER_WORDS or of_all.lower() not in NUMBER_WORDS:
                continue
            checked += 1
            stated = (NUMBER_WORDS[some.lower()], NUMBER_WORDS[of_all.lower()])
            assert stated == (len(entry.correct), len(question.options)), qid
    assert checked, "no multiple-choice key states a count: the pattern no longer matches"
