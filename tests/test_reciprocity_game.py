"""The repeated game of notebook 03 and the reciprocity ratios of real expulsion pairs.

The numbers the notebook and its answer key state (9 against 14, the share of exact mirrors,
which strategy keeps cooperation under noise) are checked here, so a change to the model or
the data that would make the text wrong fails a test.
"""

import csv
import tomllib
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.lessons.reciprocity_game import (
    COOPERATE,
    DEFECT,
    PAYOFFS,
    STRATEGIES,
    GameOver,
    Payoffs,
    RepeatedGame,
    Strategy,
    counter_ratio_table,
    play_match,
    plot_counter_ratios,
    plot_tournament,
    ratio_summary,
    tournament,
    tournament_spread,
    twin_matches,
)
from diplomatic_cover.widgets.reciprocity import ReciprocityGame

ROOT = Path(__file__).resolve().parents[1]
EXPULSIONS_CSV = ROOT / "data" / "expulsions.csv"
ANSWER_KEY = ROOT / "src" / "diplomatic_cover" / "questions" / "answer_key" / "03_reciprocity.toml"


# ---------------------------------------------------------------------------------------
# Payoffs


def test_the_payoffs_are_axelrods_and_form_a_prisoners_dilemma():
    assert PAYOFFS.as_dict() == {"T": 5, "R": 3, "P": 1, "S": 0}
    assert PAYOFFS.score(DEFECT, COOPERATE) == 5  # you expel, they keep your staff
    assert PAYOFFS.score(COOPERATE, COOPERATE) == 3
    assert PAYOFFS.score(DEFECT, DEFECT) == 1
    assert PAYOFFS.score(COOPERATE, DEFECT) == 0


@pytest.mark.parametrize(
    ("t", "r", "p", "s", "message"),
    [
        (3, 5, 1, 0, "T > R > P > S"),  # cooperating pays more than exploiting: no dilemma
        (7, 3, 1, 0, "2R > T"),  # taking turns to exploit beats steady cooperation
    ],
)
def test_payoffs_that_are_not_a_dilemma_are_refused(t, r, p, s, message):
    with pytest.raises(ValueError, match=message):
        Payoffs(t, r, p, s)


def test_a_move_must_be_cooperate_or_defect():
    with pytest.raises(ValueError, match="move"):
        PAYOFFS.score("expel", COOPERATE)


# ---------------------------------------------------------------------------------------
# Matches


def test_tit_for_tat_against_always_defect_over_ten_rounds_scores_9_to_14():
    match = play_match("tit_for_tat", "always_defect", rounds=10)
    # Round 1: TFT keeps staff (0) while the other expels (5); then nine rounds of 1 each.
    assert match.moves_a == (COOPERATE,) + (DEFECT,) * 9
    assert (match.score_a, match.score_b) == (9, 14)


def test_two_tit_for_tat_players_cooperate_throughout_without_noise():
    match = play_match("tit_for_tat", "tit_for_tat", rounds=200)
    assert set(match.moves_a) == set(match.moves_b) == {COOPERATE}
    assert match.score_a == match.score_b == 600


def test_grim_trigger_never_forgives_one_defection_but_tit_for_tat_does():
    once = Strategy(
        "defect_once",
        "Defect in round 3 only",
        "defects in round 3",
        lambda mine, theirs, rng: DEFECT if len(mine) == 2 else COOPERATE,
    )
    grim = play_match("grim_trigger", once, rounds=8)
    tft = play_match("tit_for_tat", once, rounds=8)
    assert grim.moves_a == ("C", "C", "C", "D", "D", "D", "D", "D")
    assert tft.moves_a == ("C", "C", "C", "D", "C", "C", "C", "C")


def test_forgiving_tit_for_tat_lets_some_defections_go_unanswered():
    match = play_match("forgiving_tit_for_tat", "always_defect", rounds=300, seed=4)
    forgiven = match.moves_a[1:].count(COOPERATE) / 299
    assert 0.25 < forgiven < 0.42  # about one in three


