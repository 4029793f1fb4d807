"""An instructor restyles or translates the pages from a folder of their own.

`DIPLOMATIC_COVER_TEMPLATES` names a folder whose files are used before the kit's own
templates (pages/render.py): a `kit.css` there restyles every page, a template there replaces
that one page, and everything not copied there stays the kit's.
"""

from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.report import build_report
from diplomatic_cover.pages.render import TEMPLATES_ENV, template_folder

KIT_TEMPLATES = Path(template_folder())
ANA = Student(id="ana-silva", name="Ana Silva")
OUR_RULE = "body.dc-page { font-family: 'Atkinson Hyperlegible', sans-serif; }"


@pytest.fixture
def store(tmp_path):
    store = ResponseStore(tmp_path / "responses")
    store.save_answer(ANA, "00_start_here", "00.tour-short", "who gets expelled")
    return store


@pytest.fixture
def override(tmp_path, monkeypatch):
    folder = tmp_path / "our-templates"
    folder.mkdir()
    monkeypatch.setenv(TEMPLATES_ENV, str(folder))
    return folder


def test_a_kit_css_in_the_folder_restyles_the_report(override, store):
    kit_css = (KIT_TEMPLATES / "kit.css").read_text(encoding="utf-8")
    (override / "kit.css").write_text(f"{kit_css}\n{OUR_RULE}\n", encoding="utf-8")
    page = build_report(ANA, store)
    assert OUR_RULE in page
    assert "Answers of <bdi>Ana Silva</bdi>" in page  # the kit's own report template


def test_a_template_in_the_folder_replaces_that_page_only(override, store):
    kit_report = (KIT_TEMPLATES / "report.html").read_text(encoding="utf-8")
    translated = kit_report.replace("<h1>Answers of", "<h1>Réponses de")
    assert translated != kit_report
    (override / "report.html").write_text(translated, encoding="utf-8")
    page = build_report(ANA, store)
    assert "<h1>Réponses de <bdi>Ana Silva</bdi></h1>" in page
    assert "who gets expelled" in page
    assert OUR_RULE not in page  # kit.css was not copied: the kit's own stylesheet


def test_without_the_folder_the_kit_uses_its_own_templates(store, monkeypatch):
    monkeypatch.delenv(TEMPLATES_ENV, raising=False)
    assert "<h1>Answers of <bdi>Ana Silva</bdi></h1>" in build_report(ANA, store)
