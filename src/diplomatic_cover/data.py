"""Load the kit's expulsion record (`data/*.csv`) as checked pandas DataFrames.

The CSV files are edited by hand, in spreadsheets and text editors, by people who are not
programmers. A typo there should stop a notebook with a message that says which file, which
row (as the spreadsheet numbers it: the header is row 1) and which column is wrong and what
was expected, not surface three cells later as a NaN or a `KeyError`. So every loader reads the
file as text, checks each cell against the codebook in `data/README.md`, and only then builds
the DataFrame with proper dtypes.

The same rules are written as a Frictionless Table Schema in `data/datapackage.json`, and the
tests validate the files against it with the `frictionless` library. The loaders do not use
that library (nor jsonschema): it is a test-only dependency, heavy to import, and its reports
are written for data engineers rather than students. `tests/test_datapackage.py` checks that
the two descriptions of the files agree.

pandas is imported inside the functions, so `import diplomatic_cover.data` stays cheap.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from diplomatic_cover.paths import data_dir

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ACTIONS",
    "CONFIDENCE",
    "COUNTRY_CODES",
    "COVERAGE_END",
    "COVERAGE_START",
    "DataFileError",
    "load_expulsions",
    "load_missions",
    "load_sources",
    "load_timeline",
]

#: First and last day the record covers; a date outside is a typo or out of scope.
COVERAGE_START = date(1971, 1, 1)
COVERAGE_END = date(2025, 12, 31)

#: What a row of expulsions.csv records. The order is the codebook's.
ACTIONS = ("expulsion", "counter_expulsion", "staff_cap", "mission_closure", "other")

#: Ordered from weaker to stronger, so `df.confidence >= "high"` works on the categorical.
CONFIDENCE = ("medium", "high")

#: Every party code the record uses, with the one English name it is written with.
#: ISO 3166-1 alpha-3 where one exists; SUN (ISO 3166-3, withdrawn) for the Soviet Union;
#: NATO and EUU (the World Bank's code) for the two organisations, which have no ISO code.
#: A closed list catches typos such as "GER" that a pattern like [A-Z]{3} would let through.
COUNTRY_CODES: dict[str, str] = {
    "ALB": "Albania",
    "AUS": "Australia",
    "AUT": "Austria",
    "BEL": "Belgium",
    "BGR": "Bulgaria",
    "CAN": "Canada",
    "CZE": "Czech Republic",
    "DEU": "Germany",
    "DNK": "Denmark",
    "ESP": "Spain",
    "EST": "Estonia",
    "EUU": "European Union",
    "FIN": "Finland",
    "FRA": "France",
    "GBR": "United Kingdom",
    "GEO": "Georgia",
    "GRC": "Greece",
    "HRV": "Croatia",
    "HUN": "Hungary",
    "IRL": "Ireland",
    "ITA": "Italy",
    "JPN": "Japan",
    "LTU": "Lithuania",
    "LUX": "Luxembourg",
    "LVA": "Latvia",
    "MDA": "Moldova",
    "MKD": "North Macedonia",
    "MNE": "Montenegro",
    "NATO": "NATO",
    "NLD": "Netherlands",
    "NOR": "Norway",
    "POL": "Poland",
    "PRT": "Portugal",
    "ROU": "Romania",
    "RUS": "Russia",
    "SUN": "Soviet Union",
    "SVK": "Slovakia",
    "SVN": "Slovenia",
    "SWE": "Sweden",
    "UKR": "Ukraine",
    "USA": "United States",
}

#: missions.csv covers Russia's posts in the US and the US's posts in Russia only; Soviet-era
#: posts are filed under RUS, the state that continued them.
MISSION_COUNTRIES = ("RUS", "USA")
POST_TYPES = ("embassy", "consulate_general", "mission_to_un", "compound", "trade_mission")
DATE_PRECISIONS = ("day", "month")
POST_DATE_PRECISIONS = ("day", "year")

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which int() reads but a
# spreadsheet does not treat as numbers.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNT = re.compile(r"[0-9]+")
_URL = re.compile(r"https?://[^\s/]+\S*")
_LETTER_SUFFIX = re.compile(r"(_[b-z])?")
_STEP_SLUG = re.compile(r"_[a-z0-9]+(_[a-z0-9]+)*")
_POST_ID = re.compile(r"(RUS|USA)-(RUS|USA)-[A-Z]+(-[A-Z]+)*")


class DataFileError(ValueError):
    """A data file breaks the codebook; says where (file, row, column) and what was expected.

    `row` is the row number a spreadsheet shows: the header is row 1, the first record row 2.
    A ValueError subclass, because the file's content, not the program, is wrong.
    """

    def __init__(self, file: str, row: int, column: str | None, problem: str) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.problem = problem
        where = f"{file}, row {row}" + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {problem}")


Kind = Literal["text", "date", "count", "category", "ordered"]
Check = Callable[[str], str | None]


@dataclass(frozen=True)
class _Column:
    """One column of a file: how to check a cell (a message, or None if fine) and its dtype."""

    name: str
    check: Check
    kind: Kind = "text"
    required: bool = True
    categories: tuple[str, ...] = ()


def _text(value: str) -> str | None:
    """Refuse spaces at either end: invisible in a spreadsheet, they make two ids differ."""
    if value != value.strip():
        return f"found {value!r} with spaces at an end; expected the text without them"
    return None


def _pattern(regex: str, what: str) -> Check:
    compiled = re.compile(regex)

    def check(value: str) -> str | None:
        if compiled.fullmatch(value) is None:
            return f"expected {what}, found {value!r}"
        return None

    return check


def _one_of(options: Sequence[str]) -> Check:
    def check(value: str) -> str | None:
        if value not in options:
            return f"expected one of {', '.join(options)}; found {value!r}"
        return None

    return check


def _date_between(earliest: date, latest: date) -> Check:
    def check(value: str) -> str | None:
        expected = f"a date written YYYY-MM-DD between {earliest} and {latest}"
        if _ISO_DATE.fullmatch(value) is None:
            return f"expected {expected}, found {value!r}"
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return f"expected {expected}, found {value!r}, which is not a calendar date"
        if not earliest <= day <= latest:
            return f"expected {expected}, found {value}"
        return None

    return check


def _count(value: str) -> str | None:
    if _COUNT.fullmatch(value) is None:
        return (
            f"expected a whole number written with digits only (or an empty cell where no "
            f"figure was disclosed), found {value!r}"
        )
    return None


def _url(value: str) -> str | None:
    if _URL.fullmatch(value) is None:
        return f"expected a web address starting with http:// or https://, found {value!r}"
    return None


_ANY_DATE = _date_between(date(1900, 1, 1), COVERAGE_END)
_CODES = tuple(COUNTRY_CODES)

EXPULSION_COLUMNS = (
    _Column("event_id", _pattern(r"\S+", "an event id such as 2018-03-26_USA_RUS")),
    _Column("date", _date_between(COVERAGE_START, COVERAGE_END), "date"),
    _Column("date_precision", _one_of(DATE_PRECISIONS), "category", categories=DATE_PRECISIONS),
    _Column("expelling_country", _text),
    _Column("expelling_iso3", _one_of(_CODES), "category", categories=_CODES),
    _Column("target_country", _text),
    _Column("target_iso3", _one_of(_CODES), "category", categories=_CODES),
    _Column("people_expelled", _count, "count", required=False),
    _Column("action", _one_of(ACTIONS), "category", categories=ACTIONS),
    _Column("responds_to", _text, required=False),
    _Column("stated_reason", _text),
    _Column("source_title", _text),
    _Column("source_url", _url),
    _Column("confidence", _one_of(CONFIDENCE), "ordered", categories=CONFIDENCE),
    _Column("note", _text, required=False),
)

SOURCE_COLUMNS = (
    _Column("event_id", _text),
    _Column("source_title", _text),
    _Column("source_url", _url),
    _Column("supports", _text),
)

MISSION_COLUMNS = (
    _Column("post_id", _pattern(_POST_ID.pattern, "a post id such as RUS-USA-SEATTLE")),
    _Column(
        "country_of_mission",
        _one_of(MISSION_COUNTRIES),
        "category",
        categories=MISSION_COUNTRIES,
    ),
    _Column("host_country", _one_of(MISSION_COUNTRIES), "category", categories=MISSION_COUNTRIES),
    _Column("city", _text),
    _Column("post_type", _one_of(POST_TYPES), "category", categories=POST_TYPES),
    _Column("opened", _ANY_DATE, "date", required=False),
    _Column(
        "opened_precision",
        _one_of(POST_DATE_PRECISIONS),
        "category",
        required=False,
        categories=POST_DATE_PRECISIONS,
    ),
    _Column("closed", _ANY_DATE, "date", required=False),
    _Column(
        "closed_precision",
        _one_of(POST_DATE_PRECISIONS),
        "category",
        required=False,
        categories=POST_DATE_PRECISIONS,
    ),
    _Column("closed_by_event", _text, required=False),
    _Column("source_title", _text),
    _Column("source_url", _url),
    _Column("note", _text, required=False),
)

TIMELINE_COLUMNS = (
    _Column("step_id", _pattern(r"\S+", "a step id such as 2025-02-27_istanbul")),
    _Column("date", _date_between(date(2025, 1, 1), date(2025, 12, 31)), "date"),
    _Column("date_precision", _one_of(DATE_PRECISIONS), "category", categories=DATE_PRECISIONS),
    _Column("place", _text),
    _Column("step", _text),
    _Column("participants", _text),
    _Column("outcome", _text),
    _Column("source_title", _text),
    _Column("source_url", _url),
    _Column("note", _text, required=False),
)


@dataclass(frozen=True)
class _Table:
    """The checked text of one file: its records as dicts, and each record's spreadsheet row."""

    file: str
    records: list[dict[str, str]]
    rows: list[int]

    def error(self, index: int, column: str | None, problem: str) -> DataFileError:
        return DataFileError(self.file, self.rows[index], column, problem)


