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
