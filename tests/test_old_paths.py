"""Every dotted path the kit had before its rooms (issue 9) still works, for one release.

Old paths live outside the package: in notebooks, in students' working copies and handed-in
exercises, in environments' jupyter_server_config.json (the save hook), in the console
script and in habits (`python -m diplomatic_cover.setup_env`). Each is checked here as its
users reach it. The list is written out by hand, not read from the package, so a module
dropped by mistake fails here.
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Old module -> names its users take from it (notebooks, exercises, instructors, scripts).
OLD_PATHS = {
    "diplomatic_cover.store": ["ResponseStore", "StoreError", "file_lock", "atomic_write_bytes"],
    "diplomatic_cover.catalogue": ["load_catalogue", "load_answer_key", "Question"],
    "diplomatic_cover.identity": ["Student", "current_student", "set_student"],
    "diplomatic_cover.checks": ["check", "EXPECTATIONS_PATH", "normalise"],
    "diplomatic_cover.progress_view": [
        "progress",
        "answer_state",
        "load_documents",
        "NOT_ANSWERED",
    ],
    "diplomatic_cover.question_widget": ["ask", "QuestionWidget", "parse_number"],
    "diplomatic_cover.choice_widget": ["ChoiceGroup"],
    "diplomatic_cover.session": ["start", "name_box", "NameBox"],
    "diplomatic_cover.submit": ["build_submission", "verify_submission", "submit_button"],
    "diplomatic_cover.report": ["build_report", "CSS"],
    "diplomatic_cover.cover_model": [
        "officers_under_cover",
        "PUBLISHED_SHARES",
        "interactive_estimate",
    ],
    "diplomatic_cover.reciprocity_game": ["tournament", "twin_matches", "ReciprocityGame"],
    "diplomatic_cover.capacity_model": ["BASELINE", "RANGES", "coverage", "coverage_explorer"],
    "diplomatic_cover.policy": ["ROLE_CARDS", "DEFAULT_SCORES", "MatrixExplorer", "main"],
    "diplomatic_cover.claims": ["CLAIMS", "claims_table", "show"],
    "diplomatic_cover.record": ["people_rows", "PEOPLE_ACTIONS", "response_pairs"],
    "diplomatic_cover.figures": ["Figure", "kit_style", "OKABE_ITO"],
    "diplomatic_cover.data": ["load_expulsions", "load_timeline", "load_missions"],
    "diplomatic_cover.setup_check": ["check_setup"],
    "diplomatic_cover.setup_env": ["install_save_hook", "HOOK", "main"],
    "diplomatic_cover.lab_hooks": ["pre_save_hook", "strip_widget_outputs", "WIDGET_VIEW"],
    "diplomatic_cover.authoring": ["build_exercises", "solution_blocks"],
    "diplomatic_cover.release": ["release", "find_secrets"],
    "diplomatic_cover.grading.manual": ["open_manual_grading", "ManualGrader", "NOT_SCORED"],
    "diplomatic_cover.grading": ["grade", "cli_grade"],
    "diplomatic_cover.cli": ["main"],
    "diplomatic_cover.paths": ["responses_dir", "kit_root"],
    "diplomatic_cover": ["ask", "start", "name_box", "progress", "submit_button", "check_setup"],
}

#: Where some of those names live now: the old path must hand out the very same object.
NEW_HOMES = {
    ("diplomatic_cover.store", "ResponseStore"): "diplomatic_cover.answers.store",
    ("diplomatic_cover.store", "file_lock"): "diplomatic_cover.safe_files",
    ("diplomatic_cover.checks", "check"): "diplomatic_cover.answers.checks",
    ("diplomatic_cover.progress_view", "answer_state"): "diplomatic_cover.answers.state",
    ("diplomatic_cover.progress_view", "progress"): "diplomatic_cover.widgets.progress",
    ("diplomatic_cover.submit", "build_submission"): "diplomatic_cover.handin.submission",
    ("diplomatic_cover.submit", "submit_button"): "diplomatic_cover.widgets.handin",
    ("diplomatic_cover.capacity_model", "coverage"): "diplomatic_cover.lessons.capacity_model",
    ("diplomatic_cover.capacity_model", "coverage_explorer"): "diplomatic_cover.widgets.capacity",
    ("diplomatic_cover.policy", "MatrixExplorer"): "diplomatic_cover.widgets.policy",
    ("diplomatic_cover.lab_hooks", "pre_save_hook"): "diplomatic_cover.setup.hooks",
    ("diplomatic_cover.grading.manual", "open_manual_grading"): "diplomatic_cover.widgets.rubric",
    ("diplomatic_cover", "ask"): "diplomatic_cover.widgets.question",
    ("diplomatic_cover", "submit_button"): "diplomatic_cover.widgets.handin",
}


@pytest.mark.parametrize("old", sorted(OLD_PATHS))
def test_each_old_path_imports_and_offers_its_names(old):
    module = importlib.import_module(old)
    missing = [name for name in OLD_PATHS[old] if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize(("old", "name"), sorted(NEW_HOMES))
def test_an_old_path_hands_out_the_object_of_its_new_home(old, name):
    new = importlib.import_module(NEW_HOMES[old, name])
    assert getattr(importlib.import_module(old), name) is getattr(new, name)


def test_an_old_path_forwards_private_helpers_and_refuses_unknown_names():
    store = importlib.import_module("diplomatic_cover.store")
    new = importlib.import_module("diplomatic_cover.answers.store")
    assert store._check_name is new._check_name  # not in a star import
    with pytest.raises(AttributeError, match=r"'diplomatic_cover\.store' has no attribute 'nope'"):
        store.nope  # noqa: B018


def test_a_star_import_of_an_old_lesson_path_gets_the_model_and_its_sliders():
    names: dict = {}
    exec("from diplomatic_cover.capacity_model import *", names)
    assert {"coverage", "BASELINE", "coverage_explorer"} <= set(names)


def test_the_console_script_still_names_the_cli():
    (script,) = entry_points(group="console_scripts", name="diplomatic-cover")
    assert script.value == "diplomatic_cover.cli:main"
    assert script.load() is importlib.import_module("diplomatic_cover.cli").main


def test_the_save_hook_written_into_existing_environments_still_loads():
    from traitlets.utils.importstring import import_item

    from diplomatic_cover.setup.hooks import pre_save_hook

    assert import_item("diplomatic_cover.lab_hooks.pre_save_hook") is pre_save_hook


def _run(args, **kw):
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, check=False, **kw
    )


def test_python_m_setup_env_still_installs_the_hook(tmp_path):
    # Run as `python -m diplomatic_cover.setup_env`, but into a scratch prefix.
    code = (
        "import runpy, sys\n"
        f"sys.prefix = {str(tmp_path)!r}\n"
        "runpy.run_module('diplomatic_cover.setup_env', run_name='__main__')\n"
    )
    done = _run(["-c", code])
    assert done.returncode == 0, done.stderr
    config = json.loads((tmp_path / "etc/jupyter/jupyter_server_config.json").read_text())
    assert config["ContentsManager"]["pre_save_hook"] == "diplomatic_cover.lab_hooks.pre_save_hook"


def test_python_m_policy_still_writes_the_role_cards(tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(ROOT / "src", kit / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", kit / "pyproject.toml")
    (kit / "notebooks").mkdir()
    (kit / "instructors").mkdir()
    env = {**os.environ, "PYTHONPATH": str(kit / "src")}
    done = _run(["-m", "diplomatic_cover.policy"], cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    written = (kit / "instructors" / "role_cards.md").read_text(encoding="utf-8")
    assert written == (ROOT / "instructors" / "role_cards.md").read_text(encoding="utf-8")


def test_python_m_grading_still_shows_its_help():
    done = _run(["-m", "diplomatic_cover.grading", "--help"])
    assert done.returncode == 0, done.stderr
    assert "--execute" in done.stdout


@pytest.mark.slow
def test_an_exercise_written_against_the_old_paths_still_runs_and_grades(tmp_path):
    from diplomatic_cover.answers.identity import Student
    from diplomatic_cover.grading import grade
    from tests.grading.kit import correct, hand_in, notebook, solved_cells

    exercise = "ex1_pandas_record"
    cells = solved_cells(exercise)
    imports = "\n".join(cells)
    # What a student handed in before the rooms: the old dotted paths, nothing newer.
    assert "from diplomatic_cover.checks import check" in imports
    assert "import diplomatic_cover.record as rec" in imports
    assert "diplomatic_cover.answers" not in imports and "diplomatic_cover.lessons" not in imports
    checks = ("ex1.by-decade", "ex1.largest-waves", "ex1.ratios", "ex1.median-days")
    hand_in(
        tmp_path,
        Student("ana", "Ana"),
        checks={cid: correct(cid) for cid in checks},
        notebooks={exercise: notebook(*cells)},
    )
    config = tmp_path / "grading.toml"
    config.write_text(
        f'[assignment.{exercise}]\ntitle = "Exercise 1"\n'
        'checks = {"ex1.by-decade" = 2, "ex1.largest-waves" = 2, "ex1.ratios" = 3, '
        '"ex1.median-days" = 2}\n'
    )
    grade(
        submissions=tmp_path / "submissions",
        out=tmp_path / "grades",
        config=config,
        execute=True,
        cell_timeout=60,
    )
    text = (tmp_path / "grades" / "grades.csv").read_text(encoding="utf-8-sig")
    header, ana = (line.split(",") for line in text.splitlines()[:2])
    row = dict(zip(header, ana, strict=True))
    assert [row[cid] for cid in checks] == ["2", "2", "3", "2"]
    assert row["flags"] == ""
