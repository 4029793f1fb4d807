"""Scoring rules are versioned: a newer kit never moves an old class's scores unless asked.

The answer key names its rules version (`scoring_rules`); results.json records the version
each item was scored by. Grading into a folder graded before keeps those versions (and
version 1 for results graded before versions were recorded); `--rescore` applies the key's.
"""

import json

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import cli_grade, grade
from tests.grading.kit import hand_in

ANA = Student("ana-silva", "Ana Silva")
CONFIG = """
[assignment.guided]
title = "Guided notebooks"
questions = { "04.exit-2" = 1, "00.tour-ranking" = 1 }
"""
# Every option ticked, three of five right; the key's top two swapped.
ANSWERS = {
    "04.exit-2": ["fewer-per-target", "more-officers", "less-other-work", "wider-range",
                  "more-agents"],
    "00.tour-ranking": ["wire", "ministry", "column", "post"],
}  # fmt: skip
RULES_1 = {"04.exit-2": pytest.approx(1 / 3, abs=1e-4), "00.tour-ranking": 0.5}
RULES_2 = {"04.exit-2": 0.0, "00.tour-ranking": pytest.approx(5 / 6, abs=1e-4)}


@pytest.fixture
def graded(tmp_path):
    config = tmp_path / "grading.toml"
    config.write_text(CONFIG, encoding="utf-8")
    hand_in(tmp_path, ANA, answers=ANSWERS)
    out = tmp_path / "grades"

    def run(**flags):
        summary = grade(submissions=tmp_path / "submissions", out=out, config=config, **flags)
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        (ana,) = results["students"]
        return summary, results, {item["id"]: item["points"] for item in ana["items"]}

    return run, out


def _as_if_graded_before_rules_had_versions(out):
    path = out / "results.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    del results["settings"]["scoring_rules"]
    path.write_text(json.dumps(results), encoding="utf-8")


def test_a_new_class_is_scored_by_the_keys_rules_and_the_version_is_recorded(graded):
    run, _out = graded
    summary, results, points = run()
    assert points == RULES_2
    assert results["settings"]["scoring_rules"] == {"00.tour-ranking": 2, "04.exit-2": 2}
    assert summary.kept_rules == {} and "older scoring rules" not in str(summary)


def test_an_old_class_keeps_its_scores_until_rescore(graded):
    run, out = graded
    run()
    _as_if_graded_before_rules_had_versions(out)
    summary, results, points = run()
    assert points == RULES_1
    assert results["settings"]["scoring_rules"] == {"00.tour-ranking": 1, "04.exit-2": 1}
    assert "older scoring rules" in str(summary) and "--rescore" in str(summary)
    assert run()[2] == RULES_1  # and again: the recorded version holds
    summary, results, points = run(rescore=True)
    assert points == RULES_2 and summary.kept_rules == {}
    assert run()[2] == RULES_2  # from now on the new version is the recorded one


def test_the_command_line_takes_rescore(graded, tmp_path, capsys):
    run, out = graded
    run()
    _as_if_graded_before_rules_had_versions(out)
    flags = dict(submissions=tmp_path / "submissions", out=out, config=tmp_path / "grading.toml")
    assert cli_grade(**flags) == 0
    assert "grades here used (version 1)" in capsys.readouterr().out
    assert cli_grade(**flags, rescore=True) == 0
    assert "older scoring rules" not in capsys.readouterr().out