def test_the_same_seed_gives_the_same_match_and_another_seed_a_different_one():
    first = play_match("forgiving_tit_for_tat", "random", rounds=100, noise=0.1, seed=7)
    again = play_match("forgiving_tit_for_tat", "random", rounds=100, noise=0.1, seed=7)
    other = play_match("forgiving_tit_for_tat", "random", rounds=100, noise=0.1, seed=8)
    assert first == again
    assert first.moves_b != other.moves_b


def test_misreads_happen_at_about_the_noise_rate():
    # Tit-for-tat copies what it saw; the other side always cooperated, so every defection
    # by tit-for-tat is a misread.
    match = play_match("always_cooperate", "tit_for_tat", rounds=4000, noise=0.1, seed=1)
    misread = match.moves_b[1:].count(DEFECT) / 3999
    assert 0.08 < misread < 0.12
    assert match.moves_a == (COOPERATE,) * 4000  # points follow real moves, not misreads


def test_bad_arguments_get_clear_messages():
    with pytest.raises(KeyError, match="No strategy"):
        play_match("tit_for_two_tats", "random")
    with pytest.raises(ValueError, match="noise"):
        play_match("random", "random", noise=1.5)
    with pytest.raises(ValueError, match="round"):
        play_match("random", "random", rounds=0)


# ---------------------------------------------------------------------------------------
# Tournaments


def test_a_tournament_is_a_table_with_one_row_per_strategy_and_noise_level():
    table = tournament(noise=[0, 0.1], rounds=50, repetitions=2)
    assert isinstance(table, pd.DataFrame)
    assert len(table) == 2 * len(STRATEGIES)
    assert list(table.columns) == ["noise", "strategy", "name", "points_per_round", "rank"]
    assert table.groupby("noise")["rank"].min().tolist() == [1, 1]
    assert table["points_per_round"].between(0, 5).all()


def test_a_tournament_is_deterministic_for_a_seed():
    first = tournament(noise=0.1, rounds=50, repetitions=3, seed=11)
    again = tournament(noise=0.1, rounds=50, repetitions=3, seed=11)
    other = tournament(noise=0.1, rounds=50, repetitions=3, seed=12)
    pd.testing.assert_frame_equal(first, again)
    assert not first["points_per_round"].equals(other["points_per_round"])


def test_nice_strategies_among_themselves_all_score_3_without_noise():
    nice = ["always_cooperate", "tit_for_tat", "grim_trigger", "forgiving_tit_for_tat"]
    table = tournament(nice, rounds=20, repetitions=1)
    assert table["points_per_round"].tolist() == [3.0] * 4


def test_the_tournament_results_the_answer_key_relies_on():
    # The notebook's default run: 200 rounds, 10 repetitions, seed 0.
    table = tournament(noise=[0, 0.1]).set_index(["noise", "strategy"])["points_per_round"]
    assert table[0.0, "grim_trigger"] > table[0.0, "tit_for_tat"]
    leader = table[0.1].idxmax()
    assert leader != "forgiving_tit_for_tat"
    for key in ("tit_for_tat", "grim_trigger", "forgiving_tit_for_tat"):
        assert table[0.1, key] < table[0.0, key]


def test_under_noise_forgiving_twins_keep_cooperating_longest():
    twins = twin_matches(noise=[0, 0.1]).set_index(["noise", "strategy"])
    calm, noisy = twins.loc[0.0], twins.loc[0.1]
    reciprocators = ["tit_for_tat", "grim_trigger", "forgiving_tit_for_tat"]
    assert (calm.loc[reciprocators, "points_per_round"] == 3).all()
    cooperation = noisy.loc[reciprocators, "both_cooperate"]
    assert cooperation.idxmax() == "forgiving_tit_for_tat"
    assert cooperation.idxmin() == "grim_trigger"


