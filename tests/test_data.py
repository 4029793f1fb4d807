"""The expulsion record: what the loaders return, what the data must satisfy, how typos fail.

Three groups of tests:
- the real files load with the dtypes the notebooks rely on;
- the real data hangs together (responses point back in time and across the pair, wave
  totals match tallies published by sources other than the ones the rows came from);
- tiny broken CSVs written to tmp_path raise DataFileError naming file, row and column.
"""

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from diplomatic_cover.data import (
    ACTIONS,
    COUNTRY_CODES,
    DataFileError,
    load_expulsions,
    load_missions,
    load_sources,
    load_timeline,
)

# --- the real files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def expulsions():
    return load_expulsions()


@pytest.fixture(scope="module")
def sources():
    return load_sources()


@pytest.fixture(scope="module")
def missions():
    return load_missions()


def test_expulsions_load_with_the_dtypes_the_notebooks_use(expulsions):
    assert str(expulsions["date"].dtype).startswith("datetime64")
    assert expulsions["people_expelled"].dtype == "Int64"
    assert list(expulsions["action"].cat.categories) == list(ACTIONS)
    assert expulsions["confidence"].cat.ordered  # medium < high
    assert set(expulsions["expelling_iso3"].cat.categories) == set(COUNTRY_CODES)
    # an undisclosed figure is missing, not zero: 2022-03-23, Russia's answer to the US
    answer = expulsions.set_index("event_id").loc["2022-03-23_RUS_USA"]
    assert pd.isna(answer["people_expelled"])


def test_the_record_runs_from_1971_to_2025_in_date_order(expulsions):
    assert expulsions["date"].min().year == 1971
    assert expulsions["date"].max() <= pd.Timestamp("2025-12-31")
    ordered = expulsions.sort_values(["date", "event_id"], ignore_index=True)
    assert ordered["event_id"].tolist() == expulsions["event_id"].tolist()


def test_no_id_is_used_twice_in_any_file(expulsions, sources, missions):
    assert expulsions["event_id"].is_unique
    assert not sources.duplicated(["event_id", "source_url"]).any()
    assert missions["post_id"].is_unique
    assert load_timeline()["step_id"].is_unique


def test_every_response_answers_an_earlier_or_same_day_measure_by_the_other_side(expulsions):
    by_id = expulsions.set_index("event_id")
    responses = expulsions.dropna(subset=["responds_to"])
    assert len(responses) > 100
    for row in responses.itertuples():
        answered = by_id.loc[row.responds_to]
        # The side that acts now is the side that was targeted, and vice versa.
        assert row.expelling_iso3 == answered.target_iso3, row.event_id
        assert row.target_iso3 == answered.expelling_iso3, row.event_id
        assert answered.date <= row.date, row.event_id


def test_caps_and_closures_carry_no_head_count(expulsions):
    actions = expulsions[expulsions["action"].isin(["staff_cap", "mission_closure"])]
    assert actions["people_expelled"].isna().all()


# A high row needs a second report in sources.csv, unless its own source is an official
# statement (a government or organisation site).
OFFICIAL_HOSTS = (".gov", ".gov.uk", "mid.ru", "kremlin.ru", "nato.int", "europa.eu")


def test_every_high_confidence_row_shows_its_second_report(expulsions, sources):
    backed = set(sources["event_id"])
    high = expulsions[expulsions["confidence"] == "high"]
    lacking = [
        row.event_id
        for row in high.itertuples()
        if row.event_id not in backed
        and not (urlparse(row.source_url).hostname or "").endswith(OFFICIAL_HOSTS)
    ]
    assert lacking == []


def test_a_second_report_is_not_the_rows_own_source(expulsions, sources):
    merged = sources.merge(expulsions[["event_id", "source_url"]], on="event_id")
    assert (merged["source_url_x"] != merged["source_url_y"]).all()


def _people_expelled_from_russia(expulsions, first, last, exclude=()):
    rows = expulsions[
        expulsions["action"].isin(["expulsion", "counter_expulsion"])
        & (expulsions["target_iso3"] == "RUS")
        & expulsions["date"].between(first, last)
        & ~expulsions["expelling_iso3"].isin(exclude)
    ]
    return int(rows["people_expelled"].sum())


def test_the_2018_skripal_wave_adds_up_to_the_published_total(expulsions):
    # AP's running list, as carried by Nezavisen ("27 countries to expel Russian diplomats",
    # https://nezavisen.mk/27-countries-to-expel-russian-diplomats/?lang=en): "at least 152"
    # sent home by the UK (14 March), 27 countries and NATO up to 28 March. UAWire ("Georgia
    # expels Russian diplomat") gives the same 152. Neither page is a source of any row.
    # "At least" because it adds up the announced figures, as our rows do, so we expect the
    # same number: a dropped, doubled or altered row shows up here.
    assert _people_expelled_from_russia(expulsions, "2018-03-14", "2018-03-28") == 152


