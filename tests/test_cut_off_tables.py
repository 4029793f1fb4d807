"""The check that nbval runs on every notebook cell (conftest.py) finds text pandas cut short."""

import json

import pandas as pd

from diplomatic_cover.lessons import policy
from diplomatic_cover.lessons.figures import Table
from tests.cut_off_tables import cut_off_cells
from tests.kit_files import ROOT

LONG = "Restore with caps and conditions draws level at a weight of 7 for security"


def _shown(obj) -> list[dict]:
    """What a notebook records for a cell whose last line is `obj`."""
    return [{"output_type": "execute_result", "data": {"text/html": obj._repr_html_()}}]


def test_a_dataframe_with_long_text_is_caught_as_pandas_cuts_it():
    frame = pd.DataFrame({"option": [LONG, "Keep the current cap"], "weight": [7, 3]})
    [cut] = cut_off_cells(_shown(frame))
    assert cut.endswith("...") and LONG.startswith(cut.removesuffix("..."))


def test_the_same_text_in_the_kits_table_is_shown_whole():
    frame = pd.DataFrame({"option": [LONG, "Keep the current cap"], "weight": [7, 3]})
    assert cut_off_cells(_shown(Table(frame))) == []


def test_short_text_and_numbers_pass():
    frame = pd.DataFrame({"country": ["Russia", "Czech Republic"], "expelled": [60, 18]})
    assert cut_off_cells(_shown(frame)) == []


def test_outputs_without_html_are_ignored():
    assert cut_off_cells([{"output_type": "stream", "name": "stdout", "text": "x" * 80}]) == []


def test_the_flip_table_can_outgrow_pandas_so_notebook_06_shows_it_through_table():
    """The nbval run sees only the default weights, whose sentences are short; a student's
    weights can name a longer option (here: alliance weighted 10), which pandas would cut."""
    weights = {**policy.DEFAULT_WEIGHTS, "alliance": 10}
    flips = policy.display_flips(policy.flip_points(weights, policy.DEFAULT_SCORES))
    assert cut_off_cells(_shown(flips)) != []
    assert cut_off_cells(_shown(Table(flips))) == []
    cells = json.loads((ROOT / "notebooks" / "06_policy_debate.ipynb").read_text("utf-8"))["cells"]
    shown_bare = [
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("policy.display_flips(")
    ]
    assert shown_bare == []
