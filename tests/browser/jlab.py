"""Small steps a student takes in JupyterLab, for the browser tests to reuse."""

from __future__ import annotations

import re
import time
import uuid

from tests.labserver import LabServer

WIDGET_ERRORS = ("Error displaying widget", "Loading widget", "Traceback (most recent call last)")


def open_notebook(page: object, lab: LabServer, path: str, *, fresh_workspace: bool = True) -> None:
    """Open `path` in JupyterLab; wait until its kernel is idle and connected.

    A fresh workspace per test keeps tabs that earlier tests opened out of the way; pass
    `fresh_workspace=False` after a reload, where the page already shows the notebook.
    """
    if fresh_workspace:
        workspace = f"test-{uuid.uuid4().hex[:8]}"
        page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}&reset")  # type: ignore[attr-defined]
    page.locator(".jp-Notebook").first.wait_for()  # type: ignore[attr-defined]
    lab.wait_for_idle_kernel(path)


def run_all_cells(page: object, lab: LabServer, path: str, timeout: float = 120) -> None:
    """Run every cell through the Run menu and wait until no cell is still queued or running."""
    page.get_by_role("menuitem", name="Run", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()  # type: ignore[attr-defined]
    wait_until_done(page, lab, path, timeout)


def restart_kernel(page: object, lab: LabServer, path: str) -> None:
    """Restart the notebook's kernel (as Kernel → Restart does) and wait until it is idle.

    Done through the server's REST API, the call JupyterLab's menu makes: the page sees the
    restart exactly as after the menu, without depending on the dialog's wording.
    """
    kernel = lab.wait_for_idle_kernel(path)
    lab.api(f"/api/kernels/{kernel['id']}/restart", method="POST", body={})
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    lab.wait_for_idle_kernel(path)


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
    """The text of the open notebook, inputs and outputs.

    `text_content`, not `inner_text`: JupyterLab skips rendering cells scrolled out of view
    (CSS content-visibility), and `inner_text` reads those as empty.
    """
    return page.locator(".jp-Notebook").first.text_content()  # type: ignore[attr-defined]


def assert_no_widget_errors(page: object) -> None:
    """Fail if any output shows a widget that failed to render, a Python error or a warning.

    Only outputs are read: the notebooks' own text may mention these messages.
    """
    text = "\n".join(page.locator(".jp-OutputArea").all_text_contents())  # type: ignore[attr-defined]
    for marker in WIDGET_ERRORS:
        assert marker not in text, f"{marker!r} shown in the notebook:\n{text[-2000:]}"
    # Warnings too: a student should never see red text the kit put there (this also reads
    # outputs drawn inside widgets, such as the sliders' plots, which nbval never sees).
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')  # type: ignore[attr-defined]
    assert stderr.count() == 0, "stderr shown: " + " | ".join(stderr.all_text_contents())[:2000]