_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _decode(path: Path, names: Sequence[str]) -> str:
    """The file's text, or a DataFileError saying where it stops being UTF-8 and how to fix it.

    Spreadsheets save CSV in other encodings unless told: Excel's plain "CSV" on Windows is
    cp1252 (fine until the first accented letter), its "Unicode text" is UTF-16.
    """
    raw = path.read_bytes()
    try:
        # utf-8-sig: Excel's "CSV UTF-8" adds a byte-order mark that would glue onto the 1st name.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if raw.startswith(_UTF16_MARKS):
            raise DataFileError(
                path.name,
                1,
                None,
                'the file is saved as UTF-16 ("Unicode text"); expected UTF-8: save it as '
                '"CSV UTF-8" (in a text editor: encoding UTF-8)',
            ) from None
        before = raw[: error.start].decode("utf-8-sig", errors="replace")
        row = before.count("\n") + 1
        line_so_far = before.rsplit("\n", 1)[-1]
        position = len(next(csv.reader([line_so_far]), [""]))
        column = names[position - 1] if row > 1 and 0 < position <= len(names) else None
        raise DataFileError(
            path.name,
            row,
            column,
            f"byte {raw[error.start]:#04x} is not UTF-8 text (the file was probably saved as "
            f'Windows/Latin-1 "CSV"); save it as UTF-8 ("CSV UTF-8" in Excel)',
        ) from None


