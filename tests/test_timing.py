"""How long the kit takes, and whether it says so: every notebook's core fits the time its header
states, and every place that states a time (README, the headers, the guides and their plans, the
course plans) says what the timing model says. The model and its figures:
`instructor/timing.py`, `instructors/timing.toml`. The table is printed on every run."""

import json
import math
import re
from pathlib import Path

import pytest

from diplomatic_cover.answers.catalogue import load_catalogue, parse_catalogue
from diplomatic_cover.instructor.timing import (
    DISCUSSION,
    TimingError,
    cell_hash,
    cells_with_parts,
    count_notebook,
    figure_problems,
    is_wordless,
    kit_times,
    load_figures,
    load_outputs,
    measure,
    minutes_up,
    plan_problems,
    table,
    words,
)

ROOT = Path(__file__).resolve().parents[1]
FIGURES = load_figures()
TIMES = {time.name: time for time in kit_times()}
GUIDED = [name for name in TIMES if not name.startswith("ex")]
EXERCISES = [name for name in TIMES if name.startswith("ex")]
FAST = FIGURES.words_per_minute


def notebook(name):
    folder = "exercises" if name.startswith("ex") else "notebooks"
    return json.loads((ROOT / folder / f"{name}.ipynb").read_text(encoding="utf-8"))


def test_the_table_is_printed_and_every_core_fits_the_time_its_notebook_states(capsys):
    with capsys.disabled():
        print("\n" + table(list(TIMES.values()), FIGURES))
    over = {
        name: (round(time.minutes(FAST), 1), time.stated)
        for name, time in TIMES.items()
        if time.stated is None or time.minutes(FAST) > time.stated
    }
    assert over == {}, "core minutes over the stated time: move material to 'Going further'"


def test_a_guided_notebook_states_one_session_a_session_with_reading_before_it_or_two():
    assert TIMES["00_start_here"].stated == 30  # at the student's own pace, before class
    for name in GUIDED[1:]:
        assert TIMES[name].stated in (45, 60, 90), name


def test_no_stated_time_is_padded():
    # A notebook fills its session to within ten minutes (the rest is the instructor's); an
    # exercise states its core rounded up to five minutes.
    for name in GUIDED:
        assert TIMES[name].stated - TIMES[name].minutes(FAST) < 10, name
    for name in EXERCISES:
        assert TIMES[name].stated == 5 * math.ceil(TIMES[name].minutes(FAST) / 5), name


@pytest.mark.parametrize("name", GUIDED[1:])
def test_every_discussion_is_counted_at_its_printed_time_of_at_least_five_minutes(name):
    time = TIMES[name]
    assert time.problems == []
    chunks = [c for c in cells_with_parts(notebook(name)) if c.part != "references"]
    printed = [c for c in chunks if c.kind == "markdown" and DISCUSSION.search(c.source)]
    assert len(printed) >= 2
    assert len(time.discussions) == len(printed)
    for chunk, item in zip(printed, time.discussions, strict=True):
        minutes = int(re.search(r"\*\*Time:\*\*\s*(\d+) minutes", chunk.source).group(1))
        assert item.minutes == minutes >= FIGURES.least_discussion, item.label
        assert item.part == chunk.part
    # A "**Time:**" line anywhere else would be a discussion the model cannot see.
    timed = [c for c in chunks[1:] if "**Time:**" in c.source]
    assert timed == printed


@pytest.mark.parametrize("name", [*GUIDED, *EXERCISES])
def test_graded_questions_live_in_the_core(name):
    catalogue = load_catalogue()
    asked = {
        item.label.split(" › ")[-1]: item.part for item in TIMES[name].questions
    }  # question id -> part
    assert set(asked) == {q.id for q in catalogue.for_notebook(name)}
    graded = {qid for qid in asked if catalogue[qid].points}
    assert {qid for qid in graded if asked[qid] != "core"} == set()


@pytest.mark.parametrize("name", GUIDED)
def test_a_going_further_part_says_it_is_optional_and_not_graded(name):
    openings = [
        c.source
        for c in cells_with_parts(notebook(name))
        if c.part == "going further" and c.source.startswith("## Going further")
    ]
    if TIMES[name].minutes(FAST, "going further"):
        assert openings
    for opening in openings:
        assert "Optional and not graded" in opening, opening[:60]


def test_readme_headers_guides_and_course_plans_state_the_models_figures():
    assert figure_problems(list(TIMES.values()), FIGURES, ROOT) == []


@pytest.mark.parametrize("name", GUIDED[1:])
def test_each_guides_plan_adds_up_and_runs_every_discussion_at_its_time(name):
    assert plan_problems(TIMES[name], ROOT) == []


@pytest.mark.parametrize("name", EXERCISES)
def test_an_exercises_section_minutes_are_the_models(name):
    sections = TIMES[name].section_minutes(FAST)
    stated = {}
    for cell in notebook(name)["cells"]:
        for title, minutes in re.findall(
            r"^## (.+?) \((\d+) minutes\)$", "".join(cell["source"]), re.M
        ):
            stated[title] = int(minutes)
    assert len(stated) >= 2
    for title, minutes in stated.items():
        model = next(m for section, m in sections.items() if section.startswith(title))
        assert minutes == round(model), (title, model)