def test_the_tournament_figures_draw():
    fig = plot_tournament(tournament(noise=[0, 0.1], rounds=20, repetitions=1))
    assert fig.axes[0].get_xlabel().startswith("Average points per round")
    fig = plot_tournament(twin_matches(rounds=20, repetitions=1), title="Twins")
    assert fig.axes[0].get_title() == "Twins"


def test_the_spread_over_seeds_brackets_each_mean_and_shows_the_noisy_tie():
    spread = tournament_spread(noise=[0, 0.1], seeds=range(5)).set_index(["noise", "strategy"])
    assert (spread["runs"] == 5).all()
    assert (spread["low"] <= spread["points_per_round"]).all()
    assert (spread["points_per_round"] <= spread["high"]).all()
    # The noisy leaders are too close to rank: their ranges over five seeds overlap.
    noisy = spread.loc[0.1].sort_values("points_per_round", ascending=False)
    first, second = noisy.iloc[0], noisy.iloc[1]
    assert {noisy.index[0], noisy.index[1]} == {"always_defect", "grim_trigger"}
    assert second["high"] >= first["low"]
    # One seed gives back the plain tournament's numbers.
    one = tournament_spread(noise=0.1, seeds=[3], rounds=20, repetitions=1)
    plain = tournament(noise=0.1, seed=3, rounds=20, repetitions=1)
    assert one.set_index("strategy")["points_per_round"].to_dict() == pytest.approx(
        plain.set_index("strategy")["points_per_round"].to_dict()
    )
    with pytest.raises(ValueError, match="at least one seed"):
        tournament_spread(seeds=[])


def test_the_tournament_figure_draws_the_spread_as_lines_and_ranges():
    from matplotlib.container import ErrorbarContainer

    table = tournament_spread(noise=[0, 0.1], seeds=range(3), rounds=20, repetitions=1)
    ax = plot_tournament(table).axes[0]
    assert sum(isinstance(c, ErrorbarContainer) for c in ax.containers) == 2  # one per level
    labels = [t.get_text() for t in ax.texts]
    assert any("–" in label and "(" in label for label in labels)
    assert "lowest to highest of 3 runs" in ax.get_xlabel()


# ---------------------------------------------------------------------------------------
# The game a student plays


def test_an_open_ended_game_stops_at_a_round_nobody_was_told_and_saves_its_length():
    lengths = []
    for seed in range(300):
        game = RepeatedGame("tit_for_tat", rounds=40, seed=seed, continue_probability=7 / 8)
        while not game.finished:
            game.play(COOPERATE)
        lengths.append(game.played)
    assert min(lengths) == 1 and max(lengths) <= 40
    assert 6.5 < sum(lengths) / len(lengths) < 9.5  # on average 1 / (1 - 7/8) = 8 rounds
    assert len(set(lengths)) > 10  # not one fixed length
    record = game.record()
    assert record["rounds"] == game.played and record["max_rounds"] == 40
    assert record["continue_probability"] == 7 / 8


def test_the_hidden_strategy_plays_the_same_whatever_the_length():
    fixed = RepeatedGame("forgiving_tit_for_tat", rounds=30, seed=11)
    open_ = RepeatedGame("forgiving_tit_for_tat", rounds=30, seed=11, continue_probability=0.9)
    moves = [DEFECT, COOPERATE] * 15
    for move in moves:
        if open_.finished:
            break
        fixed.play(move)
        open_.play(move)
    assert open_.opponent_moves == fixed.opponent_moves[: open_.played]


@pytest.mark.parametrize("p", [0, 1, 1.5, -0.1])
def test_a_continuation_probability_outside_zero_to_one_is_refused(p):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        RepeatedGame("tit_for_tat", continue_probability=p)


