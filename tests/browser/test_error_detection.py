"""The browser checks can fail: a planted error is caught, a healthy widget passes, and the
accessibility audit sees inside widget outputs (a stock ipywidgets slider has no accessible
name, the reason the kit draws its own).

These test the harness, not the kit, so they run with the long suites (CI runs them every
time; `make test` keeps its budget for the kit's own tests).
"""

import pytest

from tests.browser.accessibility import KIT_AREAS, audit
from tests.browser.jlab import assert_no_widget_errors, open_notebook, run_all_cells

pytestmark = pytest.mark.long


def test_a_cell_that_raises_is_reported(page, lab):
    open_notebook(page, lab, "fixtures/raises-fail.ipynb")
    run_all_cells(page, lab, "fixtures/raises-fail.ipynb")
    with pytest.raises(AssertionError, match=r"Traceback|Error"):
        assert_no_widget_errors(page)


def test_a_stock_widget_renders_without_error(page, lab):
    open_notebook(page, lab, "fixtures/widget-pass.ipynb")
    run_all_cells(page, lab, "fixtures/widget-pass.ipynb")
    assert_no_widget_errors(page)
    slider = page.locator(".jupyter-widgets.widget-slider")
    slider.first.wait_for()
    assert "Seven" in slider.first.inner_text()
    found = {v["id"] for v in audit(page, KIT_AREAS)}
    assert "aria-input-field-name" in found
