"""The coverage model's arithmetic, checked against cases worked by hand."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from diplomatic_cover.lessons.capacity_model import (
    BASELINE,
    LABELS,
    RANGES,
    Assumptions,
    agents_needed,
    coverage,
    describe,
    plot_sensitivity,
    plot_tornado,
    sensitivity,
    sensitivity_alt,
    swings,
    tornado_alt,
)
from diplomatic_cover.widgets.capacity import coverage_explorer


def test_the_worked_example_covers_one_officer_in_five():
    # 1,000 agents, 60% on other work -> 400 free; 400 / 20 per target -> 20 teams;
    # 20 of 100 officers -> 20%. Watching all 100 would need 2,000 free: 1,600 short.
    c = coverage(Assumptions(officers=100, agents=1000, agents_per_target=20, other_work_pct=60))
    assert c.free_agents == 400
    assert c.teams == 20
    assert c.officers_covered == 20
    assert c.share_covered == pytest.approx(0.20)
    assert c.officers_uncovered == 80
    assert c.agents_short == 1600


def test_the_baseline_is_the_worked_example():
    assert Assumptions(100, 1000, 20, 60) == BASELINE
    assert coverage(BASELINE).share_covered == pytest.approx(0.20)


def test_fifty_more_officers_dilute_the_same_twenty_teams():
    # Restored posts add 50 officers; nothing else changes: 20 / 150 = 13.3%.
    c = coverage(Assumptions(officers=150))
    assert c.officers_covered == 20
    assert c.share_covered == pytest.approx(20 / 150)
    assert c.agents_short == 150 * 20 - 400  # 2,600


def test_a_part_team_watches_nobody():
    # 1,000 agents at 35% other work -> 650 free; 650 / 20 = 32.5 -> 32 whole teams.
    c = coverage(Assumptions(other_work_pct=35))
    assert c.free_agents == 650
    assert c.teams == 32
    assert c.share_covered == pytest.approx(0.32)


def test_ninety_percent_other_work_leaves_exactly_a_tenth():
    # 1,000 x 10% = 100 free agents exactly (float arithmetic would give 99.999...).
    c = coverage(Assumptions(other_work_pct=90))
    assert c.free_agents == 100
    assert c.teams == 5


def test_coverage_is_capped_at_everyone_with_no_shortfall():
    # 4 agents per target: 400 free -> 100 teams, exactly enough for 100 officers.
    exact = coverage(Assumptions(agents_per_target=4))
    assert exact.share_covered == 1.0
    assert exact.agents_short == 0
    # 2,500 agents at 20% other work -> 2,000 free -> 100 teams; only 50 officers to watch.
    spare = coverage(Assumptions(officers=50, agents=2500, other_work_pct=20))
    assert spare.teams == 100
    assert spare.officers_covered == 50
    assert spare.share_covered == 1.0
    assert spare.officers_uncovered == 0


def test_agents_needed_turns_the_question_round():
    # 100 officers x 20 = 2,000 free agents; at 60% other work that is 2,000 / 0.4 = 5,000.
    assert agents_needed(BASELINE) == 5000
    # Half the officers: 50 teams x 20 = 1,000 free -> 2,500 agents.
    assert agents_needed(BASELINE, share=0.5) == 2500
    # With 5,000 agents the model does cover everyone (the two functions agree).
    assert coverage(Assumptions(agents=5000)).share_covered == 1.0
    assert coverage(Assumptions(agents=4999)).share_covered < 1.0


def test_agents_needed_rounds_up_to_whole_agents():
    # 10 officers x 7 = 70 free at 35% other work: 70 / 0.65 = 107.7 -> 108 agents.
    a = Assumptions(officers=10, agents_per_target=7, other_work_pct=35)
    assert agents_needed(a) == 108
    assert coverage(Assumptions(10, 108, 7, 35)).share_covered == 1.0
    assert coverage(Assumptions(10, 107, 7, 35)).share_covered < 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"officers": 0}, "officers"),
        ({"agents": -1}, "agents"),
        ({"agents_per_target": 0}, "agents_per_target"),
        ({"other_work_pct": 100}, "percentage"),
    ],
)
def test_impossible_assumptions_are_refused_with_a_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Assumptions(**kwargs)


def test_assumptions_are_frozen():
    with pytest.raises(AttributeError):
        BASELINE.officers = 5  # type: ignore[misc]


def test_every_parameter_has_a_range_that_contains_its_baseline_and_a_label():
    for name, (low, high) in RANGES.items():
        assert low < high
        assert low <= getattr(BASELINE, name) <= high, name
        assert name in LABELS


def test_sensitivity_is_tidy_and_covers_every_parameter():
    table = sensitivity(BASELINE, RANGES, steps=6)
    assert list(table.columns) == [
        "parameter",
        "label",
        "value",
        "is_baseline",
        "share_covered",
        "officers_covered",
        "officers_uncovered",
        "agents_short",
    ]
    assert set(table["parameter"]) == set(RANGES)
    # Every parameter: both ends of its range, and its baseline exactly once.
    for name, (low, high) in RANGES.items():
        rows = table[table["parameter"] == name]
        assert rows["value"].min() == low
        assert rows["value"].max() == high
        assert rows["is_baseline"].sum() == 1
        base = rows[rows["is_baseline"]]
        assert base["share_covered"].iloc[0] == pytest.approx(0.20)


def test_sensitivity_values_match_hand_computed_points():
    table = sensitivity(BASELINE, {"agents": (250, 2500)}, steps=10)  # steps of 250
    by_value = table.set_index("value")["share_covered"]
    # 250 agents -> 100 free -> 5 teams -> 5%; 2,500 -> 1,000 free -> 50 teams -> 50%.
    assert by_value[250] == pytest.approx(0.05)
    assert by_value[2500] == pytest.approx(0.50)
    assert by_value[1000] == pytest.approx(0.20)


def test_sensitivity_moves_the_right_way():
    table = sensitivity(steps=12)
    for name, rising in [
        ("agents", True),
        ("officers", False),
        ("agents_per_target", False),
        ("other_work_pct", False),
    ]:
        shares = table[table["parameter"] == name].sort_values("value")["share_covered"]
        assert shares.is_monotonic_increasing if rising else shares.is_monotonic_decreasing


def test_unknown_parameters_and_bad_steps_are_refused():
    with pytest.raises(KeyError, match="unknown parameter"):
        sensitivity(BASELINE, {"budget": (1, 2)})
    with pytest.raises(ValueError, match="steps"):
        sensitivity(BASELINE, RANGES, steps=1)


def test_swings_rank_agents_per_target_first_over_the_stated_ranges():
    table = swings()
    # Hand-computed ends (others at baseline):
    # agents per target 4 -> 100 teams -> 100%; 30 -> 13 teams -> 13%   swing 87 points
    # agents 250 -> 5%; 2,500 -> 50%                                       swing 45
    # other work 20% -> 40 teams -> 40%; 90% -> 5%                         swing 35
    # officers 50 -> 20/50 = 40%; 300 -> 20/300 = 6.7%                     swing 33.3
    assert list(table["parameter"]) == [
        "agents_per_target",
        "agents",
        "other_work_pct",
        "officers",
    ]
    first = table.iloc[0]
    assert first["share_at_low"] == pytest.approx(1.0)
    assert first["share_at_high"] == pytest.approx(0.13)
    assert table.iloc[3]["share_at_high"] == pytest.approx(20 / 300)


def test_describe_states_the_numbers_and_the_shortfall():
    text = describe(BASELINE)
    assert "400 for surveillance" in text
    assert "20 of 100 officers" in text
    assert "(20%)" in text
    assert "1,600 more free agents" in text
    assert "5,000 agents in all" in text
    assert "with agents to spare" in describe(Assumptions(agents_per_target=4))


def test_plots_draw_and_alt_text_states_the_takeaway_and_ranges():
    table = sensitivity(steps=8)
    fig = plot_sensitivity(table)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 4
    plt.close(fig)
    alt = sensitivity_alt(table)
    assert "coverage 20%" in alt
    assert "Agents per target (24/7) 4–30: coverage 13% to 100%" in alt
    ends = swings()
    fig = plot_tornado(ends)
    plt.close(fig)
    talt = tornado_alt(ends)
    assert talt.startswith("Tornado chart around a baseline coverage of 20%")
    assert "agents per target (24/7), matters most" in talt


def test_the_explorer_has_a_labelled_slider_for_every_assumption():
    ui = coverage_explorer()
    descriptions = [child.description for child in ui.children if hasattr(child, "min")]
    assert descriptions == [
        "Officers to watch",
        "Agents available",
        "Agents per target (24/7)",
        "Effort on other priorities (%)",
    ]
    plt.close("all")
