"""Guided notebooks that instructors/grading.toml counts are graded as the catalogue says:
every graded question with its catalogue points, and every written answer with a rubric whose
criteria add up to those points and whose levels run from full marks down to zero."""

import tomllib
from pathlib import Path

import pytest

from diplomatic_cover.catalogue import load_answer_key, load_catalogue
from diplomatic_cover.grading.config import WRITTEN_TYPES, load_config

ROOT = Path(__file__).resolve().parents[1]
GRADING = tomllib.loads((ROOT / "instructors" / "grading.toml").read_text(encoding="utf-8"))
GUIDED = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
COUNTED = [name for name in GUIDED if name in GRADING["assignment"]]


def rubric(name):
    path = ROOT / "instructors" / "rubrics" / f"{name}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["criterion"] if path.exists() else []


def test_notebooks_00_to_02_are_counted():
    assert {"00_start_here", "01_reading_the_article", "02_espionage_risk"} <= set(COUNTED)


@pytest.mark.parametrize("name", COUNTED)
def test_every_graded_question_is_counted_with_its_catalogue_points(name):
    assignment = GRADING["assignment"][name]
    assert assignment["title"].startswith(f"Notebook {name[:2]}: ")
    graded = {q.id: q.points for q in load_catalogue().for_notebook(name) if q.points > 0}
    assert assignment["questions"] == graded
    assert not assignment.get("checks")


@pytest.mark.parametrize("name", COUNTED)
def test_each_written_answer_has_a_rubric_worth_its_points(name):
    written = {
        q.id: q
        for q in load_catalogue().for_notebook(name)
        if q.type in WRITTEN_TYPES and not q.opinion and q.points
    }
    criteria = rubric(name)
    assert {c["question"] for c in criteria} == set(written)
    for qid, question in written.items():
        mine = [c for c in criteria if c["question"] == qid]
        assert sum(c["max_points"] for c in mine) == question.points, qid
        for criterion in mine:
            points = [level["points"] for level in criterion["levels"]]
            assert points[0] == criterion["max_points"] and points[-1] == 0, criterion["id"]
            assert points == sorted(points, reverse=True), criterion["id"]
            assert all(level["description"].strip() for level in criterion["levels"])


def test_the_grader_reads_the_guided_rubrics_instead_of_one_overall_criterion():
    config = load_config(None, load_catalogue(), load_answer_key())
    items = {item.id: item for item in config.items()}
    criteria = config.criteria(items["01.rewriter-added"])
    assert [c.id for c in criteria] == ["changes", "consequence"]
    assert sum(c.max_points for c in criteria) == items["01.rewriter-added"].points