def test_the_2022_wave_is_within_the_totals_published_at_the_time(expulsions):
    # The Economist (text mirrored at newsdigest360.com, counted up to Austria's move of
    # 7 April 2022): "more than 400" Russian officials expelled from America and Europe since
    # the war began. Scope: the US, European states and the EU institution, 24 Feb - 7 Apr.
    us_and_europe = _people_expelled_from_russia(
        expulsions, "2022-02-24", "2022-04-07", exclude=("JPN", "CAN", "AUS")
    )
    assert us_and_europe > 400
    # ERR News, "Russia shuts Baltic states' consulates in St. Petersburg, Pskov" (21 April
    # 2022): 480 expelled by NATO and EU member states since 24 February, plus 8 by Japan.
    # Our rows miss some measures (see data/README.md, known gaps), so only the upper side
    # can be tested: more than 480 would mean a measure counted twice.
    member_states = _people_expelled_from_russia(
        expulsions, "2022-02-24", "2022-04-21", exclude=("JPN", "EUU")
    )
    assert member_states <= 480


def test_a_closed_post_points_to_a_closure_between_its_two_countries(expulsions, missions):
    by_id = expulsions.set_index("event_id")
    closed = missions.dropna(subset=["closed_by_event"])
    assert len(closed) >= 7
    for post in closed.itertuples():
        event = by_id.loc[post.closed_by_event]
        assert event.action == "mission_closure", post.post_id
        pair = {event.expelling_iso3, event.target_iso3}
        assert pair == {post.country_of_mission, post.host_country}, post.post_id
        # A post closes on or after the announcement (same year, at year precision).
        if post.closed_precision == "year":
            assert post.closed.year >= event.date.year, post.post_id
        else:
            assert post.closed >= event.date, post.post_id