def test_every_code_cell_that_shows_words_has_a_count_from_a_real_run():
    recorded = load_outputs()
    for name in TIMES:
        cells = [c for c in notebook(name)["cells"] if c["cell_type"] == "code"]
        shown = ["".join(c["source"]) for c in cells]
        unmeasured = [
            s for s in shown if not is_wordless(s, FIGURES) and cell_hash(s) not in recorded[name]
        ]
        assert unmeasured == [], name


# --- the model on small notebooks ---------------------------------------------------------

CATALOGUE = parse_catalogue(
    """
[[question]]
id = "01.pick"
notebook = "01_x"
type = "single"
prompt = "Which one?"
points = 1
natural_order = true
practice = false
poolable = false
options = [{id = "a", label = "The first"}, {id = "b", label = "The second"}]

[[question]]
id = "01.essay"
notebook = "01_x"
type = "text"
prompt = "Write 180 words."
min_words = 180
minutes = 20
natural_order = true
practice = false
poolable = false
"""
)


def write(tmp_path, *cells):
    def cell(kind, text):
        return {"cell_type": kind, "metadata": {}, "source": text, "outputs": []}

    nb = {"cells": [cell(k, t) for k, t in cells], "metadata": {}, "nbformat": 4}
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def count(path, outputs=None):
    return count_notebook(path, CATALOGUE, FIGURES, {"01_x": outputs or {}}, ROOT)


def test_a_going_further_part_runs_to_the_next_heading_of_its_level(tmp_path):
    discussion = "### Discussion: Why?\n\n**Task:** talk\n**Time:** 6 minutes\n**Who:** pairs"
    path = write(
        tmp_path,
        ("markdown", "# 01 · X\n\n**Time:** 45 minutes (about 50 if you read slowly)"),
        ("markdown", "## 1. First\n\n" + "word " * 200),
        ("code", 'dc.ask("01.pick")'),
        ("markdown", "## Going further: more\n\n" + "word " * 400),
        ("markdown", discussion),
        ("code", 'dc.ask("01.essay")'),
        ("markdown", "## Key points\n\n" + "word " * 100),
        ("markdown", "## References\n\n" + "word " * 1000),
    )
    time = count(path)
    assert time.stated == 45
    assert [i.minutes for i in time.discussions] == [6]
    # Core: the header (11 words), "1. First" and 200 words, the single choice (6 words to read
    # and 0.75 minutes), "Key points" and 100 words; 2 minutes to start and hand in. The
    # references are not counted.
    assert time.minutes(FAST) == pytest.approx(2 + (11 + 202 + 6 + 102) / 200 + 0.75)
    # Going further: its heading and 400 words, the discussion (its own words are read inside
    # its 6 minutes), and the essay at the 20 minutes it states (3 words to read).
    assert time.minutes(FAST, "going further") == pytest.approx((403 + 3) / 200 + 6 + 20)


def test_a_short_discussion_is_counted_at_five_minutes_and_reported(tmp_path):
    path = write(
        tmp_path,
        ("markdown", "# 01 · X"),
        ("markdown", "### Discussion: Quick\n\n**Time:** 3 minutes"),
    )
    time = count(path)
    assert [i.minutes for i in time.discussions] == [5]
    assert "at least 5" in time.problems[0]


def test_a_changed_code_cell_needs_a_new_measurement(tmp_path):
    path = write(tmp_path, ("markdown", "# 01 · X"), ("code", "table = make_table()\ntable"))
    with pytest.raises(TimingError, match="--measure"):
        count(path)
    measured = {cell_hash("table = make_table()\ntable"): {"words": 400, "figures": 1}}
    time = count(path, measured)
    # "# 01 · X" is two words; the table's 400, and a figure to look at.
    assert time.minutes(FAST) == pytest.approx(2 + (2 + 400) / 200 + FIGURES.figure_minutes)


def test_cells_that_show_only_widgets_need_no_measurement():
    assert is_wordless('import diplomatic_cover as dc\n\ndc.ask("01.pick")', FIGURES)
    assert not is_wordless('dc.ask("01.pick")\nprint("hello")', FIGURES)


def test_words_leave_out_link_targets_addresses_and_tags():
    text = "See [the codebook](../data/README.md) at https://example.org/x <b>now</b> | 12 |"
    assert words(text) == 6  # See the codebook at now 12


def test_figures_are_stated_rounded_up_to_whole_minutes():
    assert (minutes_up(58.01), minutes_up(58.0), minutes_up(0.0)) == (59, 58, 0)


@pytest.mark.long
def test_the_recorded_output_words_are_what_a_fresh_run_shows():
    """Re-runs every notebook and exercise in a real kernel (about a minute and a half here)."""
    fresh, recorded = measure(), load_outputs()
    for name, cells in fresh.items():
        assert set(cells) == set(recorded[name]), name
        for key, shown in cells.items():
            old = recorded[name][key]
            assert shown["figures"] == old["figures"], (name, key)
            # Printed times and folders differ a little from one machine to the next.
            assert abs(shown["words"] - old["words"]) <= max(10, old["words"] // 20), (name, key)
