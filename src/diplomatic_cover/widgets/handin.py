"""The Hand in button at the end of every notebook: save, build the submission file, say so.

`submit_button()` is a button and a status line (stock ipywidgets, imported when the button
is drawn). The building and checking is `handin.submission`, which the `diplomatic-cover
submit` command uses too, so the button and the command always produce the same file.

Hand in saves first. A student who checked an exercise and pressed Hand in before JupyterLab
saved would otherwise hand in older code than the code they saw checked. The button asks
JupyterLab to save every open document (its "Save All" command, reached through ipylab's
command bridge, a prebuilt JupyterLab extension), then waits until each exercise checked
since its last save is written, and until this notebook is. Where there is no bridge (the
notebook runs outside JupyterLab) or the save does not come, `build_submission` refuses,
naming the notebook to save.

On a JupyterHub with the kit's course service (`handin.delivery`), the built file is then
handed in to the service. The status line says "Handed in at 10:42": the service's own
receive time, shown by the browser in the student's time zone (the kernel's clock may be
in another). When the service cannot be reached or refuses, the zip stays in the student's
home and the line gives its path and the reason in one line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.identity import Student, current_student
from diplomatic_cover.answers.state import load_documents
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.delivery import deliver, not_handed_in
from diplomatic_cover.handin.submission import (
    SubmissionError,
    build_submission,
    default_exercises_dir,
    describe_submission,
    summarise_submission,
    unsaved_exercises,
)
from diplomatic_cover.hub.client import CourseService
from diplomatic_cover.pages.fragments import esc, local_time
from diplomatic_cover.safe_files import StoreError

BUTTON_LABEL = "Hand in: build my submission file"
HUB_BUTTON_LABEL = "Hand in: send my work to my instructor"
_FROM_ENVIRONMENT: Any = object()  # find the course service in the hub's environment
SAVE_ALL = "docmanager:save-all"
#: How long the button waits for JupyterLab's saves to reach the disk.
SAVE_TIMEOUT_SECONDS = 10.0

_bridge: Any = None  # one ipylab front end per kernel, made when the first button is drawn
_NO_BRIDGE = object()  # ipylab is missing or could not be started: do not try again


# ---------------------------------------------------------------------------------------
# Saving through JupyterLab


class _Bridge:
    """ipylab's JupyterFrontEnd and whether JupyterLab answered it (it is there to command)."""

    def __init__(self, front_end: Any) -> None:
        self.front_end = front_end
        self.ready = False
        front_end.on_ready(self._set_ready)

    def _set_ready(self) -> None:
        self.ready = True


def save_bridge() -> _Bridge | None:
    """The kernel's command bridge to JupyterLab; None where ipylab is not installed.

    Made once and early (when a button is drawn): JupyterLab answers it while the kernel is
    idle, so by the time the button is pressed `ready` says whether anyone is listening.
    """
    global _bridge
    if _bridge is None:
        try:
            from ipylab import JupyterFrontEnd

            _bridge = _Bridge(JupyterFrontEnd())
        except Exception:  # missing or broken: Hand in still works, it just cannot save
            _bridge = _NO_BRIDGE
    return None if _bridge is _NO_BRIDGE else _bridge


def request_save_all(bridge: _Bridge | None) -> bool:
    """Ask JupyterLab to save every open document; False if no JupyterLab is listening."""
    if bridge is None or not bridge.ready:
        return False
    bridge.front_end.commands.execute(SAVE_ALL)
    return True


def this_notebook() -> Path | None:
    """The notebook this kernel belongs to, when the Jupyter server said so (it usually does)."""
    named = os.environ.get("JPY_SESSION_NAME", "")
    path = Path(named) if named else None
    return path if path is not None and path.suffix == ".ipynb" and path.is_file() else None


