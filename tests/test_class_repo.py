"""`release --out REPO` refreshes a class-copy git repository in place, with real git.

The first test runs the whole command; the others build the class copy once and hand a copy
of it to the in-place update (the release's own checks are tested in tests/test_release.py),
so what they exercise is the git side: what is kept, replaced, removed, refused, committed.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from diplomatic_cover._version import __version__
from diplomatic_cover.cli import main as cli_main
from diplomatic_cover.instructor import class_repo, release

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Ana Teacher")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "ana.teacher@example.edu")


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def new_repo(folder):
    folder.mkdir(parents=True)
    git(folder, "init", "--quiet", "--initial-branch=main")
    return folder


def committed_files(repo):
    """The files of HEAD, read from git itself (not from the work tree)."""
    archive = subprocess.run(["git", "-C", str(repo), "archive", "HEAD"], capture_output=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One class copy, built by the real release."""
    return release.release(out=tmp_path_factory.mktemp("built") / "class-copy")


@pytest.fixture
def releasing(built):
    """The release module, with `release` copying the prebuilt class copy (fast)."""

    def quick_release(*, out, **settings):
        shutil.copytree(built, out)
        return out

    return SimpleNamespace(
        release=quick_release,
        release_keys=release.release_keys,
        released_keys=release.released_keys,
        ANSWER_KEY=release.ANSWER_KEY,
        RELEASED=release.RELEASED,
        ReleaseError=release.ReleaseError,
    )


@pytest.fixture
def repo(tmp_path, releasing):
    """A class-copy repository with one release committed."""
    folder = new_repo(tmp_path / "class-copy")
    class_repo.update_in_place(folder, releasing=releasing)
    return folder


