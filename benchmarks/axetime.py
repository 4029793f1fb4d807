"""What the axe-core audit adds to the browser tests: a pytest plugin that times every audit.

Issue 15 gave the audit a budget of about 30 s on top of the browser pass. Run

    PYTHONPATH=benchmarks DIPLOMATIC_COVER_LONG=1 .venv/bin/python -m pytest -p axetime \
        tests/browser/test_all_notebooks.py tests/browser/test_start_here.py \
        tests/browser/test_pages_accessible.py

and the summary ends with "AXE: N audits, S s in total" (ACCESSIBILITY.md gives the figure).
"""

import time

TOTAL = {"s": 0.0, "n": 0}


def pytest_configure(config):
    import tests.browser.accessibility as acc

    original = acc.audit

    def timed(*args, **kwargs):
        t = time.monotonic()
        try:
            return original(*args, **kwargs)
        finally:
            TOTAL["s"] += time.monotonic() - t
            TOTAL["n"] += 1

    acc.audit = timed


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"AXE: {TOTAL['n']} audits, {TOTAL['s']:.1f} s in total")
