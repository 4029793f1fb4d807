"""Small steps a student takes in JupyterLab, for the browser tests to reuse."""

from __future__ import annotations

import re
import time
import uuid

from tests.labserver import LabServer

WIDGET_ERRORS = ("Error displaying widget", "Loading widget", "Traceback (most recent call last)")


def open_notebook(page: object, lab: LabServer, path: str) -> None:
    """Open `path` in a fresh JupyterLab workspace; wait until its kernel is idle and connected.

    A fresh workspace per test keeps tabs that earlier tests opened out of the way.
    """
    workspace = f"test-{uuid.uuid4().hex[:8]}"
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}&reset")  # type: ignore[attr-defined]
    page.locator(".jp-Notebook").first.wait_for()  # type: ignore[attr-defined]
    lab.wait_for_idle_kernel(path)


def run_all_cells(page: object, lab: LabServer, path: str, timeout: float = 120) -> None:
    """Run every cell through the Run menu and wait until no cell is still queued or running."""
    page.get_by_role("menuitem", name="Run", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()  # type: ignore[attr-defined]
    wait_until_done(page, lab, path, timeout)


def wait_until_done(page: object, lab: LabServer, path: str, timeout: float = 120) -> None:
    """Wait until no prompt shows `[*]` and the kernel is idle again."""
    deadline = time.monotonic() + timeout
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-InputArea-prompt").all_inner_texts()  # type: ignore[attr-defined]
        if not any("*" in prompt for prompt in prompts):
            lab.wait_for_idle_kernel(path, timeout=max(1.0, deadline - time.monotonic()))
            return
        page.wait_for_timeout(200)  # type: ignore[attr-defined]
    raise TimeoutError(f"cells of {path} still running after {timeout} s")


def notebook_text(page: object) -> str:
    """The visible text of the open notebook, inputs and outputs."""
    return page.locator(".jp-Notebook").first.inner_text()  # type: ignore[attr-defined]


def assert_no_widget_errors(page: object) -> None:
    """Fail if any output shows a widget that failed to render or a Python error.

    Only outputs are read: the notebooks' own text may mention these messages.
    """
    text = "\n".join(page.locator(".jp-OutputArea").all_inner_texts())  # type: ignore[attr-defined]
    for marker in WIDGET_ERRORS:
        assert marker not in text, f"{marker!r} shown in the notebook:\n{text[-2000:]}"
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')  # type: ignore[attr-defined]
    assert "Error" not in " ".join(stderr.all_inner_texts())
