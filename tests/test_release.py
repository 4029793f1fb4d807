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
import sysconfig
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


def test_the_class_copy_holds_the_case_reading_students_read_in_class(class_copy):
    shipped = {p.name for p in (class_copy / "readings").glob("*.md")}
    assert "case_reading.md" in shipped
    assert shipped == {p.name for p in (ROOT / "readings").glob("*.md")}


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
    # `python -S`: the class copy alone, not the open kit's editable install (its import hook
    # would supply the instructor package the copy leaves out); libraries via PYTHONPATH.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(class_copy / "src"), sysconfig.get_path("purelib")]),
        "CLASS_COPY": str(class_copy),
        "DIPLOMATIC_COVER_RESPONSES": str(tmp_path / "responses"),
    }
    done = subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=class_copy,
        env=env,
        capture_output=True,
        text=True,
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


# --- answer keys released after the deadline -------------------------------------------


@pytest.fixture
def copy_with_01_key(class_copy, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(class_copy, copy)
    assert main(out=copy, with_key=["01"]) == 0
    return copy


def test_a_released_key_is_written_where_the_class_copy_reads_it(copy_with_01_key):
    keys = copy_with_01_key / "src" / "diplomatic_cover" / "questions" / "answer_key"
    assert sorted(p.name for p in keys.iterdir()) == [
        "01_reading_the_article.toml",
        "released.json",
    ]
    released = load_answer_key(keys)
    assert set(released) == {qid for qid in load_answer_key() if qid.startswith("01.")}
    record = json.loads((keys / "released.json").read_text(encoding="utf-8"))
    assert list(record["released"]) == ["01_reading_the_article"]


def test_the_scanner_allows_a_released_key_and_nothing_more(copy_with_01_key):
    assert find_secrets(copy_with_01_key, ROOT) == []
    key = ROOT / "src" / "diplomatic_cover" / "questions" / "answer_key"
    notes = copy_with_01_key / "notebooks" / "notes.md"  # say, a page of class notes
    released_text = load_answer_key(key / "01_reading_the_article.toml")["01.exit-1"].model_answer
    withheld_text = load_answer_key(key / "02_espionage_risk.toml")["02.selection"].model_answer
    notes.write_text(released_text, encoding="utf-8")  # released: no longer a secret
    assert find_secrets(copy_with_01_key, ROOT) == []
    notes.write_text(released_text + "\n\n" + withheld_text, encoding="utf-8")
    found = find_secrets(copy_with_01_key, ROOT)  # another notebook's key: still a secret
    assert found and all(line.startswith("notebooks/notes.md: secret text") for line in found)


def test_a_key_copied_in_by_hand_is_still_a_secret(copy_with_01_key):
    keys = copy_with_01_key / "src" / "diplomatic_cover" / "questions" / "answer_key"
    shutil.copy(
        ROOT / "src" / "diplomatic_cover" / "questions" / "answer_key" / "02_espionage_risk.toml",
        keys,
    )
    found = find_secrets(copy_with_01_key, ROOT)
    assert any(
        line.startswith(f"{keys.relative_to(copy_with_01_key).as_posix()}/02_") for line in found
    )


def test_releasing_more_keys_adds_to_the_record(copy_with_01_key, capsys):
    assert main(out=copy_with_01_key, with_key=["ex4_argument_memo", "01"]) == 0
    assert "ex4_argument_memo" in capsys.readouterr().out
    keys = copy_with_01_key / "src" / "diplomatic_cover" / "questions" / "answer_key"
    record = json.loads((keys / "released.json").read_text(encoding="utf-8"))
    assert list(record["released"]) == ["01_reading_the_article", "ex4_argument_memo"]
    assert find_secrets(copy_with_01_key, ROOT) == []


@pytest.mark.parametrize(
    ("with_key", "message"),
    [(["07"], "No answer key for '07'"), (["01"], "not a class copy")],
)
def test_a_key_release_that_cannot_be_done_says_why_and_writes_nothing(
    tmp_path, capsys, with_key, message
):
    target = tmp_path / "not-a-copy"
    target.mkdir()
    if message.startswith("No answer key"):
        (target / "CLASS_COPY.md").write_text("# Class copy\n", encoding="utf-8")
    assert main(out=target, with_key=with_key) == 1
    assert message in capsys.readouterr().err
    assert not (target / "src").exists()


def test_in_the_class_copy_a_released_notebook_offers_its_model_answers(copy_with_01_key, tmp_path):
    script = """
from diplomatic_cover.question_widget import ask
for qid, value in (("01.exit-1", "nothing"), ("02.selection", "no-selected")):
    widget = ask(qid)
    widget.value = value
    print(qid, widget.can_compare)
"""
    env = {
        **os.environ,
        "PYTHONPATH": str(copy_with_01_key / "src"),
        "DIPLOMATIC_COVER_RESPONSES": str(tmp_path / "responses"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=copy_with_01_key,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["01.exit-1", "True", "02.selection", "False"]
