"""Where the kit states the timing model's figures, and whether each still says what the model does.

A time that is stated in five places drifts in four of them. The README's notebook table, the
exercises' table, every notebook's header line, each instructor guide's "Timing model" line
and its minute-by-minute plan, and the table in `instructors/course_plans.md` all state the
model's figures (`timing.py`); `figure_problems` and `plan_problems` list every place that no
longer agrees, with what the model says instead, so `tests/test_timing.py` can fail on them
and an author can fix them from the message.

Figures are stated as whole minutes rounded up (`timing.minutes_up`): core at 200 and at 150
words a minute, going further at 200, and the time the notebook states. This module reads
documents only; `timing.py` hands it the model's figures (`timing.figure_problems`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Where a notebook's or exercise's row of figures is, relative to the kit root, and the header
#: row of the table that holds it.
README = "README.md"
EXERCISES_README = "exercises/README.md"
COURSE_PLANS = "instructors/course_plans.md"
GUIDES = "instructors/guide_{number}_*.md"

HEADER = re.compile(
    r"^\*\*Time:\*\* (?P<stated>\d+) minutes \(about (?P<slow>\d+) if you read slowly\)"
    r"(?:.*?\*\*Going further:\*\* about (?P<further>\d+) minutes)?",
    re.M,
)
GUIDE_LINE = re.compile(
    r"\*\*Timing model\*\*[^:]*: core (?P<core>\d+) minutes at (?P<fast_wpm>\d+) words a minute, "
    r"(?P<slow>\d+) at (?P<slow_wpm>\d+); (?:going further (?P<further>\d+) minutes|no "
    r"going-further part); stated (?P<stated>\d+)\."
)
NUMBERS = re.compile(r"\d+")
RANGE = re.compile(r"^\s*(\d+)\s*[–-]\s*(\d+)\s*$")


@dataclass(frozen=True)
class Expected:
    """The figures the kit states for one notebook, as the model gives them."""

    stated: int | None
    core: int
    slow: int
    further: int


def figure_problems(want: dict[str, Expected], root: Path, wpm: tuple[float, float]) -> list[str]:
    """Every stated figure that differs from `want` (the model's, by notebook name; `wpm` its
    two reading speeds), as a message saying where and what."""
    problems: list[str] = []
    for name, figure in want.items():
        problems += _header(root, name, figure)
    guided = [n for n in want if not n.startswith("ex")]
    exercises = [n for n in want if n.startswith("ex")]
    full = ("stated", "core", "slow", "further")
    problems += _table(root, README, guided, want, full)
    problems += _table(root, EXERCISES_README, exercises, want, full[:3])
    problems += _table(root, COURSE_PLANS, guided, want, full)
    problems += _table(root, COURSE_PLANS, exercises, want, full[:3])
    for name, figure in want.items():
        if not name.startswith("ex") and name[:2] != "00":
            problems += _guide_line(root, name, figure, wpm)
    return problems


def _header(root: Path, name: str, figure: Expected) -> list[str]:
    folder = "exercises" if name.startswith("ex") else "notebooks"
    cells = json.loads((root / folder / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    first = "".join(cells[0]["source"])
    found = HEADER.search(first)
    where = f"{folder}/{name}.ipynb, header"
    if not found:
        return [f"{where}: no line '**Time:** N minutes (about M if you read slowly)'"]
    stated = {
        "slow": int(found["slow"]),
        "further": int(found["further"]) if found["further"] else 0,
    }
    return _compare(where, stated, figure)


def _compare(where: str, stated: dict[str, int], figure: Expected) -> list[str]:
    words = {
        "stated": "stated minutes",
        "core": "core minutes at 200 words a minute",
        "slow": "core minutes at 150 words a minute",
        "further": "going-further minutes",
    }
    return [
        f"{where}: {words[key]} {value}, the model says {getattr(figure, key)}"
        for key, value in stated.items()
        if value != getattr(figure, key)
    ]


def _table(
    root: Path,
    relative: str,
    names: Sequence[str],
    want: dict[str, Expected],
    columns: Sequence[str],
) -> list[str]:
    """The rows of a Markdown table that link one of `names` (`.../NAME.ipynb`) in their first
    cell: the next cells hold `columns` in order ("29 / 32" holds two; "–" or "none" is 0)."""
    text = (root / relative).read_text(encoding="utf-8")
    link = re.compile(r"\]\((?:[./a-z]*/)?(?P<name>[0-9a-z_]+)\.ipynb\)")
    seen: set[str] = set()
    problems: list[str] = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        found = link.search(cells[0])
        if not found or found["name"] not in names:
            continue
        name = found["name"]
        seen.add(name)
        values: list[int] = []
        for cell in cells[1:]:
            numbers = [int(n) for n in NUMBERS.findall(cell)]
            values += numbers or ([0] if cell in ("–", "-", "none") else [])
            if len(values) >= len(columns):
                break
        if len(values) < len(columns):
            problems.append(f"{relative}, row of {name}: expected {', '.join(columns)}")
            continue
        stated = dict(zip(columns, values, strict=False))
        problems += _compare(f"{relative}, row of {name}", stated, want[name])
    problems += [f"{relative}: no row for {name}" for name in names if name not in seen]
    return problems


def _guide_path(root: Path, name: str) -> Path | None:
    found = sorted((root / "instructors").glob(GUIDES.format(number=name[:2]).split("/")[-1]))
    return found[0] if found else None


def _guide_line(root: Path, name: str, figure: Expected, wpm: tuple[float, float]) -> list[str]:
    path = _guide_path(root, name)
    if path is None:
        return [f"instructors/: no guide for {name}"]
    where = f"instructors/{path.name}"
    found = GUIDE_LINE.search(path.read_text(encoding="utf-8"))
    if not found:
        return [f"{where}: no '**Timing model** ...: core N minutes at 200 words a minute' line"]
    named = (int(found["fast_wpm"]), int(found["slow_wpm"]))
    if named != wpm:
        return [f"{where}: the timing line names {named[0]} and {named[1]} words a minute"]
    stated = {
        "stated": int(found["stated"]),
        "core": int(found["core"]),
        "slow": int(found["slow"]),
        "further": int(found["further"]) if found["further"] else 0,
    }
    return _compare(where, stated, figure)


@dataclass(frozen=True)
class Row:
    """One row of a guide's timing plan: its minutes and its words."""

    start: int
    end: int
    text: str


