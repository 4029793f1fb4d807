"""The cover model multiplies three visible assumptions; these tests pin down its arithmetic,
its range, its guard rails, and the record tables notebook 02 shows beside it."""

import matplotlib

matplotlib.use("Agg")

import pytest

from diplomatic_cover import cover_model as cm  # the lesson's namespace, sliders included
from diplomatic_cover.lessons.figures import Figure, kit_style


def test_a_third_of_220_staff_at_three_posts_is_about_73_officers():
    est = cm.officers_under_cover(3, 220 / 3, 1 / 3)
    assert est.staff == pytest.approx(220)
    assert est.point == pytest.approx(73.33, abs=0.01)


def test_the_default_range_is_the_spread_of_the_published_estimates():
    # Lowest: the kit's derived US figure, 100 / 455 = 0.22; highest: two-thirds (Czech, 2009).
    assert cm.published_share_range() == (0.22, 0.67)
    est = cm.officers_under_cover(3, 220 / 3, 1 / 3)
    assert est.share_range == (0.22, 0.67)
    assert est.low == pytest.approx(220 * 0.22)  # 48.4
    assert est.high == pytest.approx(220 * 0.67)  # 147.4
    assert est.low < est.point < est.high


def test_a_share_outside_the_published_range_widens_the_range_to_include_it():
    est = cm.officers_under_cover(2, 50, 0.8)
    assert est.share_range == (0.22, 0.8)
    assert est.high == pytest.approx(est.point) == pytest.approx(80)


def test_an_explicit_share_range_and_staffing_range_combine_low_with_low_and_high_with_high():
    est = cm.officers_under_cover(
        5, 80, 0.3, share_range=(0.2, 0.5), staff_per_post_range=(60, 100)
    )
    assert est.point == pytest.approx(120)
    assert est.low == pytest.approx(5 * 60 * 0.2)  # 60
    assert est.high == pytest.approx(5 * 100 * 0.5)  # 250


def test_closing_every_post_leaves_no_officers_under_cover():
    est = cm.officers_under_cover(0, 73, 0.5)
    assert (est.point, est.low, est.high) == (0, 0, 0)


def test_the_summary_rounds_to_whole_people_and_shows_the_range():
    text = cm.officers_under_cover(3, 220 / 3, 1 / 3).summary()
    assert text.startswith("About 73 intelligence officers (range 48–147) among 220 staff")
    assert "33% of staff" in text and "22%–67%" in text


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((3, 73, 33), {}, "fraction between 0 and 1"),
        ((3, 73, -0.1), {}, "fraction between 0 and 1"),
        ((-1, 73, 0.3), {}, "whole number of posts"),
        ((2.5, 73, 0.3), {}, "whole number of posts"),
        ((3, -5, 0.3), {}, "cannot be negative"),
        ((3, 73, 0.3), {"share_range": (0.5, 0.2)}, "low <= high"),
        ((3, 73, 0.3), {"staff_per_post_range": (80, 100)}, "around staff_per_post"),
    ],
)
def test_impossible_assumptions_are_refused_with_a_message_that_says_why(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cm.officers_under_cover(*args, **kwargs)


def test_every_published_share_names_who_made_it_and_where_it_was_read():
    for e in cm.PUBLISHED_SHARES:
        assert 0 < e.value < 1
        assert e.who and e.basis and e.source_title
        assert e.source_url.startswith("https://")
        assert e.qualifier in {"at least", "up to", "about", "more than"}


def test_the_shares_table_lists_estimates_lowest_first_with_their_hedges():
    table = cm.shares_table()
    assert len(table) == len(cm.PUBLISHED_SHARES)
    assert table["estimate"].iloc[0] == "more than 22%"
    assert table["estimate"].iloc[-1] == "about 67%"
    assert "undated" not in table["year"].tolist()  # the UK (2012) and Czech (2009) are dated


def test_scenarios_are_220_staff_now_367_with_two_consulates_reopened_and_455_in_2017():
    totals = [round(s.total_staff) for s in cm.SCENARIOS]
    assert totals == [220, 367, 455]
    table = cm.scenario_table()
    assert table["officers at 22%"].tolist() == [48, 81, 100]
    assert table["officers at 67%"].tolist() == [147, 246, 305]


def test_the_waves_add_up_to_the_record_42_then_153_then_552():
    waves = cm.expulsion_waves()
    assert waves["wave"].tolist() == ["2016–17", "2018", "2022"]
    # 2016–17: the US's 35 plus Estonia's 2 and Moldova's 5 (May 2017), which Russia
    # answered in kind; Russia expelled no one in answer to the US.
    assert waves["expelled from Russian missions"].tolist() == [42, 153, 552]
    assert waves["of whom by the US"].tolist() == [35, 60, 12]
    assert waves["states and bodies expelling"].tolist()[0] == 3
    assert waves["expelled by Russia in reply"].tolist() == [7, 145, 309]
    # 2016: the two compounds; 2017: San Francisco (one measure with the annexes); 2018: Seattle.
    assert waves["Russian posts closed"].tolist()[:2] == [2, 1]


def test_the_record_totals_officials_can_be_checked_against():
    # The US since 2016: 35 (2016) + 60 (2018) + 10 (2021) + 1 + 12 (2022) + 2 (2023).
    assert cm.expelled_between("2016-01-01", "2025-12-31", only=("USA",)) == 120
    # European states and the EU institution, 24 Feb to MI5's speech of 16 Nov 2022: fewer
    # than the "more than 600" MI5 gave, because the record has known gaps.
    europe = cm.expelled_between("2022-02-24", "2022-11-16", exclude=("USA", "JPN", "CAN", "AUS"))
    assert europe == 531
    assert europe < 600


def test_russia_has_four_posts_open_in_the_us_and_six_closed():
    posts = cm.russian_posts_in_us()
    assert (posts["status"] == "open").sum() == 4
    closed = posts[posts["status"] == "closed"]
    assert set(closed["city"]) >= {"San Francisco", "Seattle"}
    assert len(closed) == 6
    seattle = closed[closed["city"] == "Seattle"].iloc[0]
    assert "submarine base" in seattle["reason given for closing"]
    assert closed["closed"].iloc[0] == "30 Dec 2016"  # oldest closure first


def test_the_figures_draw_and_their_alt_text_states_the_range():
    with kit_style():
        fig = cm.plot_officers_vs_share()
    assert len(fig.axes[0].get_lines()) == len(cm.SCENARIOS)
    alt = cm.officers_vs_share_alt()
    assert "22% to 67%" in alt and "48 to 147" in alt and "100 to 305" in alt
    assert Figure(fig, alt=alt).png.startswith(b"\x89PNG")

    with kit_style():
        fig = cm.plot_waves()
    assert "0 to 552 people" in cm.waves_alt()
    assert "each wave is larger than the one before" in cm.waves_alt()
    assert Figure(fig, alt=cm.waves_alt()).png.startswith(b"\x89PNG")


def test_the_sliders_are_labelled_and_show_the_estimate():
    widget = cm.interactive_estimate()
    sliders = [c for c in widget.children if hasattr(c, "min")]
    assert len(sliders) == 3
    assert all(s.description for s in sliders)
    assert len({s.description_width for s in sliders}) == 1  # the tracks line up
    widget.children[2].value = 0.5  # the share slider
    printed = "".join(o["text"] for o in widget.children[-1].outputs)
    assert "About 110 intelligence officers" in printed  # 3 posts × 73 staff × 50%
    assert "at or above 5 of the 6 published estimates" in printed