def wait_until_saved(
    pending: Callable[[], list[Path]],
    notebook: Path | None,
    since: float,
    timeout: float = SAVE_TIMEOUT_SECONDS,
) -> None:
    """Wait until `pending()` is empty and `notebook` was written at or after `since`.

    Returns at the timeout too: `build_submission` then refuses for what is still unsaved.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            written = notebook is None or notebook.stat().st_mtime >= since
        except OSError:
            written = True
        if written and not pending():
            return
        time.sleep(0.1)


def save_open_notebooks(student: Student, store: ResponseStore, exercises_dir: Path | None) -> None:
    """Save through JupyterLab (if it listens) and wait for the files that matter to land."""
    since = time.time() - 1.0  # file times may be coarser than the clock
    if not request_save_all(save_bridge()):
        return

    def pending() -> list[Path]:
        return unsaved_exercises(load_documents(student, store), exercises_dir)

    wait_until_saved(pending, this_notebook(), since)


# ---------------------------------------------------------------------------------------
# The button


def hand_in(
    notebook: str | None,
    student: Student | None,
    store: ResponseStore | None,
    out_dir: Path | None,
    exercises_dir: Path | None,
    service: CourseService | None = _FROM_ENVIRONMENT,
) -> str:
    """Save, build, hand in where there is a hub: the status line's HTML (or raise).

    Raises only when no file could be built; a file built but not taken by the hub is a
    status line that says where it is.
    """
    student = student or current_student()
    store = store or ResponseStore()
    exercises_dir = exercises_dir if exercises_dir is not None else default_exercises_dir()
    save_open_notebooks(student, store, exercises_dir)
    path = build_submission(
        student, store=store, out_dir=out_dir, exercises_dir=exercises_dir, require_saved=True
    )
    delivery = deliver(path, service)
    if not delivery.on_hub:
        return _status_html(describe_submission(path, notebook), "done")
    if not delivery.handed_in:
        return _status_html(not_handed_in(delivery), "error")
    summary = summarise_submission(path, notebook)
    when = delivery.received_at
    return _status_html(
        f"Handed in{' at {when}' if when else ''}: {summary}. A copy is kept at {path}.",
        "done",
        when=when,
    )


def submit_button(
    notebook: str | None = None,
    *,
    student: Student | None = None,
    store: ResponseStore | None = None,
    out_dir: Path | None = None,
    exercises_dir: Path | None = None,
    service: CourseService | None = _FROM_ENVIRONMENT,
) -> Any:
    """The Submit control at the end of a notebook: a button and a line saying what happened.

    Returns an ipywidgets VBox (button, status line). The student is looked up when the
    button is pressed, so a name set after this cell ran is the one used. `service` is the
    hub's course service (by default found in the server's environment; None: never send).
    """
    import ipywidgets as widgets  # here, so the old path `diplomatic_cover.submit` stays light

    from diplomatic_cover.widgets.status import StatusLine

    if service is _FROM_ENVIRONMENT:
        service = CourseService.on_this_hub()
    save_bridge()  # now, so JupyterLab has answered it before the button is pressed
    on_hub = service is not None
    button = widgets.Button(
        description=HUB_BUTTON_LABEL if on_hub else BUTTON_LABEL,
        tooltip="Saves your notebooks, then builds one zip file with all your answers and "
        "exercise notebooks" + (" and hands it in through the hub" if on_hub else ""),
        button_style="primary",
        layout=widgets.Layout(width="auto"),
    )
    status = StatusLine(
        value=_status_html(
            "Press it when you have finished. You can press it again after changing an "
            + (
                "answer: the latest hand-in is the one that counts."
                if on_hub
                else "answer: the file is rebuilt."
            )
        )
    )

    def on_click(_button: object) -> None:
        button.disabled = True
        status.value = _status_html(
            "Saving your notebooks and building your submission file"
            + (", then handing it in…" if on_hub else "…")
        )
        try:
            status.value = hand_in(notebook, student, store, out_dir, exercises_dir, service)
        except (SubmissionError, StoreError, OSError) as error:
            status.value = _status_html(f"No submission file was written: {error}", "error")
        except Exception as error:
            status.value = _status_html(
                "No submission file was written: something unexpected went wrong "
                f"({type(error).__name__}: {error}). Tell your instructor.",
                "error",
            )
        finally:
            button.disabled = False

    button.on_click(on_click)
    box = widgets.VBox([button, status])
    box.add_class("dc-submit")
    return box


def _status_html(text: str, kind: str = "info", when: str = "") -> str:
    """The status line: `text` escaped, with "{when}" (if given) as a <time> the browser
    shows in the student's own zone (status.js); the kernel's zone is only the fallback."""
    colour = {"info": "inherit", "done": "#1b5e20", "error": "#b71c1c"}[kind]
    prefix = {"info": "", "done": "✓ ", "error": "✗ "}[kind]
    body = esc(prefix + text)
    if when:
        stamp = f'<time datetime="{esc(when)}">{esc(local_time(when))}</time>'
        body = body.replace("{when}", stamp, 1)
    return f'<div role="status" aria-live="polite" style="color:{colour}">{body}</div>'
