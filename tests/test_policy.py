"""The decision matrix's arithmetic and flip points, checked against examples worked by hand;
the role cards' content and their printable copy."""

import math
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from diplomatic_cover.lessons.policy import (
    CRITERIA,
    DEFAULT_SCORES,
    DEFAULT_WEIGHTS,
    OPTIONS,
    ROLE_CARDS,
    flip_points,
    leader,
    most_sensitive,
    plot_sweep,
    plot_totals,
    role_card,
    role_cards_markdown,
    scores_table,
    sweep,
    sweep_alt,
    totals_alt,
    weighted_scores,
)
from diplomatic_cover.widgets.policy import MatrixExplorer

ROOT = Path(__file__).resolve().parents[1]

# Two criteria, two options, small enough to work on paper.
TINY_WEIGHTS = {"cost": 1, "safety": 3}
TINY_SCORES = {"x": {"cost": 5, "safety": 1}, "y": {"cost": 1, "safety": 3}}


def test_totals_are_weighted_averages_worked_by_hand():
    # x: (1*5 + 3*1) / 4 = 2.0; y: (1*1 + 3*3) / 4 = 2.5.
    table = weighted_scores(TINY_WEIGHTS, TINY_SCORES)
    assert table.loc["x", "total"] == pytest.approx(2.0)
    assert table.loc["y", "total"] == pytest.approx(2.5)
    # Contributions: x gets 1*5/4 = 1.25 from cost and 3*1/4 = 0.75 from safety.
    assert table.loc["x", "cost"] == pytest.approx(1.25)
    assert table.loc["x", "safety"] == pytest.approx(0.75)
    assert table.loc["y", "rank"] == 1
    assert table.loc["x", "rank"] == 2
    assert list(table.index) == ["x", "y"]


def test_doubling_every_weight_changes_nothing():
    doubled = {k: 2 * w for k, w in TINY_WEIGHTS.items()}
    a = weighted_scores(TINY_WEIGHTS, TINY_SCORES)["total"]
    b = weighted_scores(doubled, TINY_SCORES)["total"]
    assert a.tolist() == pytest.approx(b.tolist())


def test_equal_weights_give_the_plain_mean_of_the_default_scores():
    # Capped restoration: (3 + 4 + 4 + 4 + 2 + 3 + 3) / 7 = 23 / 7.
    table = weighted_scores(DEFAULT_WEIGHTS, DEFAULT_SCORES)
    assert table.loc["restore-capped", "total"] == pytest.approx(23 / 7)
    assert table.loc["status-quo", "total"] == pytest.approx(22 / 7)
    assert table.loc["reduce-further", "total"] == pytest.approx(21 / 7)
    assert table.loc["restore-fully", "total"] == pytest.approx(19 / 7)
    assert leader(DEFAULT_WEIGHTS, DEFAULT_SCORES) == "restore-capped"


def test_a_zero_weight_drops_a_criterion():
    table = weighted_scores({"cost": 0, "safety": 3}, TINY_SCORES)
    assert table.loc["x", "total"] == pytest.approx(1.0)
    assert table.loc["y", "total"] == pytest.approx(3.0)


def test_a_tie_goes_to_the_option_listed_first():
    scores = {"p": {"cost": 2, "safety": 4}, "q": {"cost": 4, "safety": 2}}
    assert leader({"cost": 1, "safety": 1}, scores) == "p"
    table = weighted_scores({"cost": 1, "safety": 1}, scores)
    assert table["rank"].tolist() == [1, 1]