def _lines(path: Path, names: Sequence[str]) -> list[list[str]]:
    """The file's rows as lists of cells; a cell the csv module refuses is a DataFileError."""
    reader = csv.reader(io.StringIO(_decode(path, names), newline=""))
    lines: list[list[str]] = []
    try:
        for cells in reader:
            lines.append(cells)
    except csv.Error as error:
        # line_num counts physical lines read; a quoted cell can span several, so the row is
        # the one after the last complete record, which is what a spreadsheet would show.
        row = len(lines) + 1
        if "field larger than field limit" in str(error):
            problem = (
                f"a cell is too long (over {csv.field_size_limit():,} characters); expected "
                f"short text (an unclosed double quote makes the rest of the file one cell)"
            )
        else:
            problem = f"the CSV cannot be read ({error}); expected plain comma-separated text"
        raise DataFileError(path.name, row, None, problem) from None
    return lines


def _read(path: Path, columns: Sequence[_Column]) -> _Table:
    """Read a CSV as text and check its header and every cell; raise at the first problem."""
    names = [c.name for c in columns]
    lines = _lines(path, names)
    file = path.name
    if not lines:
        raise DataFileError(
            file, 1, None, f"the file is empty; expected a header: {', '.join(names)}"
        )
    header = lines[0]
    for position, name in enumerate(names):
        if name not in header:
            raise DataFileError(
                file, 1, name, f"missing column; expected the columns {', '.join(names)}"
            )
        if header.index(name) != position:
            raise DataFileError(
                file,
                1,
                name,
                f"column in position {header.index(name) + 1}, expected position {position + 1} "
                f"(columns in this order: {', '.join(names)})",
            )
    if len(header) > len(names):
        extra = header[len(names)]
        raise DataFileError(file, 1, extra, f"unexpected column; expected only {', '.join(names)}")

    records: list[dict[str, str]] = []
    rows: list[int] = []
    for row, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, often left at the end by editors; skipped but counted
        if len(cells) != len(names):
            raise DataFileError(
                file,
                row,
                None,
                f"expected {len(names)} cells, found {len(cells)} (a comma inside a cell "
                f'needs the cell in double quotes, "like, this")',
            )
        record = dict(zip(names, cells, strict=True))
        for column in columns:
            value = record[column.name]
            if value == "":
                if column.required:
                    raise DataFileError(file, row, column.name, "empty; expected a value")
                continue
            problem = column.check(value)
            if problem:
                raise DataFileError(file, row, column.name, problem)
        records.append(record)
        rows.append(row)
    return _Table(file, records, rows)