def test_the_open_ended_widget_never_says_how_many_rounds_are_left(tmp_path):
    widget = ReciprocityGame(
        seed=2,
        continue_probability=7 / 8,
        store=ResponseStore(tmp_path / "responses"),
        student=Student(id="ada", name="Ada"),
    )
    assert widget.rounds == 40
    seen = []
    while not widget.game.finished:
        seen.append(widget.status.value)
        widget.cooperate_button.click()
    assert all("may end after any round" in text and " of " not in text for text in seen)
    assert f"Game over after {widget.game.played} rounds" in widget.status.value
    assert widget.defect_button.disabled and not widget.reveal_button.disabled


def test_a_game_against_tit_for_tat_round_by_round():
    game = RepeatedGame("tit_for_tat", rounds=4)
    assert game.play(DEFECT).opponent_move == COOPERATE  # it starts by cooperating: 5 to 0
    assert game.play(COOPERATE).opponent_move == DEFECT  # then copies your expulsion: 0 to 5
    assert game.play(COOPERATE).opponent_move == COOPERATE
    game.play(COOPERATE)
    assert game.finished
    assert (game.score, game.opponent_score) == (5 + 0 + 3 + 3, 0 + 5 + 3 + 3)
    with pytest.raises(GameOver):
        game.play(COOPERATE)
    assert game.record() == {
        "opponent": "tit_for_tat",
        "rounds": 4,
        "moves": ["D", "C", "C", "C"],
        "opponent_moves": ["C", "D", "C", "C"],
        "score": 11,
        "opponent_score": 11,
        "payoffs": {"T": 5, "R": 3, "P": 1, "S": 0},
    }


def test_the_hidden_opponent_is_one_of_three_and_fixed_by_the_seed():
    drawn = {RepeatedGame.with_hidden_opponent(seed=s).opponent for s in range(40)}
    assert drawn == {"tit_for_tat", "grim_trigger", "forgiving_tit_for_tat"}
    assert (
        RepeatedGame.with_hidden_opponent(seed=3).opponent
        == RepeatedGame.with_hidden_opponent(seed=3).opponent
    )


def test_the_widget_plays_eight_rounds_saves_the_moves_and_reveals(tmp_path):
    store = ResponseStore(tmp_path / "responses")
    student = Student(id="ada", name="Ada")
    widget = ReciprocityGame(seed=5, store=store, student=student)
    assert widget.reveal_button.disabled
    for k in range(8):
        (widget.defect_button if k == 2 else widget.cooperate_button).click()
    assert widget.cooperate_button.disabled and widget.defect_button.disabled
    assert not widget.reveal_button.disabled
    saved = store.load(student, "03_reciprocity")
    record = saved["checks"]["03.game-log"]
    assert record["passed"] is None  # a record, never graded
    assert record["value"]["moves"] == ["C", "C", "D", "C", "C", "C", "C", "C"]
    assert record["value"]["opponent"] == widget.game.opponent
    assert record["value"]["score"] == widget.game.score
    assert "03.game-log" not in saved["answers"]
    widget.reveal_button.click()
    assert STRATEGIES[widget.game.opponent].name in widget.status.value
    widget.new_button.click()
    assert widget.game.played == 0 and not widget.cooperate_button.disabled


