"""Reading the grader's outputs the way an instructor does: rows by student, problems by file."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def read_csv(path: Path) -> list[dict[str, str]]:
    """A CSV the grader wrote (with its byte-order mark) as dict rows."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def grades(out: Path) -> dict[str, dict[str, str]]:
    """grades.csv by student key."""
    return {row["student"]: row for row in read_csv(out / "grades.csv")}


def problems(out: Path) -> list[dict[str, str]]:
    """problems.csv's rows."""
    return read_csv(out / "problems.csv")


def problems_about(out: Path, file_part: str) -> list[dict[str, str]]:
    """Rows of problems.csv whose file names `file_part`."""
    return [row for row in problems(out) if file_part in row["file"]]


def canvas_rows(out: Path) -> dict[str, list[str]]:
    """canvas_import.csv's student rows by Canvas ID (the Points Possible row left out)."""
    with open(out / "canvas_import.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return {row[1]: row for row in rows[2:] if row[1]}
