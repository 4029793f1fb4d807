"""Building real submissions for grading tests, with the kit's own API.

Answers go into a real ResponseStore and the zip is built by `submit.build_submission`, so
every test grades exactly what a student's Hand in button produces. Check values are the
ones `checks.check` would record for the instructors' reference answer or a known mistake.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.submission import build_submission
from diplomatic_cover.instructor import hidden_checks

# A small configuration over real check ids and real catalogue questions.
CONFIG_TOML = """
[assignment.ex1_pandas_record]
title = "Exercise 1: the expulsion record"
canvas_id = "5501"
checks = {"ex1.by-decade" = 2, "ex1.ratios" = 3}

[assignment.guided]
title = "Guided notebooks"

[assignment.guided.questions]
"02.arrest-or-expel" = 1
"02.record-vs-mi5" = 1
"02.reply-share" = 1
"02.vienna-match" = 2
"00.tour-text" = 2
"""

RUBRIC_TOML = """
[[criterion]]
question = "00.tour-text"
id = "immunity"
title = "Explains immunity"
max_points = 2
levels = [
  {points = 2, description = "Names immunity and why it rules out arrest"},
  {points = 1, description = "Mentions immunity without explaining it"},
  {points = 0, description = "No mention"},
]

[[criterion]]
question = "00.tour-text"
id = "signal"
title = "Expulsion as a signal"
max_points = 2
"""

ESSAY = (
    "Diplomats enjoy immunity under the Vienna Convention, so the host state cannot arrest "
    "or try them; expelling them is the strongest lawful step, and it sends a signal. "
)


def write_config(folder: Path) -> Path:
    """grading.toml with a rubrics/ folder beside it; returns the configuration's path."""
    (folder / "rubrics").mkdir(parents=True, exist_ok=True)
    (folder / "rubrics" / "guided.toml").write_text(RUBRIC_TOML, encoding="utf-8")
    path = folder / "grading.toml"
    path.write_text(CONFIG_TOML, encoding="utf-8")
    return path


def correct(check_id: str) -> Any:
    """What `check()` records for the reference answer."""
    spec = hidden_checks.SPECS[check_id]
    return hidden_checks.recorded_form(spec, spec.expected())


def wrong(check_id: str, number: int = 0) -> Any:
    """What `check()` records for a known mistake."""
    spec = hidden_checks.SPECS[check_id]
    return hidden_checks.recorded_form(spec, spec.wrong[number].value())


def notebook(*cells: str) -> dict[str, Any]:
    """A minimal notebook of code cells."""
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
             "outputs": [], "source": source}
            for i, source in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip


def hand_in(
    folder: Path,
    student: Student,
    *,
    checks: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    notebooks: dict[str, dict[str, Any]] | None = None,
    out_dir: Path | None = None,
) -> Path:
    """Save answers and checks in the student's own store, press Hand in; the zip's path.

    `answers` maps question ids to values; the notebook is the catalogue's, so "00.x"
    goes to 00_start_here. Checks go to their exercise's document, as `check()` saves them.
    """
    from diplomatic_cover.answers.catalogue import load_catalogue

    catalogue = load_catalogue()
    home = folder / "students" / student.id
    store = ResponseStore(home / "responses")
    for qid, value in (answers or {}).items():
        store.save_answer(student, catalogue[qid].notebook, qid, value)
    for check_id, value in (checks or {}).items():
        store.save_check(
            student,
            hidden_checks.exercise_of(check_id),
            check_id,
            value,
            passed=None if value is None else True,
        )
    exercises = home / "exercises"
    exercises.mkdir(parents=True, exist_ok=True)
    for name, content in (notebooks or {}).items():
        (exercises / f"{name}.ipynb").write_text(json.dumps(content), encoding="utf-8")
    return build_submission(
        student, store=store, out_dir=out_dir or folder / "submissions", exercises_dir=exercises
    )


def good_answers() -> dict[str, Any]:
    """Right answers to every graded widget question of CONFIG_TOML, and two opinions."""
    return {
        "02.arrest-or-expel": "immunity",
        "02.record-vs-mi5": ["gaps", "definitions"],
        "02.reply-share": {"raw": "56", "number": 56},
        "02.vienna-match": {"expel": "art9", "cap": "art11", "no-arrest": "art29",
                            "no-trial": "art31"},
        "00.tour-text": ESSAY * 3,
        "00.tour-scale": {"point": 4, "confidence": 3},
    }  # fmt: skip


def members(path: Path) -> dict[str, bytes]:
    """Every file of a zip by name."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip holding `files`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ROOT = Path(__file__).resolve().parents[2]


def solved_cells(exercise: str) -> list[str]:
    """The code cells of a student who solved the exercise: the instructors' source notebook
    without its hidden-check cells and solution markers."""
    source = json.loads((ROOT / "instructors" / "exercises" / f"{exercise}.ipynb").read_text())
    cells = []
    for cell in source["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code" or {"hidden-check", "solution"} & set(tags):
            continue
        text = "".join(cell["source"])
        lines = [
            ln
            for ln in text.splitlines()
            if not ln.lstrip().startswith(("# BEGIN SOLUTION", "# END SOLUTION"))
        ]
        cells.append("\n".join(lines))
    return cells


def replace_cell(cells: list[str], containing: str, new: str) -> list[str]:
    """`cells` with the first cell that contains `containing` replaced by `new`."""
    index = next(i for i, cell in enumerate(cells) if containing in cell)
    return [*cells[:index], new, *cells[index + 1 :]]
