"""The small parts: scoring rules, configuration checks, the progress bar, the flags."""

import argparse
import io

import pytest

from diplomatic_cover.answers.catalogue import (
    SCORING_RULES,
    CatalogueError,
    KeyEntry,
    load_answer_key,
    load_catalogue,
)
from diplomatic_cover.grading.autograde import grade_widget, widget_fraction
from diplomatic_cover.grading.command import add_arguments
from diplomatic_cover.grading.config import AUTO, CHECK, MANUAL, ConfigError, Item, load_config
from diplomatic_cover.grading.ingest import Limits, collect
from diplomatic_cover.grading.progress import ProgressBar
from diplomatic_cover.grading.results import GRADED, INVALID, NOT_ANSWERED
from tests.grading.kit import write_config, zip_bytes

CATALOGUE = load_catalogue()


@pytest.mark.parametrize(
    ("qid", "value", "share"),
    [
        ("02.arrest-or-expel", "immunity", 1.0),
        ("02.arrest-or-expel", "evidence", 0.0),
        ("02.record-vs-mi5", ["gaps", "definitions"], 1.0),
        ("02.record-vs-mi5", ["gaps"], 0.5),
        ("02.record-vs-mi5", ["gaps", "definitions", "russian-replies"], 0.5),
        ("02.reply-share", {"raw": "56", "number": 56}, 1.0),
        ("02.reply-share", {"raw": "54", "number": 54}, 0.0),
        ("02.vienna-match", {"expel": "art9", "cap": "art11"}, 0.5),
    ],
)
def test_widget_answers_earn_a_share_of_the_points(qid, value, share):
    entry = load_answer_key()[qid]
    assert widget_fraction(CATALOGUE[qid], value, entry.correct, entry.tolerance) == share


RANKING = CATALOGUE["00.tour-ranking"]
KEY_ORDER = ["ministry", "wire", "column", "post"]
TOP_TWO_SWAPPED = ["wire", "ministry", "column", "post"]


def test_under_rules_1_a_ranking_earns_the_share_of_options_in_the_right_place():
    assert widget_fraction(RANKING, KEY_ORDER, KEY_ORDER, 0, rules=1) == 1.0
    assert widget_fraction(RANKING, TOP_TWO_SWAPPED, KEY_ORDER, 0, rules=1) == 0.5


@pytest.mark.parametrize(
    ("order", "share"),
    [
        (KEY_ORDER, 1.0),
        (TOP_TWO_SWAPPED, 5 / 6),  # one pair of six out of order: a defensible swap
        (["ministry", "column", "post", "wire"], 4 / 6),  # one option three places down
        (list(reversed(KEY_ORDER)), 0.0),
    ],
)
def test_under_rules_2_a_ranking_earns_the_share_of_pairs_in_the_keys_order(order, share):
    assert widget_fraction(RANKING, order, KEY_ORDER, 0, rules=2) == pytest.approx(share)


def test_under_rules_2_ticking_every_option_earns_nothing_unless_all_are_right():
    question = CATALOGUE["04.exit-2"]  # three of its five options are right
    right = ["fewer-per-target", "less-other-work", "more-agents"]
    everything = [o.id for o in question.options]
    assert widget_fraction(question, everything, right, 0, rules=1) == pytest.approx(1 / 3)
    assert widget_fraction(question, everything, right, 0, rules=2) == 0.0
    assert widget_fraction(question, [*right, "more-officers"], right, 0, rules=2) == (
        pytest.approx(2 / 3)
    )
    assert widget_fraction(question, everything, everything, 0, rules=2) == 1.0


def test_every_answer_key_file_of_the_kit_names_the_newest_rules():
    assert {entry.rules for entry in load_answer_key().values()} == {max(SCORING_RULES)}


def test_an_unknown_rules_version_is_refused(tmp_path):
    (tmp_path / "key.toml").write_text('scoring_rules = 9\n[answers."01.a"]\ncorrect = "a"\n')
    with pytest.raises(CatalogueError, match="scoring_rules is one of 1, 2"):
        load_answer_key(tmp_path / "key.toml")


def test_a_number_within_the_tolerance_counts():
    question = CATALOGUE["02.model-increment"]
    assert widget_fraction(question, {"number": 49}, 48, 1) == 1.0
    assert widget_fraction(question, {"number": 50}, 48, 1) == 0.0


