"""Text typed just before the page is reloaded is not lost silently.

review-newcomer.md, bug 7: typing and reloading within about a second lost the text (the
widget sends typing after a 400 ms pause). Now a pending save is sent when the page unloads
and the page asks before leaving while one is pending. The test types and reloads within
100 ms; the answer must be in the store and the warning must have shown (the issue asks for
either). The notebook is saved first, so JupyterLab's own "unsaved changes" warning cannot be
the one seen.
"""

import json
import re
import time

from tests.browser.jlab import open_notebook, run_all_cells

NOTEBOOK = "notebooks/00_start_here.ipynb"
TEXT = "Who is right about the FBI"


def _stored(lab, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for document in lab.store.glob("*/00_start_here.json"):
            entry = json.loads(document.read_text())["answers"].get("00.tour-short")
            if entry and entry["value"].strip() == TEXT:
                return entry["value"]
        time.sleep(0.1)
    return None


def test_typing_then_reloading_within_100_ms_saves_or_warns(page, lab):
    warnings = []

    def on_dialog(dialog):
        warnings.append(dialog.type)
        dialog.accept()  # leave anyway, as an impatient student would

    page.on("dialog", on_dialog)
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    page.keyboard.press("ControlOrMeta+s")
    page.locator(".jp-mod-dirty").first.wait_for(state="detached")  # nothing unsaved in lab
    box = page.get_by_role("textbox", name=re.compile("most want to find out"))
    box.fill("")
    page.wait_for_timeout(1000)  # the clearing is saved; the store has no such answer now
    assert _stored(lab, timeout=0) is None

    # The page reloads itself 50 ms after the text arrives: "within 100 ms" holds however
    # slowly the test machine answers the test's own commands.
    box.evaluate(
        """area => area.addEventListener("input",
            () => setTimeout(() => location.reload(), 50), { once: true })"""
    )
    box.focus()
    with page.expect_navigation():
        page.keyboard.insert_text(TEXT)

    # The issue asks for one or the other; both happen: the save goes out as the page
    # leaves, and the page asks first.
    stored = _stored(lab)
    assert stored is not None and warnings == ["beforeunload"], (stored, warnings)
