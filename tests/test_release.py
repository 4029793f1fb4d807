"""The class copy holds the kit students need and nothing secret.

Secret means: the instructors' folder, the answer key, the hidden checks and reference
answers, the exercise sources' solutions and hidden-check cells, and anything a notebook
could carry besides its text (outputs, attachments, cell metadata). The scanner is tested on
copies with secrets planted, so a clean result means something.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from diplomatic_cover.answers.catalogue import load_answer_key
from diplomatic_cover.instructor.authoring import solution_blocks
from diplomatic_cover.instructor.release import ReleaseError, find_secrets, main, release

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "instructors" / "exercises").glob("*.ipynb"))


@pytest.fixture(scope="module")
def class_copy(tmp_path_factory):
    return release(out=tmp_path_factory.mktemp("release") / "class-copy")


def files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_the_class_copy_has_what_students_need(class_copy):
    for name in ("README.md", "LICENSE", "LICENSE-CONTENT.md", "pyproject.toml", "Makefile"):
        assert (class_copy / name).is_file(), name
    assert (class_copy / "environment.yml").is_file()
    assert (class_copy / "data" / "expulsions.csv").is_file()
    assert (class_copy / "src" / "diplomatic_cover" / "exercise_expectations.json").is_file()
    assert {p.name for p in (class_copy / "notebooks").glob("*.ipynb")} == {
        p.name for p in (ROOT / "notebooks").glob("*.ipynb")
    }
    assert {p.name for p in (class_copy / "exercises").glob("*.ipynb")} == {p.name for p in SOURCES}


def test_the_instructors_material_is_left_out(class_copy):
    package = class_copy / "src" / "diplomatic_cover"
    assert not (class_copy / "instructors").exists()
    assert not (package / "questions" / "answer_key").exists()
    assert not (package / "instructor").exists()
    assert not (package / "authoring.py").exists()
    assert not (package / "release.py").exists()
    assert not any("__pycache__" in p.parts or p.suffix == ".pyc" for p in files(class_copy))


def test_the_scanner_finds_nothing_secret(class_copy):
    assert find_secrets(class_copy, ROOT) == []


def test_no_solution_or_model_answer_is_anywhere_in_it(class_copy):
    """A second look, independent of the scanner: plain substring search over every file."""
    texts = {p: " ".join(p.read_text(encoding="utf-8").split()) for p in files(class_copy)}
    blocks = [b for s in SOURCES for b in solution_blocks(json.loads(s.read_text()))]
    model_answers = [
        " ".join(e.model_answer.split())
        for e in load_answer_key().values()
        if len(e.model_answer) > 40
    ]
    for path, text in texts.items():
        for secret in blocks + model_answers:
            assert secret not in text, f"{path}: {secret[:60]}"
        assert "assert_passes" not in text, path


def test_notebooks_carry_no_outputs_attachments_or_metadata(class_copy):
    for path in [*class_copy.glob("notebooks/*.ipynb"), *class_copy.glob("exercises/*.ipynb")]:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert set(notebook["metadata"]) == {"kernelspec", "language_info"}
        for cell in notebook["cells"]:
            assert cell["metadata"] == {}, path
            assert not cell.get("outputs") and not cell.get("attachments"), path


@pytest.mark.parametrize(
    "plant",
    ["solution-line", "output", "attachment", "hidden-tag", "answer-key", "hidden-checks"],
)
def test_the_scanner_finds_planted_secrets(class_copy, tmp_path, plant):
    copy = tmp_path / "copy"
    shutil.copytree(class_copy, copy)
    notebook_path = copy / "exercises" / "ex1_pandas_record.ipynb"
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    if plant == "solution-line":
        cell["source"].append(
            '\nlargest = people.groupby(month)["people_expelled"].sum().nlargest(3)'
        )
    elif plant == "output":
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1118"}]
    elif plant == "attachment":
        cell["attachments"] = {"answer.png": {"image/png": "iVBORw0KGgo="}}
    elif plant == "hidden-tag":
        cell["metadata"] = {"tags": ["hidden-check"]}
    elif plant == "answer-key":
        key = ROOT / "src" / "diplomatic_cover" / "questions" / "answer_key"
        shutil.copytree(key, copy / "src" / "diplomatic_cover" / "questions" / "answer_key")
    elif plant == "hidden-checks":
        source = ROOT / "src" / "diplomatic_cover" / "instructor" / "reference.py"
        shutil.copy(source, copy / "src" / "diplomatic_cover" / "grading_helpers.py")
    notebook_path.write_text(json.dumps(notebook), encoding="utf-8")
    assert find_secrets(copy, ROOT), plant


def test_the_class_copy_runs_its_checks_without_the_instructors_package(class_copy, tmp_path):
    script = """
import diplomatic_cover, importlib.util
from diplomatic_cover.catalogue import load_answer_key
from diplomatic_cover.checks import check
from diplomatic_cover.data import load_expulsions
import diplomatic_cover.record as rec
import os
assert diplomatic_cover.__file__.startswith(os.environ["CLASS_COPY"]), diplomatic_cover.__file__
assert importlib.util.find_spec("diplomatic_cover.instructor") is None
assert load_answer_key() is None
people = rec.people_rows(load_expulsions())
by_decade = people.groupby(people["date"].dt.year // 10 * 10)["people_expelled"].sum()
print(check("ex1.by-decade", by_decade))
"""
    env = {
        **os.environ,
        "PYTHONPATH": str(class_copy / "src"),
        "CLASS_COPY": str(class_copy),
        "DIPLOMATIC_COVER_RESPONSES": str(tmp_path / "responses"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=class_copy, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "✓ ex1.by-decade: Correct." in done.stdout


def test_a_release_into_a_folder_that_is_not_empty_is_refused(tmp_path, capsys):
    (tmp_path / "old.txt").write_text("keep me")
    assert main(out=tmp_path) == 1
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "old.txt").read_text() == "keep me"


def test_a_release_with_stale_exercises_is_refused(tmp_path):
    kit = tmp_path / "kit"
    for name in ("notebooks", "exercises", "instructors/exercises"):
        shutil.copytree(ROOT / name, kit / name)
    shutil.copy(ROOT / "pyproject.toml", kit / "pyproject.toml")
    (kit / "exercises" / "ex2_plot.ipynb").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="out of date"):
        release(out=tmp_path / "out", root=kit)