def _check_unique(table: _Table, key: Sequence[str]) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for index, record in enumerate(table.records):
        value = tuple(record[k] for k in key)
        if value in seen:
            shown = " + ".join(value)
            raise table.error(
                index,
                key[0],
                f"duplicate {' + '.join(key)} {shown!r} (already in row {seen[value]}); "
                f"expected each to appear once",
            )
        seen[value] = table.rows[index]


def _frame(table: _Table, columns: Sequence[_Column]) -> pd.DataFrame:
    """Build the DataFrame from checked text: empty cells become missing values."""
    import pandas as pd

    data: dict[str, object] = {}
    for column in columns:
        values = [r[column.name] or None for r in table.records]
        if column.kind == "date":
            data[column.name] = pd.to_datetime(pd.Series(values, dtype="str"), format="%Y-%m-%d")
        elif column.kind == "count":
            data[column.name] = pd.array(
                [None if v is None else int(v) for v in values], dtype="Int64"
            )
        elif column.kind in ("category", "ordered"):
            data[column.name] = pd.Categorical(
                values, categories=list(column.categories), ordered=column.kind == "ordered"
            )
        else:
            data[column.name] = pd.Series(values, dtype="str")
    frame = pd.DataFrame(data)
    frame.attrs["source"] = table.file
    return frame


def _default(path: str | Path | None, name: str) -> Path:
    return Path(path) if path is not None else data_dir() / name


def _event_ids(expulsions_csv: Path) -> set[str]:
    """The event ids of the expulsions.csv beside a file, checked by `load_expulsions`."""
    return set(load_expulsions(expulsions_csv)["event_id"])


def _check_month_written_as_first(table: _Table, index: int, record: dict[str, str]) -> None:
    """A date known only to the month is written as the 1st of that month (codebook rule)."""
    if record["date_precision"] == "month" and not record["date"].endswith("-01"):
        raise table.error(
            index, "date", f"found {record['date']}; a month-precision date is written as the 1st"
        )


def _expected_prefix(day: str, precision: str) -> str:
    return day[:7] if precision == "month" else day


def load_expulsions(path: str | Path | None = None) -> pd.DataFrame:
    """Return the expulsion record, one row per announced measure, checked against its codebook.

    Dtypes: `date` datetime64; `people_expelled` nullable Int64 (missing where no figure was
    disclosed, never 0 for "unknown"); `action`, `date_precision`, the iso codes and
    `confidence` (ordered medium < high) categorical; the rest text.

    Beyond the cell checks, it refuses a file where an event id is repeated or does not spell
    its own date and codes, a month-precision date is not the 1st, a country name does not go
    with its code, a `responds_to` names no row, a counter-expulsion answers nothing, or a
    staff cap carries a head count (a cap is an action; its figure belongs in `note`).

    `path` defaults to `data/expulsions.csv`; tests pass a broken copy.
    """
    path = _default(path, "expulsions.csv")
    table = _read(path, EXPULSION_COLUMNS)
    _check_unique(table, ["event_id"])
    ids = {r["event_id"] for r in table.records}
    for index, r in enumerate(table.records):
        _check_month_written_as_first(table, index, r)
        stem = f"{_expected_prefix(r['date'], r['date_precision'])}_"
        stem += f"{r['expelling_iso3']}_{r['target_iso3']}"
        suffix = r["event_id"][len(stem) :]
        if not r["event_id"].startswith(stem) or not _LETTER_SUFFIX.fullmatch(suffix):
            raise table.error(
                index,
                "event_id",
                f"found {r['event_id']!r}; expected {stem!r} (date, expelling and target "
                f"codes), with _b, _c ... for a second measure on the same day",
            )
        for side in ("expelling", "target"):
            code, name = r[f"{side}_iso3"], r[f"{side}_country"]
            if COUNTRY_CODES[code] != name:
                raise table.error(
                    index,
                    f"{side}_country",
                    f"found {name!r}; expected {COUNTRY_CODES[code]!r}, the name used with {code}",
                )
        if r["expelling_iso3"] == r["target_iso3"]:
            raise table.error(index, "target_iso3", "expected a party other than the expelling one")
        if r["responds_to"] and r["responds_to"] not in ids:
            raise table.error(
                index,
                "responds_to",
                f"found {r['responds_to']!r}, which is not an event_id in this file; expected "
                f"the id of the measure this one answers, or an empty cell",
            )
        if r["action"] == "counter_expulsion" and not r["responds_to"]:
            raise table.error(
                index,
                "responds_to",
                "empty; a counter_expulsion must name the measure it answers (or use expulsion)",
            )
        if r["action"] == "staff_cap" and r["people_expelled"]:
            raise table.error(
                index,
                "people_expelled",
                "expected an empty cell: a staff cap is an action, not a count "
                "(write the cap in note)",
            )
    return _frame(table, EXPULSION_COLUMNS)