@pytest.mark.parametrize(
    ("weights", "scores", "message"),
    [
        ({"cost": -1, "safety": 3}, TINY_SCORES, "0 or more"),
        ({"cost": 0, "safety": 0}, TINY_SCORES, "All weights are 0"),
        (TINY_WEIGHTS, {"x": {"cost": 5}}, "missing"),
        (TINY_WEIGHTS, {"x": {"cost": 6, "safety": 1}}, "from 1 to 5"),
        (TINY_WEIGHTS, {"x": {"cost": 5, "safety": 1, "speed": 2}}, "unknown"),
    ],
)
def test_inputs_that_would_give_a_meaningless_total_are_refused(weights, scores, message):
    with pytest.raises(ValueError, match=message):
        weighted_scores(weights, scores)


# Flip points. Tiny example: weights cost 1, safety 1; x = (5, 1), y = (1, 4).
# Totals: x = 3.0, y = 2.5, so x leads by a gap of (5 - 1) + (1 - 4) = 1 weighted point.
# Raising safety (where y beats x by 3) closes the gap at 1 / 3: y draws level at 4/3.
# Lowering cost (where x beats y by 4) closes it at 1 / 4: y draws level at 3/4.
FLIP_WEIGHTS = {"cost": 1, "safety": 1}
FLIP_SCORES = {"x": {"cost": 5, "safety": 1}, "y": {"cost": 1, "safety": 4}}


def test_flip_points_on_a_tiny_example_worked_by_hand():
    flips = flip_points(FLIP_WEIGHTS, FLIP_SCORES)
    assert flips.attrs["leader"] == "x"
    assert flips.loc["safety", "raise_to"] == pytest.approx(4 / 3)
    assert flips.loc["safety", "raise_rival"] == "y"
    assert math.isnan(flips.loc["safety", "lower_to"])  # lowering safety only helps x
    assert flips.loc["cost", "lower_to"] == pytest.approx(3 / 4)
    assert flips.loc["cost", "lower_rival"] == "y"
    assert math.isnan(flips.loc["cost", "raise_to"])
    assert flips.loc["safety", "smallest_change"] == pytest.approx(1 / 3)
    assert flips.loc["cost", "smallest_change"] == pytest.approx(1 / 4)


def test_just_past_a_flip_point_the_rival_leads():
    assert leader({"cost": 1, "safety": 4 / 3 - 0.01}, FLIP_SCORES) == "x"
    assert leader({"cost": 1, "safety": 4 / 3 + 0.01}, FLIP_SCORES) == "y"
    assert leader({"cost": 0.75 + 0.01, "safety": 1}, FLIP_SCORES) == "x"
    assert leader({"cost": 0.75 - 0.01, "safety": 1}, FLIP_SCORES) == "y"


def test_a_flip_beyond_the_slider_range_is_not_reported():
    # y would draw level only at safety = 4/3, beyond a maximum weight of 1.2.
    flips = flip_points(FLIP_WEIGHTS, FLIP_SCORES, max_weight=1.2)
    assert math.isnan(flips.loc["safety", "raise_to"])
    assert flips.loc["safety", "raise_rival"] == ""


def test_lowering_the_only_weight_to_zero_is_not_a_flip():
    # With safety at 0, only cost counts: x (5) beats y (1). Lowering cost to 0 would leave
    # no weight at all, so there is nothing to compare and no flip.
    flips = flip_points({"cost": 1, "safety": 0}, FLIP_SCORES)
    assert math.isnan(flips.loc["cost", "lower_to"])
    # Raising safety from 0: gap is 4 (cost only); y gains 3 per unit of safety weight.
    assert flips.loc["safety", "raise_to"] == pytest.approx(4 / 3)


def test_the_default_lead_is_narrow_on_the_allies_weight():
    # Capped (23) leads the status quo (22) by 5 weighted points at equal weights of 5.
    # On "Signal to allies" the status quo scores 4 and capped restoration 2: raising that
    # weight closes the gap by 2 per unit, so they draw level at 5 + 5 / 2 = 7.5.
    flips = flip_points(DEFAULT_WEIGHTS, DEFAULT_SCORES)
    assert flips.loc["alliance", "raise_to"] == pytest.approx(7.5)
    assert flips.loc["alliance", "raise_rival"] == "status-quo"
    # Lowering "Open channels" (capped 4, status quo 2) closes it by 2 per unit: 5 - 2.5.
    assert flips.loc["open-channels", "lower_to"] == pytest.approx(2.5)


