"""The class copy holds what one list names, and nothing an instructor changed by accident.

Tried as a careless instructor (review-security.md 5.10, review-newcomer.md 9) in a git
checkout of the kit made for the test: stray rosters, gradebooks and zips stay out; a guided
notebook edited since the last commit is refused unless named; outputs JupyterLab saved do
not count; `build-exercises` never overwrites a student copy someone changed.
"""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from diplomatic_cover.instructor.authoring import AuthoringError, build_exercises
from diplomatic_cover.instructor.authoring import main as build_main
from diplomatic_cover.instructor.release import (
    CLASS_COPY,
    ReleaseError,
    left_out,
    main,
    modified_notebooks,
    release,
)
from diplomatic_cover.instructor.shipped_notebooks import HASH_LIST
from diplomatic_cover.instructor.shipped_notebooks import main as hashes_main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/05_expulsion_record.ipynb"


def git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def committed_kit(tmp_path_factory):
    """The kit's tracked files, committed in a fresh git repository."""
    kit = tmp_path_factory.mktemp("kit") / "kit"
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    for relative in filter(None, listed):
        source = ROOT / relative
        if source.is_file():
            (kit / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, kit / relative)
    git(kit, "init", "-q")
    git(kit, "add", "-A")
    git(kit, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "kit")
    return kit


@pytest.fixture
def kit(committed_kit, tmp_path):
    """A private clone of the committed kit, free to dirty."""
    clone = tmp_path / "kit"
    git(tmp_path, "clone", "-q", str(committed_kit), str(clone))
    return clone


def test_stray_rosters_gradebooks_and_zips_stay_out_and_are_named(kit, tmp_path, capsys):
    (kit / "data" / "grades-fall.csv").write_text("student,total\nana-silva,10\n")
    (kit / "notebooks" / "roster.csv").write_text("kit_id,lms_id\nana-silva,4821\n")
    (kit / "exercises" / "submissions").mkdir()
    (kit / "exercises" / "submissions" / "submission-ana-silva.zip").write_bytes(b"PK")
    assert main(out=tmp_path / "class", root=kit) == 0
    copied = {p.relative_to(tmp_path / "class").as_posix() for p in (tmp_path / "class").rglob("*")}
    assert "data/expulsions.csv" in copied and NOTEBOOK in copied
    assert not {"data/grades-fall.csv", "notebooks/roster.csv"} & copied
    assert not any(name.endswith(".zip") for name in copied)
    said = capsys.readouterr().out
    assert "Left out (not on the class-copy list, CLASS_COPY):" in said
    for stray in ("data/grades-fall.csv", "notebooks/roster.csv", "submission-ana-silva.zip"):
        assert stray in said
    assert left_out(ROOT) == []  # the kit itself ships everything in those folders


def test_the_list_is_one_constant_of_names_and_patterns():
    assert all(isinstance(entry, str) and not entry.startswith("/") for entry in CLASS_COPY)
    assert "data/expulsions.csv" in CLASS_COPY and "notebooks/[0-9][0-9]_*.ipynb" in CLASS_COPY


def test_a_guided_notebook_edited_since_the_commit_is_refused_unless_named(kit, tmp_path):
    path = kit / NOTEBOOK
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    cell["source"] = ["LOG_SCALE = True\n"]
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    assert modified_notebooks(kit) == [NOTEBOOK]
    with pytest.raises(ReleaseError, match=r"05_expulsion_record\.ipynb.*--allow-modified"):
        release(out=tmp_path / "refused", root=kit)
    assert not (tmp_path / "refused").exists()
    release(out=tmp_path / "class", root=kit, allow_modified=["05_expulsion_record"])
    assert "LOG_SCALE = True" in (tmp_path / "class" / NOTEBOOK).read_text(encoding="utf-8")


