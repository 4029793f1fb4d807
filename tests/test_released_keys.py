"""Keys released after the deadline reach students whose package was installed before.

On a JupyterHub the image installs the class copy's package once (without the answer key);
`release --with-key 01` later writes 01's key into the class repository, and students pull
it. The Compare button must then appear for 01's questions (and only 01's), read from the
pulled folder that the notebook's working copy came from (`paths.class_copy_folder`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from diplomatic_cover import paths
from diplomatic_cover.answers.catalogue import (
    RELEASED_KEY_DIR,
    RELEASED_RECORD,
    released_answer_key,
)
from diplomatic_cover.instructor import release as releasing
from diplomatic_cover.setup import workcopy

WIDGET_SCRIPT = """
from diplomatic_cover.question_widget import ask
for qid, value in (("01.exit-1", "nothing"), ("02.selection", "no-selected")):
    widget = ask(qid)
    widget.value = value
    print(qid, widget.can_compare)
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(image package, pulled class copy): the package installed before any key was released."""
    folder = tmp_path_factory.mktemp("hub")
    pulled = releasing.release(out=folder / "home" / "diplomatic-cover-class")
    image = folder / "image"
    shutil.copytree(pulled / "src", image)
    return image, pulled


@pytest.fixture(scope="module")
def released_01(installed, tmp_path_factory):
    """The class repository after `release --with-key 01` (released once: the scan is slow)."""
    copy = tmp_path_factory.mktemp("released") / "diplomatic-cover-class"
    shutil.copytree(installed[1], copy)
    assert releasing.main(out=copy, with_key=["01"]) == 0
    return copy


@pytest.fixture
def pulled_with_01_key(released_01, tmp_path):
    """The class copy as a student pulls it after `release --with-key 01`."""
    pulled = tmp_path / "home" / "diplomatic-cover-class"
    shutil.copytree(released_01, pulled)
    return pulled


def _compare_buttons(image: Path, cwd: Path, tmp_path: Path) -> list[str]:
    """Run two questions in a kernel-like process that imports the image's package."""
    env = {
        **os.environ,
        "PYTHONPATH": str(image),
        "DIPLOMATIC_COVER_RESPONSES": str(tmp_path / "responses"),
    }
    done = subprocess.run(
        [sys.executable, "-c", WIDGET_SCRIPT], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_release_and_the_reader_agree_where_released_keys_are():
    assert RELEASED_KEY_DIR == releasing.ANSWER_KEY
    assert RELEASED_RECORD == releasing.RELEASED


def test_before_the_release_no_question_offers_a_model_answer(installed, tmp_path):
    image, pulled = installed
    assert _compare_buttons(image, pulled / "notebooks", tmp_path) == [
        "01.exit-1", "False", "02.selection", "False"
    ]  # fmt: skip


def test_after_pulling_a_released_key_its_notebook_offers_model_answers(
    installed, pulled_with_01_key, tmp_path
):
    image = installed[0]
    assert not (image / "diplomatic_cover" / "questions" / "answer_key").exists()
    assert _compare_buttons(image, pulled_with_01_key / "notebooks", tmp_path) == [
        "01.exit-1", "True", "02.selection", "False"
    ]  # fmt: skip
    # Outside any class copy (a notebook in the home folder) nothing is offered.
    assert _compare_buttons(image, pulled_with_01_key.parent, tmp_path) == [
        "01.exit-1", "False", "02.selection", "False"
    ]  # fmt: skip


def test_a_working_copy_beside_the_pulled_folder_finds_it(pulled_with_01_key, tmp_path):
    work = tmp_path / "home" / "my-work"
    workcopy.sync(pulled_with_01_key, work)
    assert paths.class_copy_folder(work / "exercises") == pulled_with_01_key
    key = released_answer_key(work / "notebooks")
    assert key is not None and "01.exit-1" in key and "02.selection" not in key


def test_a_folder_without_the_class_copy_note_is_not_a_class_copy(pulled_with_01_key):
    (pulled_with_01_key / paths.CLASS_COPY_MARKER).unlink()
    assert paths.class_copy_folder(pulled_with_01_key / "notebooks") is None
    assert released_answer_key(pulled_with_01_key / "notebooks") is None


def test_only_keys_the_record_lists_are_read(pulled_with_01_key, installed):
    keys = pulled_with_01_key / RELEASED_KEY_DIR
    kit_keys = releasing.paths.kit_root() / RELEASED_KEY_DIR
    shutil.copy(kit_keys / "02_espionage_risk.toml", keys)  # copied in, never released
    record = json.loads((keys / RELEASED_RECORD).read_text(encoding="utf-8"))
    record["released"]["../../../../etc/passwd"] = "now"  # not a notebook's name
    (keys / RELEASED_RECORD).write_text(json.dumps(record), encoding="utf-8")
    key = released_answer_key(pulled_with_01_key / "notebooks")
    assert key is not None
    assert {qid.split(".")[0] for qid in key} == {"01"}


def test_a_broken_key_or_record_hides_compare_and_breaks_nothing(pulled_with_01_key):
    keys = pulled_with_01_key / RELEASED_KEY_DIR
    where = pulled_with_01_key / "notebooks"
    (keys / "01_reading_the_article.toml").write_text("answers = [not toml", encoding="utf-8")
    assert released_answer_key(where) is None
    (keys / RELEASED_RECORD).write_text("{not json", encoding="utf-8")
    assert released_answer_key(where) is None
    (keys / RELEASED_RECORD).write_text('{"released": ["01_reading_the_article"]}')
    assert released_answer_key(where) is None


def test_on_a_hub_the_hidden_pulled_folder_beside_my_work_is_found(pulled_with_01_key, tmp_path):
    hidden = tmp_path / "home" / paths.PULLED_DIR
    pulled_with_01_key.rename(hidden)
    work = tmp_path / "home" / paths.WORK_DIR
    workcopy.sync(hidden, work)
    assert paths.class_copy_folder(work / "notebooks") == hidden
    marker = work / paths.WORK_MARKER  # a marker that lost its source: found beside my-work/
    manifest = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({**manifest, "source": ""}), encoding="utf-8")
    assert paths.class_copy_folder(work / "notebooks") == hidden
    assert "01.exit-1" in (released_answer_key(work / "notebooks") or {})