def load_sources(path: str | Path | None = None) -> pd.DataFrame:
    """Return the further sources behind the rows of expulsions.csv (one row per source).

    Each `event_id` must be a row of the expulsions.csv in the same folder (so a broken copy
    is checked against its own record), and each source is listed once per event.
    `path` defaults to `data/sources.csv`.
    """
    path = _default(path, "sources.csv")
    table = _read(path, SOURCE_COLUMNS)
    _check_unique(table, ["event_id", "source_url"])
    ids = _event_ids(path.with_name("expulsions.csv"))
    for index, r in enumerate(table.records):
        if r["event_id"] not in ids:
            raise table.error(
                index,
                "event_id",
                f"found {r['event_id']!r}; expected an event_id of expulsions.csv",
            )
    return _frame(table, SOURCE_COLUMNS)


def load_missions(path: str | Path | None = None) -> pd.DataFrame:
    """Return the registry of Russia's posts in the US and the US's posts in Russia.

    `opened` and `closed` are datetime64 with a precision column: where only the year is
    known the date is 1 January and the precision `year`, so a year is never read as a day.
    A `closed_by_event` must be a row of the expulsions.csv in the same folder, and a post
    cannot be closed by an event without a closing date. `path` defaults to
    `data/missions.csv`.
    """
    path = _default(path, "missions.csv")
    table = _read(path, MISSION_COLUMNS)
    _check_unique(table, ["post_id"])
    ids = _event_ids(path.with_name("expulsions.csv"))
    for index, r in enumerate(table.records):
        if not r["post_id"].startswith(f"{r['country_of_mission']}-{r['host_country']}-"):
            raise table.error(
                index,
                "post_id",
                f"found {r['post_id']!r}; expected it to start with "
                f"{r['country_of_mission']}-{r['host_country']}- (country of mission, host)",
            )
        if r["country_of_mission"] == r["host_country"]:
            raise table.error(index, "host_country", "expected the other country of the pair")
        for when in ("opened", "closed"):
            day, precision = r[when], r[f"{when}_precision"]
            if bool(day) != bool(precision):
                raise table.error(
                    index,
                    f"{when}_precision",
                    f"expected day or year when {when} is given, and nothing when it is empty",
                )
            if precision == "year" and not day.endswith("-01-01"):
                raise table.error(
                    index, when, f"found {day}; a year-precision date is written as 1 January"
                )
        if r["opened"] and r["closed"] and r["closed"] < r["opened"]:
            raise table.error(index, "closed", "expected a date after opened")
        if r["closed_by_event"]:
            if r["closed_by_event"] not in ids:
                raise table.error(
                    index,
                    "closed_by_event",
                    f"found {r['closed_by_event']!r}; expected an event_id of expulsions.csv",
                )
            if not r["closed"]:
                raise table.error(
                    index, "closed", "empty; expected the closing date when closed_by_event is set"
                )
    return _frame(table, MISSION_COLUMNS)


def load_timeline(path: str | Path | None = None) -> pd.DataFrame:
    """Return the 2025 steps of the US-Russia talks on embassy operations, one row per step.

    A `step_id` starts with its own date (`2025-02-27_istanbul`; `2025-09_...` at month
    precision) so the file sorts and reads by date. `path` defaults to
    `data/timeline_2025.csv`.
    """
    path = _default(path, "timeline_2025.csv")
    table = _read(path, TIMELINE_COLUMNS)
    _check_unique(table, ["step_id"])
    for index, r in enumerate(table.records):
        _check_month_written_as_first(table, index, r)
        prefix = _expected_prefix(r["date"], r["date_precision"])
        rest = r["step_id"][len(prefix) :]
        if not r["step_id"].startswith(prefix) or not _STEP_SLUG.fullmatch(rest):
            raise table.error(
                index,
                "step_id",
                f"found {r['step_id']!r}; expected {prefix}_ followed by a short lower-case "
                f"name (letters, digits, underscores)",
            )
    return _frame(table, TIMELINE_COLUMNS)
