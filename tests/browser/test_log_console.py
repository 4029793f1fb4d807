"""Quick changes to 06's matrix explorer never send its output to JupyterLab's log console.

The explorer once printed inside `with output:`; after a burst of slider moves the browser
had not yet applied the Output widget's capture when the table arrived, so JupyterLab put it
in the log console (a badge in the status bar) instead of under the sliders. Here a student
makes 10 quick changes (sliders by keyboard and the option picker), 5 times over, and the log
console must stay empty. A planted leak (a callback that prints) shows the check can fail.
"""

import re

import pytest

from tests.browser.jlab import open_notebook, run_all_cells, wait_until_done

NOTEBOOK = "notebooks/06_policy_debate.ipynb"
LEAK = "fixtures/log-console-fail.ipynb"


def log_entries(page) -> int:
    """Log-console entries JupyterLab counts for the open notebook (its status bar item)."""
    item = page.locator(".jp-LogConsoleStatusItem [title]")
    if not item.count():
        return 0  # the item draws nothing until something is logged
    found = re.search(r"(\d+) log entries", item.first.get_attribute("title") or "")
    return int(found.group(1)) if found else 0


def burst(page, explorer) -> None:
    """10 quick changes: six slider steps by keyboard and four picks of an option."""
    weights = explorer.locator('input[type="range"], [role="slider"]')
    picker = explorer.locator("select").first
    options = picker.locator("option").all_text_contents()
    weights.nth(0).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    weights.nth(3).focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    for label in (options[1], options[2], options[3], options[0]):
        picker.select_option(label=label)


def test_quick_changes_to_the_explorer_never_reach_the_log_console(page, lab):
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    # The full explorer (weights, scores and results), not the weights-only one above it.
    explorer = page.locator(".jp-OutputArea-output").filter(has_text="Your scores").first
    explorer.scroll_into_view_if_needed()
    for _ in range(5):
        burst(page, explorer)
        wait_until_done(page, lab, NOTEBOOK)
        page.wait_for_timeout(300)  # late messages, if any, land now
        assert log_entries(page) == 0
    assert "Weight now" in explorer.text_content()  # the outputs stayed under the sliders


@pytest.mark.long  # tests the harness, not the kit: CI runs it, make test skips it
def test_the_log_console_check_sees_a_leak(page, lab):
    open_notebook(page, lab, LEAK)
    run_all_cells(page, lab, LEAK)
    page.locator(".jp-OutputArea-output .widget-slider [role=slider]").first.focus()
    page.keyboard.press("ArrowRight")
    wait_until_done(page, lab, LEAK)
    page.wait_for_timeout(500)
    assert log_entries(page) >= 1