def test_an_invalid_or_odd_answer_earns_nothing_and_never_raises():
    item = Item("guided", "02.arrest-or-expel", AUTO, 1)
    key = KeyEntry(correct="immunity", hints=("Who holds immunity?",))
    question = CATALOGUE["02.arrest-or-expel"]
    invalid = grade_widget(item, question, {"value": "immunity", "valid": False}, key)
    assert (invalid.points, invalid.status) == (0.0, INVALID)
    blank = grade_widget(item, question, None, key)
    assert (blank.points, blank.status, blank.hint) == (0.0, NOT_ANSWERED, "Who holds immunity?")
    classify = CATALOGUE["02.vienna-match"]
    odd = grade_widget(Item("g", classify.id, AUTO, 2), classify, {"value": ["x"]},
                       KeyEntry(correct={"expel": "art9"}))  # fmt: skip
    assert odd.status == INVALID
    right = grade_widget(item, question, {"value": "immunity", "valid": True}, key)
    assert (right.points, right.status, right.passed) == (1.0, GRADED, True)


def test_the_configuration_sorts_items_into_kinds(tmp_path):
    config = load_config(write_config(tmp_path), CATALOGUE, load_answer_key())
    kinds = {item.id: item.kind for item in config.items()}
    assert kinds["ex1.by-decade"] == CHECK and kinds["02.arrest-or-expel"] == AUTO
    assert kinds["00.tour-text"] == MANUAL
    assert config.max_points == 12
    (text,) = [i for i in config.items() if i.id == "00.tour-text"]
    assert [c.id for c in config.criteria(text)] == ["immunity", "signal"]


def test_a_written_question_without_a_rubric_gets_one_overall_criterion(tmp_path):
    path = tmp_path / "grading.toml"
    path.write_text('[assignment.a]\nquestions = {"00.tour-text" = 3}\n')
    config = load_config(path, CATALOGUE, load_answer_key())
    (item,) = config.items()
    assert [(c.id, c.max_points) for c in config.criteria(item)] == [("overall", 3.0)]


@pytest.mark.parametrize(
    ("qid", "message"),
    [("00.tour-scale", "an opinion question is never graded"),
     ("00.tour-single", "a practice question is never graded")],
)  # fmt: skip
def test_views_and_practice_questions_are_never_graded(tmp_path, qid, message):
    path = tmp_path / "grading.toml"
    path.write_text(f'[assignment.a]\nquestions = {{"{qid}" = 1}}\n')
    with pytest.raises(ConfigError, match=message):
        load_config(path, CATALOGUE, load_answer_key())


def test_rubric_mistakes_are_all_reported_at_once(tmp_path):
    path = write_config(tmp_path)
    (tmp_path / "rubrics" / "bad.toml").write_text(
        '[[criterion]]\nquestion = "00.tour-text"\nid = "signal"\nmax_points = 1\n'
        '[[criterion]]\nquestion = "00.tour-text"\nid = "x"\nmax_points = -1\n'
        '[[criterion]]\nquestion = "00.tour-text"\nid = "z"\nmax_points = 1\n'
        "levels = [{points = 5}]\n"
        '[[criterion]]\nquestion = "01.nothing"\nid = "y"\nmax_points = 1\n'
    )
    with pytest.raises(ConfigError) as error:
        load_config(path, CATALOGUE, load_answer_key())
    message = str(error.value)
    assert "two criteria 'signal'" in message
    assert "max_points must be a positive number" in message
    assert "points between 0 and max_points" in message
    assert "no assignment counts" in message


def test_the_kit_configuration_loads():
    config = load_config(None, CATALOGUE, load_answer_key())
    assert config.assignments and all(a.max_points > 0 for a in config.assignments)


def test_zips_nested_too_deep_are_refused(tmp_path):
    inner = zip_bytes({"a.zip": zip_bytes({"b.zip": zip_bytes({"c.zip": b"x"})})})
    path = tmp_path / "deep.zip"
    path.write_bytes(inner)
    found, problems = collect(path, Limits(depth=2))
    assert found == [] and "nested more than 2 deep" in problems[0].reason


def test_the_progress_bar_redraws_on_a_terminal_and_prints_tenths_in_a_log():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    log = io.StringIO()
    bar = ProgressBar(20, "Grading", log)
    for number in range(20):
        bar.advance(f"s{number}")
    bar.close()
    assert log.getvalue().count("\n") == 11 and "20/20" in log.getvalue()
    terminal = Terminal()
    bar = ProgressBar(3, "Grading", terminal)
    for _ in range(3):
        bar.advance("x")
    bar.close()
    assert terminal.getvalue().startswith("\rGrading [") and "3/3" in terminal.getvalue()
    silent = ProgressBar(3, "Grading", None)
    silent.advance()  # nothing to write to: nothing happens


def test_the_command_flags():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["subs", "--out", "grades", "--execute", "--only", "ana",
                              "--only", "4821", "--jobs", "4", "--cell-timeout", "10"])  # fmt: skip
    assert (str(args.submissions), str(args.out), args.execute) == ("subs", "grades", True)
    assert args.only == ["ana", "4821"] and (args.jobs, args.cell_timeout) == (4, 10.0)
    assert args.memory_mb == 2048 and args.roster is None and args.rescore is False
    assert parser.parse_args(["subs", "--out", "g", "--rescore"]).rescore is True