def plan_rows(text: str) -> list[Row]:
    """The rows of the first table under the guide's "## Timing plan" heading."""
    section = text.split("## Timing plan", 1)[1] if "## Timing plan" in text else ""
    rows: list[Row] = []
    for line in section.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        found = RANGE.match(cells[0])
        if found:
            rows.append(Row(int(found[1]), int(found[2]), " | ".join(cells[1:])))
    return rows


def plan_problems(
    name: str, stated: int | None, discussions: Sequence[tuple[str, float]], root: Path
) -> list[str]:
    """What is wrong with a guide's minute-by-minute plan: it must run without gaps from 0 to
    the `stated` time, and give every discussion of the core (title, minutes) a row of exactly
    its minutes."""
    path = _guide_path(root, name)
    if path is None:
        return [f"instructors/: no guide for {name}"]
    where = f"instructors/{path.name}"
    rows = plan_rows(path.read_text(encoding="utf-8"))
    if not rows:
        return [f"{where}: no table under '## Timing plan'"]
    problems: list[str] = []
    clock = 0
    for row in rows:
        if row.start != clock or row.end <= row.start:
            problems.append(f"{where}: the row {row.start}–{row.end} does not follow {clock}")
        clock = row.end
    if clock != stated:
        problems.append(f"{where}: the plan ends at {clock}, the notebook states {stated}")
    for title, minutes in discussions:
        matching = [r for r in rows if title in r.text]
        if not matching:
            problems.append(f"{where}: no row for the discussion '{title}'")
        elif all(r.end - r.start != minutes for r in matching):
            problems.append(
                f"{where}: the discussion '{title}' takes {minutes:g} minutes, "
                f"its row {matching[0].start}–{matching[0].end}"
            )
    return problems