def test_a_class_copy_repository_is_refreshed_under_the_same_rule(kit, tmp_path, monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Ana Teacher")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "ana.teacher@example.edu")
    repo = tmp_path / "class-repo"
    repo.mkdir()
    git(repo, "init", "-q")
    path = kit / NOTEBOOK
    notebook = json.loads(path.read_text(encoding="utf-8"))
    next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"] = ["LOG = 1\n"]
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    said = io.StringIO()
    assert main(out=repo, root=kit, stderr=said) == 1  # refused: nothing committed
    assert "05_expulsion_record.ipynb" in said.getvalue() and "--allow-modified" in said.getvalue()
    assert subprocess.run(["git", "-C", str(repo), "log"], capture_output=True).returncode != 0
    assert main(out=repo, root=kit, allow_modified=["05_expulsion_record"]) == 0
    assert "LOG = 1" in (repo / NOTEBOOK).read_text(encoding="utf-8")


def test_outputs_saved_by_jupyterlab_are_not_a_change(kit):
    path = kit / NOTEBOOK
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = index
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Ana Silva"}]
    notebook["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    assert modified_notebooks(kit) == []


def edit(path: Path, source: str) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"] = [source]
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def test_the_shipped_hash_list_matches_the_guided_notebooks(capsys):
    # Fails after a guided notebook changes until the list is regenerated (the message says how).
    assert hashes_main(["--check", "--root", str(ROOT)]) == 0, capsys.readouterr().err


def test_a_kit_without_git_releases_its_notebooks_as_shipped(kit, tmp_path):
    shutil.rmtree(kit / ".git")  # a kit downloaded as a zip
    assert modified_notebooks(kit) == []
    release(out=tmp_path / "class", root=kit)
    assert (tmp_path / "class" / NOTEBOOK).is_file()


def test_a_kit_without_git_refuses_an_edited_notebook_by_its_hash_list(kit, tmp_path):
    shutil.rmtree(kit / ".git")
    edit(kit / NOTEBOOK, "LOG_SCALE = True\n")
    with pytest.raises(ReleaseError, match=r"shipped with.*05_expulsion_record\.ipynb") as caught:
        release(out=tmp_path / "refused", root=kit)
    assert "notebooks/00_start_here.ipynb" not in str(caught.value)  # only the edited one
    assert not (tmp_path / "refused").exists()
    release(out=tmp_path / "class", root=kit, allow_modified=["05_expulsion_record"])
    assert "LOG_SCALE = True" in (tmp_path / "class" / NOTEBOOK).read_text(encoding="utf-8")


def test_the_hash_list_check_names_the_edited_notebook(kit, capsys):
    edit(kit / NOTEBOOK, "LOG_SCALE = True\n")
    assert hashes_main(["--check", "--root", str(kit)]) == 1
    assert NOTEBOOK in capsys.readouterr().err
    assert hashes_main(["--root", str(kit)]) == 0  # regenerated: now it matches
    assert hashes_main(["--check", "--root", str(kit)]) == 0


def test_without_git_or_a_hash_list_every_notebook_must_be_named(kit, tmp_path):
    shutil.rmtree(kit / ".git")
    (kit / HASH_LIST).unlink()
    with pytest.raises(ReleaseError, match=r"not a git checkout.*--allow-modified all"):
        release(out=tmp_path / "class", root=kit)
    release(out=tmp_path / "class", root=kit, allow_modified=["all"])


# -- build-exercises never overwrites someone's work -------------------------------------------


def test_build_exercises_refuses_to_overwrite_a_changed_copy_without_force(kit, capsys):
    copy = kit / "exercises" / "ex3_capacity.ipynb"
    notebook = json.loads(copy.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    cell["source"] = ["covered = min(teams, officers)  # my work\n"]
    copy.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    source_dir, out_dir = kit / "instructors" / "exercises", kit / "exercises"
    expectations = kit / "src" / "diplomatic_cover" / "exercise_expectations.json"
    with pytest.raises(AuthoringError, match=r"ex3_capacity\.ipynb.*--force"):
        build_exercises(source_dir=source_dir, out_dir=out_dir, expectations=expectations)
    assert "my work" in copy.read_text(encoding="utf-8")
    assert build_main(source_dir=source_dir, out_dir=out_dir) == 1
    assert "--force" in capsys.readouterr().err
    build_exercises(source_dir=source_dir, out_dir=out_dir, expectations=expectations, force=True)
    assert "my work" not in copy.read_text(encoding="utf-8")


def test_a_copy_that_only_gained_outputs_is_rebuilt_without_asking(kit):
    copy = kit / "exercises" / "ex3_capacity.ipynb"
    notebook = json.loads(copy.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "9"}]
    copy.write_text(json.dumps(notebook), encoding="utf-8")
    build_exercises(
        source_dir=kit / "instructors" / "exercises",
        out_dir=kit / "exercises",
        expectations=kit / "src" / "diplomatic_cover" / "exercise_expectations.json",
    )
    assert copy.read_text(encoding="utf-8") == (
        ROOT / "exercises" / "ex3_capacity.ipynb"
    ).read_text(encoding="utf-8")
