"""Rubrics for the guided notebooks' graded written answers (instructors/rubrics/guided/).

They sit in their own folder because the grader loads instructors/rubrics/*.toml and rejects a
rubric for a question no assignment counts; guided questions count only when an instructor
lists them in grading.toml. These tests hold the files to the same rules as the exercise
rubrics, read by the grader's own parser.
"""

import tomllib
from pathlib import Path

import pytest

from diplomatic_cover.catalogue import load_catalogue
from diplomatic_cover.grading.config import WRITTEN_TYPES, read_rubrics

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "instructors" / "rubrics" / "guided"
FILES = sorted(FOLDER.glob("*.toml"))


def graded_written(notebook):
    return {
        q.id: q
        for q in load_catalogue().for_notebook(notebook)
        if q.type in WRITTEN_TYPES and not q.opinion and q.points
    }


def test_the_grader_reads_every_guided_rubric_without_a_problem():
    rubrics, problems = read_rubrics(FOLDER)
    assert problems == []
    assert rubrics, "no guided rubrics found"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_notebooks_rubric_covers_each_graded_written_answer_with_its_points(path):
    written = graded_written(path.stem)
    criteria = tomllib.loads(path.read_text(encoding="utf-8"))["criterion"]
    assert {c["question"] for c in criteria} == set(written)
    for qid, question in written.items():
        mine = [c for c in criteria if c["question"] == qid]
        assert sum(c["max_points"] for c in mine) == question.points, qid
        for criterion in mine:
            points = [level["points"] for level in criterion["levels"]]
            assert points[0] == criterion["max_points"] and points[-1] == 0, criterion["id"]
            assert points == sorted(points, reverse=True), criterion["id"]
            assert all(level["description"].strip() for level in criterion["levels"])
