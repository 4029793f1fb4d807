"""Where answers are stored: the override, the kit folder, and the read-only fallback."""

from pathlib import Path

from diplomatic_cover import paths


def test_the_environment_variable_decides_where_answers_go(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.RESPONSES_ENV, str(tmp_path / "answers"))
    assert paths.responses_dir() == tmp_path / "answers"


def test_without_override_answers_go_beside_the_notebooks(monkeypatch):
    monkeypatch.delenv(paths.RESPONSES_ENV, raising=False)
    root = paths.kit_root()
    assert root is not None and (root / "notebooks").is_dir()
    assert paths.responses_dir() == root / "responses"


def test_a_read_only_kit_stores_answers_in_the_users_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.RESPONSES_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(paths, "kit_root", lambda: None)
    assert paths.responses_dir() == Path(tmp_path) / "diplomatic-cover" / "responses"


def test_submissions_go_beside_a_moved_store(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.SUBMISSIONS_ENV, raising=False)
    monkeypatch.setenv(paths.RESPONSES_ENV, str(tmp_path / "responses"))
    assert paths.submissions_dir() == tmp_path / "submissions"
    monkeypatch.setenv(paths.SUBMISSIONS_ENV, str(tmp_path / "hand-in"))
    assert paths.submissions_dir() == tmp_path / "hand-in"


def test_an_editable_install_reads_the_record_from_the_repository():
    assert paths.data_dir() == paths.kit_root() / "data"


def test_an_installed_package_reads_its_own_copy_of_the_record(monkeypatch, tmp_path):
    (tmp_path / paths.PACKAGED_DATA).mkdir()
    monkeypatch.setattr(paths, "package_path", lambda *parts: tmp_path.joinpath(*parts))
    assert paths.data_dir() == tmp_path / paths.PACKAGED_DATA


def test_an_installed_kit_finds_the_instructors_kit_from_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "kit_root", lambda: None)
    for name in ("instructors", "notebooks"):
        (tmp_path / "open-kit" / name).mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "open-kit" / "instructors")
    assert paths.open_kit_root() == tmp_path / "open-kit"
    monkeypatch.chdir(tmp_path)
    assert paths.open_kit_root() is None