def test_the_answer_key_matches_the_model():
    key = tomllib.loads(
        (ROOT / "src/diplomatic_cover/questions/answer_key/06_policy_debate.toml").read_text()
    )["answers"]
    assert key["06.top-option"]["correct"] == leader(DEFAULT_WEIGHTS, DEFAULT_SCORES)
    flips = flip_points(DEFAULT_WEIGHTS, DEFAULT_SCORES)
    assert key["06.flip-distance"]["correct"] == pytest.approx(flips.loc["alliance", "raise_to"])


def test_the_sweep_passes_through_the_current_totals():
    data = sweep(DEFAULT_WEIGHTS, DEFAULT_SCORES, "alliance")
    now = data[data["weight"] == 5].set_index("option")["total"]
    table = weighted_scores(DEFAULT_WEIGHTS, DEFAULT_SCORES)
    assert now.to_dict() == pytest.approx(table["total"].to_dict())
    assert data["weight"].min() == 0
    assert data["weight"].max() == 10


def test_figures_and_their_alt_text_state_the_numbers():
    table = weighted_scores(DEFAULT_WEIGHTS, DEFAULT_SCORES)
    alt = totals_alt(table)
    assert alt.startswith("Restore with caps and conditions has the highest weighted score, 3.29")
    assert "0.14 ahead of Keep the status quo" in alt
    assert "from 2.71 to 3.29" in alt
    assert "7.50" in sweep_alt(DEFAULT_WEIGHTS, DEFAULT_SCORES, "alliance")
    for fig in (plot_totals(table), plot_sweep(DEFAULT_WEIGHTS, DEFAULT_SCORES, "alliance")):
        assert fig.axes[0].get_xlabel()
        plt.close(fig)


def test_the_explorer_recomputes_when_a_slider_moves():
    explorer = MatrixExplorer()
    box = explorer.widget
    assert box is not None
    explorer._weight_sliders["alliance"].value = 8
    assert explorer.weights["alliance"] == 8
    assert leader(explorer.weights, explorer.scores) == "status-quo"
    explorer._option_picker.value = "status-quo"
    assert explorer._score_sliders["alliance"].value == 4  # the picked option's own score
    explorer._score_sliders["alliance"].value = 1
    assert explorer.scores["status-quo"]["alliance"] == 1
    assert DEFAULT_SCORES["status-quo"]["alliance"] == 4  # the defaults are not changed
    explorer.reset()
    assert explorer.weights == DEFAULT_WEIGHTS


def test_the_explorer_sets_its_outputs_as_widget_state_never_as_printed_output():
    # Printed output inside `with out:` could reach JupyterLab's log console when sliders
    # moved quickly; set as the Output's state, it always lands under the sliders.
    explorer = MatrixExplorer()
    explorer.widget  # noqa: B018 (built on first use)
    explorer._weight_sliders["alliance"].value = 8
    kinds = [o["output_type"] for o in explorer._out.outputs]
    assert kinds == ["display_data"] * 3
    html = explorer._out.outputs[2]["data"]["text/html"]
    assert "Raising it" in html and "text-align:left" in html  # the flips, readable
    for weight in explorer._weight_sliders.values():
        weight.value = 0
    assert explorer._out.outputs[0]["text"].startswith("All weights are 0")


