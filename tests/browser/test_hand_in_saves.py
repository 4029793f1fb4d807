"""Hand in saves first: the newcomer's steps hand in the code the student saw checked.

review-newcomer.md, bug 1: in exercise 3, write the code, run its check three times ("✓
Correct"), and press Hand in without Ctrl+S. The zip used to hold the blank notebook. Here
JupyterLab serves a real working copy (made by `sync`, as `make lab` makes it) and the zip
must hold the code, which must also be on disk by then (the button saved it).
"""

import re
import zipfile

import pytest

from tests.browser.conftest import KIT_ROOT
from tests.browser.jlab import open_notebook, wait_until_done
from tests.labserver import running_lab

EXERCISE = "exercises/ex3_capacity.ipynb"
CODE = """def coverage_share(officers, agents, agents_per_target, other_work_pct, away_pct):
    at_work = agents * (100 - away_pct) // 100
    free_agents = at_work * (100 - other_work_pct) // 100
    teams = free_agents // agents_per_target
    covered = min(teams, officers)
    return covered / officers
"""


@pytest.fixture(scope="module")
def work_lab(tmp_path_factory, chromium_path):
    from diplomatic_cover.setup.workcopy import sync

    work = tmp_path_factory.mktemp("student") / "my-work"
    sync(KIT_ROOT, work)
    with running_lab(work, tmp_path_factory.mktemp("lab-home")) as server:
        yield server


def _run_cell(page, lab, index):
    page.locator(".jp-Notebook .jp-Cell").nth(index).click()
    page.keyboard.press("Shift+Enter")
    wait_until_done(page, lab, EXERCISE)


def _cell_index(page, text):
    sources = page.locator(".jp-Notebook .jp-Cell .jp-InputArea").all_text_contents()
    return next(i for i, source in enumerate(sources) if text in source)


def test_checked_three_times_then_hand_in_without_saving_hands_in_the_code(browser, work_lab):
    lab = work_lab
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    open_notebook(page, lab, EXERCISE)
    for index in (_cell_index(page, 'dc.start("ex3_capacity")'), _cell_index(page, "import math")):
        _run_cell(page, lab, index)
    code = _cell_index(page, "def coverage_share")
    page.locator(".jp-Notebook .jp-Cell").nth(code).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(CODE)
    check = _cell_index(page, 'check("ex3.coverage"')
    for _ in range(3):
        _run_cell(page, lab, code)
        _run_cell(page, lab, check)
        page.get_by_text("✓ ex3.coverage Correct.").first.wait_for()
    on_disk = lab.root / EXERCISE
    assert "min(teams, officers)" not in on_disk.read_text()  # not saved: the bug's setting

    _run_cell(page, lab, _cell_index(page, "dc.submit_button()"))
    page.get_by_role("button", name=re.compile("Hand in")).click()
    status = page.get_by_text(re.compile(r"(Wrote submission-|No submission file)")).first
    status.wait_for()

    assert status.text_content().startswith("✓ Wrote submission-"), status.text_content()
    (built,) = (lab.store.parent / "submissions").glob("submission-*.zip")
    with zipfile.ZipFile(built) as archive:
        assert "min(teams, officers)" in archive.read(EXERCISE).decode("utf-8")
    assert "min(teams, officers)" in on_disk.read_text()
    page.context.close()
