"""The standalone pages, in full, pass axe-core: the handed-in report (folded and unfolded),
a feedback page and the class report. Each is opened from disk, as its reader opens it."""

import zipfile

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import grade
from tests.browser.accessibility import assert_accessible
from tests.grading.kit import good_answers, hand_in, write_config

STUDENTS = [Student(f"student-{n}", f"Student Number{n}") for n in range(5)]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    for student in STUDENTS:
        zipped = hand_in(folder, student, answers=good_answers())
    with zipfile.ZipFile(zipped) as archive:
        (folder / "report.html").write_bytes(archive.read("report.html"))
    out = folder / "grades"
    grade(submissions=folder / "submissions", out=out, config=write_config(folder / "config"))
    return {
        "report": folder / "report.html",
        "feedback": out / "feedback" / f"{STUDENTS[0].id}.html",
        "class report": out / "class_report.html",
    }


@pytest.mark.parametrize("name", ["report", "feedback", "class report"])
def test_the_page_passes_axe_core_in_full(browser, pages, name):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(pages[name].as_uri())
    assert_accessible(page)
    if page.locator("details").count():
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_accessible(page)  # what the folded sections hold, too
    page.close()


def test_a_contents_link_opens_its_folded_section(browser, pages):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(pages["report"].as_uri())
    section = page.locator("details.notebook").first
    assert not section.evaluate("d => d.open")
    page.locator("nav.toc a").first.click()
    assert section.evaluate("d => d.open")  # the browser opens a folded target (no script)
    page.close()
