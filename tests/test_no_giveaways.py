"""No graded answer can be read off a guided notebook's own text.

A student who scrolls reads every Markdown cell, and every code cell's text, without running
anything. So no Markdown cell anywhere in the notebook, and no code cell before the item is
settled (a prediction's reveal cell, or the question itself), may state a graded item's
key: a keyed option's label, a keyed number with its unit, or a phrase from
`fixtures/giveaways.toml` that says it in other words. Explanations of a result belong in
the answer key's model answer (shown after an attempt) or in the output of the cell that
shows the result, never in text the student sees first.
"""

import json
import re
import tomllib
from pathlib import Path

import pytest

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue

ROOT = Path(__file__).resolve().parents[1]
GUIDED = sorted((ROOT / "notebooks").glob("0*.ipynb"))
GIVEAWAYS = tomllib.loads((ROOT / "tests/fixtures/giveaways.toml").read_text(encoding="utf-8"))
CATALOGUE, KEY = load_catalogue(), load_answer_key()
CALL = re.compile(r"""dc\.(ask|reveal)\(\s*["']([^"']+)["']""")


def graded_items(notebook: str):
    """The notebook's auto-graded questions with a key to give away."""
    for question in CATALOGUE.for_notebook(notebook):
        entry = KEY.get(question.id)
        if question.points and not question.practice and entry and entry.correct:
            yield question, entry.correct


def patterns(question, correct) -> list[re.Pattern]:
    """What would state this item's answer: its keyed labels, number, and known phrases."""
    found = []
    if question.type in ("single", "multiple"):
        keyed = [correct] if isinstance(correct, str) else list(correct)
        labels = [question.option_label(option) for option in keyed]
        # A sentence, not a name: "Forgiving tit-for-tat" is also what the notebook calls it.
        found += [re.escape(label) for label in labels if len(label.split()) >= 5]
    if question.type == "number":
        unit = re.escape((question.unit or "").split()[0]) if question.unit else ""
        found.append(rf"(?<![\d.,]){re.escape(f'{correct:g}')}\s?{unit}(?![\d])")
    found += GIVEAWAYS["phrases"].get(question.id, [])
    return [re.compile(p, re.IGNORECASE) for p in found]


def visible_text(cells, question) -> list[tuple[int, str]]:
    """(cell index, text) a student can read before the item is settled."""
    settle = question.reveal or question.id
    settled = next(
        (
            i
            for i, cell in enumerate(cells)
            if cell["cell_type"] == "code"
            and any(name == settle for _kind, name in CALL.findall("".join(cell["source"])))
        ),
        len(cells),  # never settled in this notebook: all of it can be read first
    )
    return [
        (i, " ".join("".join(cell["source"]).split()))
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "markdown" or (cell["cell_type"] == "code" and i < settled)
    ]


def excepted(notebook: str, question_id: str, text: str, match: str) -> bool:
    return any(
        e["item"] == question_id and e["notebook"] == notebook and match in e["text"]
        and e["text"] in text
        for e in GIVEAWAYS.get("exception", [])
    )  # fmt: skip


def giveaways(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for question, correct in graded_items(path.stem):
        for index, text in visible_text(cells, question):
            for pattern in patterns(question, correct):
                for match in pattern.finditer(text):
                    if not excepted(path.stem, question.id, text, match.group()):
                        found.append(f"{question.id}: cell {index} says {match.group()!r}")
    return found


@pytest.mark.parametrize("path", GUIDED, ids=lambda p: p.stem)
def test_no_graded_answer_is_written_where_a_student_can_read_it_first(path):
    assert giveaways(path) == []


def test_every_exception_still_matches_and_gives_a_reason():
    for exception in GIVEAWAYS.get("exception", []):
        assert exception["why"].strip(), exception
        path = ROOT / "notebooks" / f"{exception['notebook']}.ipynb"
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts = [" ".join("".join(c["source"]).split()) for c in cells]
        assert any(exception["text"] in t for t in texts), exception  # drop stale exceptions


def test_the_check_finds_an_answer_stated_in_the_text(tmp_path):
    """The check itself: a Key points line that states the baseline coverage is caught."""
    source = json.loads(
        (ROOT / "notebooks/04_counterintelligence_capacity.ipynb").read_text(encoding="utf-8")
    )
    source["cells"].append(
        {"cell_type": "markdown", "metadata": {}, "source": ["At the baseline it is 20%."]}
    )
    planted = tmp_path / "04_counterintelligence_capacity.ipynb"
    planted.write_text(json.dumps(source), encoding="utf-8")
    assert any(found.startswith("04.hand-calc: cell") for found in giveaways(planted))
