"""A student opens 00_start_here in real JupyterLab and runs every cell; axe-core finds no
WCAG violation in what the kit drew."""

from tests.browser.accessibility import assert_kit_areas_accessible
from tests.browser.jlab import assert_no_widget_errors, notebook_text, open_notebook, run_all_cells

NOTEBOOK = "notebooks/00_start_here.ipynb"


def test_start_here_runs_top_to_bottom_without_errors(page, lab):
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    assert_no_widget_errors(page)
    text = notebook_text(page)
    assert "This cell ran" in text
    assert "All set" in text
    assert_kit_areas_accessible(page)