def test_importing_the_loader_does_not_import_pandas_and_loading_needs_no_validator():
    code = (
        "import sys, diplomatic_cover.data as d\n"
        "assert 'pandas' not in sys.modules\n"
        "d.load_expulsions(); d.load_sources(); d.load_missions(); d.load_timeline()\n"
        "assert 'pandas' in sys.modules\n"
        "assert not {'frictionless', 'jsonschema'} & set(sys.modules), 'validator imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- tiny broken files ---------------------------------------------------------------------

HEADER = (
    "event_id,date,date_precision,expelling_country,expelling_iso3,target_country,"
    "target_iso3,people_expelled,action,responds_to,stated_reason,source_title,source_url,"
    "confidence,note"
)
UK_ROW = (
    "2018-03-14_GBR_RUS,2018-03-14,day,United Kingdom,GBR,Russia,RUS,23,expulsion,,"
    "Skripal poisoning,UK expels 23,https://example.org/uk,high,"
)
RU_ROW = (
    "2018-03-17_RUS_GBR,2018-03-17,day,Russia,RUS,United Kingdom,GBR,23,counter_expulsion,"
    "2018-03-14_GBR_RUS,answer to the UK,Russia expels 23,https://example.org/ru,high,"
)
SOURCES = (
    "event_id,source_title,source_url,supports\n2018-03-14_GBR_RUS,TASS,https://tass.com/1,count\n"
)
MISSIONS = (
    "post_id,country_of_mission,host_country,city,post_type,opened,opened_precision,closed,"
    "closed_precision,closed_by_event,source_title,source_url,note\n"
    "USA-RUS-STPETERSBURG,USA,RUS,St Petersburg,consulate_general,1972-01-01,year,"
    "2018-03-31,day,2018-03-17_RUS_GBR,History,https://example.org/spb,\n"
)
TIMELINE = (
    "step_id,date,date_precision,place,step,participants,outcome,source_title,source_url,note\n"
    "2025-02-27_istanbul,2025-02-27,day,Istanbul,first round,Coulter; Darchiev,constructive,"
    "Kyiv Independent,https://example.org/ist,\n"
)


def write_package(folder: Path, expulsions: str | None = None, **files: str) -> Path:
    """Write a two-row record (a UK expulsion and Russia's answer) and its companion files."""
    texts = {
        "expulsions.csv": expulsions or f"{HEADER}\n{UK_ROW}\n{RU_ROW}\n",
        "sources.csv": SOURCES,
        "missions.csv": MISSIONS,
        "timeline_2025.csv": TIMELINE,
    }
    texts.update({f"{name}.csv": text for name, text in files.items()})
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_tiny_files_are_valid_so_each_broken_copy_fails_for_one_reason(tmp_path):
    folder = write_package(tmp_path)
    record = load_expulsions(folder / "expulsions.csv")
    assert record["people_expelled"].tolist() == [23, 23]
    assert len(load_sources(folder / "sources.csv")) == 1
    assert len(load_missions(folder / "missions.csv")) == 1
    assert len(load_timeline(folder / "timeline_2025.csv")) == 1


#: "23" and "2018" in the digits used in much of the Arab world: int() reads them, the codebook
#: does not (a spreadsheet would not sort or sum them as numbers).
ARABIC_23 = "\u0662\u0663"
ARABIC_2018 = "\u0662\u0660\u0661\u0668"

BROKEN_EXPULSIONS = {
    # name: (the broken file, spreadsheet row, column, words the message must contain)
    "a typo in a date": (
        f"{HEADER}\n{UK_ROW}\n{RU_ROW.replace(',2018-03-17,', ',2018-03-71,')}\n",
        3,
        "date",
        "YYYY-MM-DD",
    ),
    "a date written the American way": (
        f"{HEADER}\n{UK_ROW.replace(',2018-03-14,', ',03/14/2018,')}\n{RU_ROW}\n",
        2,
        "date",
        "found '03/14/2018'",
    ),
    "an unknown action": (
        f"{HEADER}\n{UK_ROW}\n{RU_ROW.replace('counter_expulsion', 'retaliation')}\n",
        3,
        "action",
        "expected one of expulsion, counter_expulsion",
    ),
    "a dangling responds_to": (
        f"{HEADER}\n{UK_ROW}\n{RU_ROW.replace(',2018-03-14_GBR_RUS,', ',2018-03-41_GBR_RUS,')}\n",
        3,
        "responds_to",
        "not an event_id in this file",
    ),
    "a duplicate id": (
        f"{HEADER}\n{UK_ROW}\n{RU_ROW}\n{UK_ROW}\n",
        4,
        "event_id",
        "already in row 2",
    ),
    "a missing column": (
        f"{HEADER.replace(',confidence', '')}\n{UK_ROW}\n{RU_ROW}\n",
        1,
        "confidence",
        "missing column",
    ),
    "a count with decimals": (
        f"{HEADER}\n{UK_ROW.replace(',23,', ',23.0,')}\n{RU_ROW}\n",
        2,
        "people_expelled",
        "whole number",
    ),
    "an id that does not spell its date": (
        f"{HEADER}\n{UK_ROW.replace('2018-03-14_GBR_RUS,', '2018-03-15_GBR_RUS,', 1)}\n",
        2,
        "event_id",
        "expected '2018-03-14_GBR_RUS'",
    ),
    "an unknown country code": (
        f"{HEADER}\n{UK_ROW.replace(',GBR,', ',UK,')}\n",
        2,
        "expelling_iso3",
        "found 'UK'",
    ),
    "a name that does not go with its code": (
        f"{HEADER}\n{UK_ROW.replace('United Kingdom', 'Britain')}\n",
        2,
        "expelling_country",
        "expected 'United Kingdom'",
    ),
    "a staff cap with a head count": (
        f"{HEADER}\n{UK_ROW.replace(',expulsion,', ',staff_cap,')}\n",
        2,
        "people_expelled",
        "a staff cap is an action, not a count",
    ),
    "a count written in Arabic-Indic digits": (
        f"{HEADER}\n{UK_ROW.replace(',23,', f',{ARABIC_23},')}\n",
        2,
        "people_expelled",
        "whole number",
    ),
    "a date written in Arabic-Indic digits": (
        f"{HEADER}\n{UK_ROW.replace(',2018-03-14,', f',{ARABIC_2018}-03-14,')}\n",
        2,
        "date",
        "YYYY-MM-DD",
    ),
    "an unquoted comma in a cell": (
        f"{HEADER}\n{UK_ROW.replace('Skripal poisoning', 'Skripal, Salisbury')}\n",
        2,
        None,
        "expected 15 cells, found 16",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_EXPULSIONS))
def test_a_broken_expulsions_file_says_where_and_what_was_expected(tmp_path, case):
    text, row, column, words = BROKEN_EXPULSIONS[case]
    path = write_package(tmp_path, expulsions=text) / "expulsions.csv"
    with pytest.raises(DataFileError) as caught:
        load_expulsions(path)
    error = caught.value
    assert (error.file, error.row, error.column) == ("expulsions.csv", row, column)
    assert words in str(error)
    assert str(error).startswith(f"expulsions.csv, row {row}")


def test_the_error_is_a_value_error_with_a_readable_message(tmp_path):
    text = f"{HEADER}\n{UK_ROW}\n{RU_ROW.replace('counter_expulsion', 'retaliation')}\n"
    path = write_package(tmp_path, expulsions=text) / "expulsions.csv"
    with pytest.raises(ValueError, match=r"^expulsions\.csv, row 3, column 'action': expected"):
        load_expulsions(path)


def test_a_source_for_an_event_that_is_not_in_the_record(tmp_path):
    broken = SOURCES + "2018-03-18_RUS_GBR,BBC,https://bbc.co.uk/1,date\n"
    folder = write_package(tmp_path, sources=broken)
    with pytest.raises(DataFileError, match=r"row 3, column 'event_id'.*expulsions\.csv"):
        load_sources(folder / "sources.csv")


def test_a_post_closed_by_an_event_that_is_not_in_the_record(tmp_path):
    folder = write_package(tmp_path, missions=MISSIONS.replace("_RUS_GBR,", "_RUS_USA,"))
    with pytest.raises(DataFileError, match="row 2, column 'closed_by_event'"):
        load_missions(folder / "missions.csv")


def test_a_year_only_opening_must_be_written_as_1_january(tmp_path):
    folder = write_package(
        tmp_path, missions=MISSIONS.replace("1972-01-01,year", "1972-06-01,year")
    )
    with pytest.raises(DataFileError, match=r"row 2, column 'opened'.*1 January"):
        load_missions(folder / "missions.csv")


def test_a_timeline_step_whose_id_does_not_start_with_its_date(tmp_path):
    folder = write_package(tmp_path, timeline_2025=TIMELINE.replace(",2025-02-27,", ",2025-02-28,"))
    with pytest.raises(DataFileError, match=r"row 2, column 'step_id'.*2025-02-28_"):
        load_timeline(folder / "timeline_2025.csv")


def test_a_date_known_only_to_the_month_must_be_written_as_the_1st(tmp_path):
    month_row = UK_ROW.replace(
        "2018-03-14_GBR_RUS,2018-03-14,day,", "2018-03_GBR_RUS,2018-03-14,month,"
    )
    folder = write_package(tmp_path, expulsions=f"{HEADER}\n{month_row}\n")
    with pytest.raises(DataFileError, match=r"row 2, column 'date'.*written as the 1st"):
        load_expulsions(folder / "expulsions.csv")
    step = TIMELINE.replace(
        "2025-02-27_istanbul,2025-02-27,day,", "2025-02_istanbul,2025-02-27,month,"
    )
    (tmp_path / "timeline").mkdir()
    folder = write_package(tmp_path / "timeline", timeline_2025=step)
    with pytest.raises(DataFileError, match=r"row 2, column 'date'.*written as the 1st"):
        load_timeline(folder / "timeline_2025.csv")


# --- files saved the wrong way ---------------------------------------------------------------

ACCENTED_ROW = UK_ROW.replace("Skripal poisoning", "Skripal poisoning \u2013 Salisbury caf\u00e9")


@pytest.mark.parametrize(
    ("encoding", "row", "hint"),
    [
        # Excel's plain "CSV" on Windows: the file reads until the first accented letter.
        ("cp1252", 2, "save it as UTF-8"),
        # "Unicode text" in Excel: every character takes two bytes, starting with a marker.
        ("utf-16", 1, "UTF-16"),
    ],
)
def test_a_file_not_saved_as_utf8_says_so_and_how_to_fix_it(tmp_path, encoding, row, hint):
    path = write_package(tmp_path) / "expulsions.csv"
    path.write_bytes(f"{HEADER}\n{ACCENTED_ROW}\n".encode(encoding))
    with pytest.raises(DataFileError) as caught:
        load_expulsions(path)
    assert (caught.value.file, caught.value.row) == ("expulsions.csv", row)
    assert hint in str(caught.value)
    assert "UTF-8" in str(caught.value)


def test_the_cp1252_error_names_the_column_of_the_first_accented_letter(tmp_path):
    path = write_package(tmp_path) / "expulsions.csv"
    path.write_bytes(f"{HEADER}\n{ACCENTED_ROW}\n".encode("cp1252"))
    with pytest.raises(DataFileError, match=r"^expulsions\.csv, row 2, column 'stated_reason'"):
        load_expulsions(path)


def test_a_cell_too_long_for_the_csv_reader_is_a_data_file_error(tmp_path):
    long_note = "x" * 200_000
    path = write_package(tmp_path, expulsions=f"{HEADER}\n{UK_ROW}{long_note}\n") / "expulsions.csv"
    with pytest.raises(DataFileError) as caught:
        load_expulsions(path)
    assert (caught.value.file, caught.value.row) == ("expulsions.csv", 2)
    assert "too long" in str(caught.value)
