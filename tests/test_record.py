"""The record helpers of notebook 05, checked against rows of data/expulsions.csv by hand.

Each expected number below comes from reading the named rows of the CSV, not from running
the code: e.g. the US expelled 60 on 2018-03-26 and Russia answered with 60 on 2018-03-29,
so the ratio is 60 / 60 = 1.0 and the answer took 29 - 26 = 3 days.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from diplomatic_cover.data import load_expulsions
from diplomatic_cover.lessons import record as rec


@pytest.fixture(scope="module")
def df():
    return load_expulsions()


@pytest.fixture(scope="module")
def pairs(df):
    return rec.response_pairs(df).set_index("response_id")


# --- response_pairs -------------------------------------------------------------------------


def test_russia_answered_the_us_sixty_in_kind_three_days_later(pairs):
    # 2018-03-26_USA_RUS: 60 expelled; 2018-03-29_RUS_USA: 60 expelled, responds_to it.
    answer = pairs.loc["2018-03-29_RUS_USA"]
    assert answer["measure_id"] == "2018-03-26_USA_RUS"
    assert answer["responder"] == "Russia"
    assert answer["measure_by"] == "United States"
    assert (answer["measure_people"], answer["response_people"]) == (60, 60)
    assert answer["ratio"] == 1.0
    assert answer["days_to_respond"] == 3
    assert not answer["month_precision"]


def test_a_smaller_answer_has_a_ratio_below_one(pairs):
    # Bulgaria expelled 70 on 2022-06-28; Russia answered with 14 on 2022-08-05:
    # 14 / 70 = 0.2, and 2 days left in June + 31 in July + 5 in August = 38 days.
    answer = pairs.loc["2022-08-05_RUS_BGR"]
    assert answer["ratio"] == pytest.approx(0.2)
    assert answer["days_to_respond"] == 38


def test_a_month_only_date_is_flagged(pairs):
    # Bulgaria's expulsion is dated 2019-10 (written 2019-10-01, precision month); Russia
    # answered on 2019-12-05: 30 + 30 + 5 = 65 days, but only approximately.
    answer = pairs.loc["2019-12-05_RUS_BGR"]
    assert answer["measure_id"] == "2019-10_BGR_RUS"
    assert answer["days_to_respond"] == 65
    assert answer["month_precision"]


def test_an_undisclosed_answer_has_no_ratio_but_still_a_delay(pairs):
    # Russia's answer of 2022-03-23 to the US's 12 of 2022-02-28 has no disclosed figure.
    answer = pairs.loc["2022-03-23_RUS_USA"]
    assert answer["measure_people"] == 12
    assert pd.isna(answer["response_people"])
    assert pd.isna(answer["ratio"])
    assert answer["days_to_respond"] == 23


def test_a_closure_answering_a_closure_has_no_ratio(pairs):
    # St Petersburg (2018-03-29_RUS_USA_b) answers Seattle (2018-03-26_USA_RUS_b): no counts.
    answer = pairs.loc["2018-03-29_RUS_USA_b"]
    assert answer["response_action"] == "mission_closure"
    assert answer["measure_action"] == "mission_closure"
    assert pd.isna(answer["ratio"])
    assert answer["days_to_respond"] == 3


def test_every_answer_in_the_record_appears_once(df):
    pairs = rec.response_pairs(df)
    assert len(pairs) == df["responds_to"].notna().sum()
    assert pairs["response_id"].is_unique
    assert (pairs["days_to_respond"] >= 0).all()


def test_an_answer_whose_measure_is_not_passed_is_left_out(df):
    only_answer = df[df["event_id"] == "2018-03-29_RUS_USA"]
    assert rec.response_pairs(only_answer).empty
    # A pair slice holds both sides, so the answer is kept.
    us_russia = rec.response_pairs(rec.between(df, "USA", "RUS"))
    assert "2018-03-29_RUS_USA" in set(us_russia["response_id"])


# --- by_year --------------------------------------------------------------------------------


def test_by_year_splits_first_moves_from_answers(df):
    table = rec.by_year(df)
    # 1971: the UK's 105 (1971-09-24_GBR_SUN) and the Soviet answer of 18 (1971-10_SUN_GBR).
    assert table.loc[1971, "expulsion"] == 105
    assert table.loc[1971, "counter_expulsion"] == 18
    assert table.loc[1971, "total"] == 123
    # 2016: one row, the US's 35 of 29 December.
    assert table.loc[2016, ["expulsion", "counter_expulsion", "measures"]].tolist() == [35, 0, 1]


def test_by_year_lists_every_year_and_counts_empty_ones_as_no_measure(df):
    table = rec.by_year(df)
    assert table.index[0] == 1971
    assert table.index[-1] == 2025
    assert len(table) == 2025 - 1971 + 1
    # 1972 has no row at all.
    assert table.loc[1972].tolist() == [0, 0, 0, 0, 0]
    # 2017: only the May pairs order people out (Estonia 2 and Moldova 5, each answered in
    # kind); Russia's cap and the closures of July and August carry no head count.
    assert table.loc[2017].tolist() == [7, 7, 14, 4, 0]


def test_by_year_counts_undisclosed_figures_instead_of_adding_zeros(df):
    table = rec.by_year(df)
    # 2022: Russia's answer to the US of 2022-03-23 has no figure.
    assert table.loc[2022, "undisclosed"] == 1
    # 2023: Germany's April expulsion and Russia's answer (2023-04_DEU_RUS, 2023-04-22_RUS_DEU).
    assert table.loc[2023, "undisclosed"] == 2


def test_by_year_takes_a_range_of_years(df):
    table = rec.by_year(rec.between(df, "USA", "RUS"), 2018, 2018)
    assert table.index.tolist() == [2018]
    assert table.loc[2018, ["expulsion", "counter_expulsion", "total"]].tolist() == [60, 60, 120]
    quiet = rec.by_year(df, 2010, 2012)
    assert quiet["measures"].sum() == 0


# --- people_by, wave, between ---------------------------------------------------------------


def test_people_by_ranks_and_keeps_all_undisclosed_groups_missing(df):
    year_2023 = df[df["date"].dt.year == 2023]
    ranked = rec.people_by(year_2023)
    # Moldova's 45 of July 2023 is the largest figure that year.
    assert ranked.index[0] == "Moldova"
    assert ranked.iloc[0] == 45
    # Germany's only 2023 expulsion has no disclosed count: missing, not 0, and last.
    assert pd.isna(ranked["Germany"])
    assert ranked.index[-1] == "Germany"


def test_people_by_can_count_first_moves_only(df):
    year_2018 = df[df["date"].dt.year == 2018]
    first_moves = rec.people_by(year_2018, actions=("expulsion",))
    assert first_moves["United States"] == 60
    assert "Russia" not in first_moves.index  # all of Russia's 2018 rows were answers
    assert len(rec.people_by(year_2018, n=3)) == 3


def test_people_by_names_the_columns_when_one_is_misspelled(df):
    with pytest.raises(KeyError, match="expelling_country"):
        rec.people_by(df, "expeling_country")


def test_the_skripal_wave_sums_to_the_tally_ap_published(df):
    # AP's list as carried by Nezavisen: "at least 152" Russians sent home, UK 14 March to
    # 28 March. The window also holds Russia's answer of 23 to the UK (17 March): 152 + 23.
    skripal = rec.wave(df, "2018-03-14", "2018-03-28")
    assert skripal["date"].is_monotonic_increasing
    assert skripal["people_expelled"].sum() == 152 + 23
    sent_home = skripal[skripal["target_iso3"] == "RUS"]
    assert sent_home["people_expelled"].sum() == 152


def test_a_wave_includes_both_end_days_and_refuses_reversed_dates(df):
    one_day = rec.wave(df, "2018-03-14", "2018-03-14")
    assert "2018-03-14_GBR_RUS" in set(one_day["event_id"])
    with pytest.raises(ValueError, match="swap"):
        rec.wave(df, "2018-04-01", "2018-03-01")


def test_between_takes_names_or_codes_in_either_order(df):
    by_code = rec.between(df, "USA", "RUS")
    by_name = rec.between(df, "russia", "United States")
    assert by_code["event_id"].tolist() == by_name["event_id"].tolist()
    assert {"2018-03-26_USA_RUS", "2018-03-29_RUS_USA"} <= set(by_code["event_id"])
    assert not by_code["expelling_iso3"].isin(["SUN"]).any()  # Soviet rows are separate


def test_an_unknown_party_lists_the_names(df):
    with pytest.raises(ValueError, match="Bulgaria"):
        rec.between(df, "USA", "Atlantis")


# --- figures and alt text -------------------------------------------------------------------


def test_plot_by_year_draws_two_series_and_switches_to_a_log_axis(df):
    table = rec.by_year(df, 2018, 2022)
    fig = rec.plot_by_year(table, log=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "symlog"
    assert len(ax.patches) == 2 * len(table)
    assert "2018–2022" in ax.get_title()
    plt.close(fig)


def test_plot_ranking_draws_one_panel_per_year(df):
    panels = {str(y): rec.people_by(df[df["date"].dt.year == y], n=5) for y in (2018, 2022)}
    fig = rec.plot_ranking(panels, highlight="Russia")
    assert [ax.get_title() for ax in fig.axes] == ["2018", "2022"]
    assert all(len(ax.patches) == 5 for ax in fig.axes)
    plt.close(fig)


def test_plot_pairs_and_plot_days_draw(df):
    pairs = rec.response_pairs(df)
    fig = rec.plot_pairs(pairs, highlight="POL")
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)
    fig = rec.plot_days(pairs)
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert hatched  # month-precision answers are drawn apart
    plt.close(fig)


def test_alt_text_states_takeaway_and_range(df):
    us_russia = rec.between(df, "USA", "RUS")
    text = rec.describe_by_year(rec.by_year(us_russia, 2018, 2018))
    assert "2018–2018" in text and "2018 (120)" in text
    pairs = rec.response_pairs(us_russia)
    # 1994 1->1, 2001 50->50, 2018 60->60, 2021 10->10, 2022 1->1, 2023 2->2: all in kind.
    assert rec.describe_pairs(pairs).startswith("Scatter of 6 answers")
    assert "6 on the in-kind line, 0 smaller" in rec.describe_pairs(pairs)
    # Delays 3, 1, 34, 3, 3, 1, 29, 6, 23, 22 days: six within a week. (Russia's cap of July
    # 2017 answers the sanctions bill, which is not a row, so it is not a pair.)
    assert "6 came within 7 days" in rec.describe_days(pairs)
    assert "1 to 34 days" in rec.describe_days(pairs)
    ranking = rec.describe_ranking({"2023": rec.people_by(df[df["date"].dt.year == 2023], n=2)})
    assert "Moldova (45)" in ranking