def test_weights_first_shows_no_scores_and_hands_its_weights_to_the_full_explorer():
    first = MatrixExplorer(weights_only=True)
    shown = first.widget.children
    sliders = [w for box in shown if hasattr(box, "children") for w in box.children]
    assert set(first._weight_sliders.values()) <= set(sliders)
    assert not set(first._score_sliders.values()) & set(sliders)  # no scores before the totals
    first._weight_sliders["intel-risk"].value = 9
    first._weight_sliders["open-channels"].value = 2
    shown_text = first._out.outputs[-1]["text"]
    assert shown_text.startswith("Your weights, highest first: Intelligence risk 9;")
    assert "score" not in shown_text.lower() and "total" not in shown_text.lower()
    mine = MatrixExplorer(weights=first.weights)
    assert mine.weights["intel-risk"] == 9 and mine.weights["open-channels"] == 2
    assert mine.weights is not first.weights  # later changes in one do not move the other


def test_the_scores_table_shows_the_default_scores_with_labels():
    table = scores_table()
    assert table.index.name == "Option"
    assert list(table.index) == [o.label for o in OPTIONS]
    assert list(table.columns) == [c.label for c in CRITERIA]
    capped = next(o for o in OPTIONS if o.id == "restore-capped")
    risk = next(c for c in CRITERIA if c.id == "intel-risk")
    assert table.loc[capped.label, risk.label] == DEFAULT_SCORES["restore-capped"]["intel-risk"]


def test_options_and_criteria_have_unique_ids():
    assert len({o.id for o in OPTIONS}) == len(OPTIONS) == 4
    assert len({c.id for c in CRITERIA}) == len(CRITERIA) == 7
    assert set(DEFAULT_SCORES) == {o.id for o in OPTIONS}


# ----------------------------------------------------------------- role cards


def test_there_are_six_roles_and_their_questions_go_to_other_roles():
    assert list(ROLE_CARDS) == ["state", "fbi", "russia", "ally", "congress", "civil"]
    for card in ROLE_CARDS.values():
        assert card.goals and card.red_lines
        assert len(card.arguments) >= 3, card.id
        for to, question in card.questions:
            assert to in ROLE_CARDS and to != card.id, (card.id, to)
            assert question.endswith("?")


def test_cross_questions_come_in_rounds_that_ask_every_role_exactly_once():
    # Round k is every card's k-th question: nobody sits idle, nobody is asked twice.
    roles = set(ROLE_CARDS)
    for k in range(3):
        asked = [card.questions[k][0] for card in ROLE_CARDS.values()]
        assert sorted(asked) == sorted(roles), (k, asked)
    for card in ROLE_CARDS.values():
        assert len({to for to, _ in card.questions}) == 3, card.id


def test_every_factual_argument_names_a_source_with_an_address():
    for card in ROLE_CARDS.values():
        for point in card.arguments:
            assert point.source, (card.id, point.text)
            assert point.url.startswith("https://"), (card.id, point.url)


def test_a_role_card_renders_as_html_with_headings_and_escaped_text():
    page = role_card("russia")
    assert page._repr_html_() == str(page)
    assert "<h3" in page and "Strongest arguments" in page and "Red lines" in page
    assert "Source: <a href=" in page
    assert "To US State Department:" in page
    assert "Russia's" in page or "Russia&#x27;s" in page
    assert "<script" not in page


def test_an_unknown_role_names_the_roles():
    with pytest.raises(KeyError, match="state, fbi"):
        role_card("kgb")


def test_the_printable_role_cards_match_the_module():
    printed = (ROOT / "instructors" / "role_cards.md").read_text(encoding="utf-8")
    assert printed == role_cards_markdown(), "run: python -m diplomatic_cover.policy"
    assert printed.count("<!-- page break -->") == len(ROLE_CARDS)


def test_the_most_sensitive_criterion_is_the_one_with_the_smallest_flip():
    flips = flip_points(FLIP_WEIGHTS, FLIP_SCORES)
    assert most_sensitive(flips) == "cost"  # 1/4 beats 1/3
    none_flip = flip_points({"cost": 1, "safety": 1}, {"x": {"cost": 5, "safety": 5}})
    assert most_sensitive(none_flip) == "cost"  # a single option never loses the lead