def test_the_command_releases_into_a_new_repository_and_commits(tmp_path, capsys):
    folder = new_repo(tmp_path / "class-copy")
    assert cli_main(["release", "--out", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Committed ") and "Push it (git -C" in out
    assert git(folder, "log", "--format=%s").splitlines() == [
        f"Class copy of Diplomatic Cover {__version__}"
    ]
    files = committed_files(folder)
    assert "notebooks/00_start_here.ipynb" in files and "CLASS_COPY.md" in files
    assert "binder/requirements.txt" in files and "binder/postBuild" in files
    assert not any(name.startswith(("instructors/", release.ANSWER_KEY)) for name in files)
    checkout = tmp_path / "checkout"
    for name, data in files.items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_bytes(data)
    assert release.find_secrets(checkout, ROOT) == []
    assert git(folder, "status", "--porcelain") == ""


def test_a_new_release_replaces_the_tracked_content_and_keeps_the_history(repo, releasing):
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "README.md").write_text("edited on the server by hand\n")
    (repo / "syllabus.md").write_text("week 1\n")
    (repo / "notebooks" / "00_start_here.ipynb").unlink()
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "hand edits")
    update = class_repo.update_in_place(repo, releasing=releasing)
    assert update.changed == ["README.md"] and update.added == ["notebooks/00_start_here.ipynb"]
    assert update.removed == ["syllabus.md"]
    assert "Removed (not in the new class copy): syllabus.md." in update.describe(repo)
    log = git(repo, "log", "--format=%H %s").splitlines()
    assert len(log) == 3 and log[-1].startswith(first)
    assert log[0].endswith(f"Class copy of Diplomatic Cover {__version__}")
    assert (repo / "README.md").read_bytes() == (ROOT / "README.md").read_bytes()
    assert not (repo / "syllabus.md").exists() and git(repo, "status", "--porcelain") == ""


def test_a_release_that_changes_nothing_makes_no_commit(repo, releasing):
    before = git(repo, "rev-parse", "HEAD")
    update = class_repo.update_in_place(repo, releasing=releasing)
    assert update.commit == "" and git(repo, "rev-parse", "HEAD") == before
    assert "nothing to commit" in update.describe(repo)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda repo: (repo / "README.md").write_text("not committed\n"), "README.md"),
        (lambda repo: (repo / "notes.txt").write_text("untracked\n"), "notes.txt"),
        (lambda repo: (repo / "notebooks" / "01_reading_the_article.ipynb").unlink(), "01_"),
    ],
    ids=["changed", "untracked", "deleted"],
)
def test_a_repository_with_uncommitted_changes_is_refused_and_left_alone(
    repo, change, named, capsys
):
    change(repo)
    before = (git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain"))
    assert release.main(out=repo) == 1
    error = capsys.readouterr().err
    assert "has changes not committed" in error and named in error
    assert "commit or discard them first" in error
    assert (git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain")) == before


def test_without_a_git_identity_nothing_is_touched(tmp_path, releasing, monkeypatch):
    folder = new_repo(tmp_path / "class-copy")
    for name in ("NAME", "EMAIL"):
        monkeypatch.delenv(f"GIT_AUTHOR_{name}")
        monkeypatch.delenv(f"GIT_COMMITTER_{name}")
    monkeypatch.delenv("EMAIL", raising=False)
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # Never guess an address from the host name (which could look valid on some machines).
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.useConfigOnly")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "true")
    with pytest.raises(class_repo.ClassRepoError, match=r"git config --global user\.name"):
        class_repo.update_in_place(folder, releasing=releasing)
    assert sorted(p.name for p in folder.iterdir()) == [".git"]


def test_a_failure_half_way_puts_the_files_back_as_committed(repo, releasing, monkeypatch):
    before = committed_files(repo)
    (repo / "syllabus.md").write_text("week 1\n")
    git(repo, "add", "syllabus.md")
    git(repo, "commit", "--quiet", "-m", "syllabus")

    def broken_commit(folder, message):
        raise OSError("disk full")

    monkeypatch.setattr(class_repo, "_commit", broken_commit)
    with pytest.raises(OSError, match="disk full"):
        class_repo.update_in_place(repo, releasing=releasing)
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert (repo / "syllabus.md").read_text() == "week 1\n"
    assert committed_files(repo) == {**before, "syllabus.md": b"week 1\n"}


def test_released_answer_keys_are_committed_and_stay_released(repo, releasing, capsys):
    assert release.main(out=repo, with_key=["01"]) == 0
    assert "Released the answer keys of 01_reading_the_article" in capsys.readouterr().out
    assert git(repo, "log", "-1", "--format=%s").startswith("Answer keys released: 01_")
    record = repo / release.ANSWER_KEY / release.RELEASED
    recorded = record.read_bytes()
    update = class_repo.update_in_place(repo, releasing=releasing)
    assert update.keys == ["01_reading_the_article"]
    assert update.commit == ""  # the same copy, the same keys, the same record
    assert record.read_bytes() == recorded
    assert (repo / release.ANSWER_KEY / "01_reading_the_article.toml").is_file()


def test_a_plain_folder_that_is_not_empty_is_still_refused(tmp_path, capsys):
    folder = tmp_path / "not-a-repo"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    assert release.main(out=folder) == 1
    assert "exists and is not empty" in capsys.readouterr().err


def test_the_open_kit_itself_is_never_released_over(tmp_path, releasing, capsys):
    before = git(ROOT, "rev-parse", "HEAD")
    with pytest.raises(class_repo.ClassRepoError, match="is the open kit"):
        class_repo.update_in_place(ROOT, releasing=releasing)
    with pytest.raises(class_repo.ClassRepoError, match="is the open kit"):
        class_repo.update_in_place(ROOT.parent, releasing=releasing, settings={"root": ROOT})
    copy_of_kit = new_repo(tmp_path / "kit-clone")
    (copy_of_kit / "instructors").mkdir()
    assert release.main(out=copy_of_kit) == 1
    assert "a release there would replace the kit" in capsys.readouterr().err
    assert git(ROOT, "rev-parse", "HEAD") == before