def test_a_failed_save_does_not_break_the_game(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the answers folder should be", encoding="utf-8")
    widget = ReciprocityGame(
        rounds=2, seed=1, store=ResponseStore(blocker), student=Student("ada", "Ada")
    )
    widget.choose(COOPERATE)
    widget.choose(COOPERATE)
    assert widget.game.finished
    assert "could not be saved" in widget.status.value


# ---------------------------------------------------------------------------------------
# The record: counter-expulsion ratios


def _csv_rows():
    with EXPULSIONS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return {row["event_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def ratios():
    return counter_ratio_table()


@pytest.mark.parametrize(
    ("answer_id", "measure_id", "expected"),
    [
        ("2018-03-29_RUS_USA", "2018-03-26_USA_RUS", 60 / 60),  # US 60, Russia 60
        ("2022-05-18_RUS_FRA", "2022-04-04_FRA_RUS", 34 / 35),  # France 35, Russia 34
        ("2022-08-05_RUS_BGR", "2022-06-28_BGR_RUS", 14 / 70),  # Bulgaria 70, Russia 14
        ("2021-04-18_RUS_CZE", "2021-04-17_CZE_RUS", 20 / 18),  # Czechia 18, Russia 20
        ("1971-10_SUN_GBR", "1971-09-24_GBR_SUN", 18 / 105),  # UK 105, USSR 18
    ],
)
def test_ratios_match_the_rows_of_the_csv_by_hand(ratios, answer_id, expected, measure_id):
    rows = _csv_rows()
    answer = rows[answer_id]
    assert answer["responds_to"] == measure_id
    by_hand = int(answer["people_expelled"]) / int(rows[measure_id]["people_expelled"])
    assert by_hand == pytest.approx(expected)
    row = ratios.set_index("answer_id").loc[answer_id]
    assert row["measure_id"] == measure_id
    assert row["ratio"] == pytest.approx(expected)


def test_only_pairs_with_both_counts_are_kept(ratios):
    ids = set(ratios["answer_id"])
    assert "2022-03-23_RUS_USA" not in ids  # Russia's answer to the US in 2022: no figure
    assert "2017-07-28_RUS_USA" not in ids  # a staff cap, not a head count
    assert ratios["answer_size"].gt(0).all() and ratios["measure_size"].gt(0).all()


def test_days_are_missing_where_a_date_is_known_only_to_the_month(ratios):
    rows = ratios.set_index("answer_id")
    assert pd.isna(rows.loc["1971-10_SUN_GBR", "days"])
    assert rows.loc["2018-03-29_RUS_USA", "days"] == 3


def test_the_summary_agrees_with_a_count_made_from_the_csv(ratios):
    rows = _csv_rows()
    matched = smaller = larger = 0
    for row in rows.values():
        measure = rows.get(row["responds_to"]) if row["responds_to"] else None
        if measure is None or not row["people_expelled"] or not measure["people_expelled"]:
            continue
        a, m = int(row["people_expelled"]), int(measure["people_expelled"])
        matched += a == m
        smaller += a < m
        larger += a > m
    summary = ratio_summary(ratios)
    assert (summary["matched"], summary["smaller"], summary["larger"]) == (
        matched,
        smaller,
        larger,
    )
    assert summary["pairs"] == matched + smaller + larger


def test_the_answer_key_share_of_exact_mirrors_matches_the_data(ratios):
    key = tomllib.loads(ANSWER_KEY.read_text(encoding="utf-8"))["answers"]
    summary = ratio_summary(ratios)
    share = 100 * summary["matched"] / summary["pairs"]
    entry = key["03.mirror-share"]
    assert abs(entry["correct"] - share) <= entry["tolerance"]


def test_the_scatter_plot_labels_the_named_pairs(ratios):
    fig = plot_counter_ratios(ratios)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "USA 60 → RUS 60 (2018)" in texts
    assert "FRA 35 → RUS 34 (2022)" in texts


def test_the_mirror_facts_in_the_answer_key(ratios):
    mirrors = ratios[ratios["answer_size"] == ratios["measure_size"]]
    assert (mirrors["measure_size"] <= 4).sum() == 73
    skripal_round = mirrors["measure_date"].between("2018-03-14", "2018-04-13")
    assert skripal_round.sum() == 28
    assert set(mirrors.loc[skripal_round, "answering_party"]) == {"Russia"}


def test_the_twin_explorer_has_a_named_slider_and_redraws_its_table():
    from diplomatic_cover.reciprocity_game import twin_explorer

    box = twin_explorer()
    slider, out = box.children
    assert slider.description == "Share of moves misread"
    first = out.outputs[0]["data"]["text/html"]
    slider.value = 0.3
    again = out.outputs[0]["data"]["text/html"]
    assert "30% of moves misread" in again and again != first
