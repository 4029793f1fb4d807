"""The Hand in button at the end of every notebook: build the submission file and say so.

`submit_button()` is a button and a status line (stock ipywidgets, imported when the button
is drawn). The building and
checking is `handin.submission`, which the `diplomatic-cover submit` command uses too, so the
button and the command always produce the same file.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.identity import Student, current_student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.submission import (
    SubmissionError,
    build_submission,
    describe_submission,
)
from diplomatic_cover.safe_files import StoreError

BUTTON_LABEL = "Hand in: build my submission file"


def submit_button(
    notebook: str | None = None,
    *,
    student: Student | None = None,
    store: ResponseStore | None = None,
    out_dir: Path | None = None,
    exercises_dir: Path | None = None,
) -> Any:
    """The Submit control at the end of a notebook: a button and a line saying what happened.

    Returns an ipywidgets VBox (button, status line). The student is looked up when the
    button is pressed, so a name set after this cell ran is the one used.
    """
    import ipywidgets as widgets  # here, so the old path `diplomatic_cover.submit` stays light

    button = widgets.Button(
        description=BUTTON_LABEL,
        tooltip="Builds one zip file with all your answers and exercise notebooks",
        button_style="primary",
        layout=widgets.Layout(width="auto"),
    )
    status = widgets.HTML(
        value=_status_html(
            "Press it when you have finished. You can press it again after changing an "
            "answer: the file is rebuilt."
        )
    )

    def on_click(_button: object) -> None:
        button.disabled = True
        status.value = _status_html("Building your submission file…")
        try:
            path = build_submission(
                student or current_student(),
                store=store,
                out_dir=out_dir,
                exercises_dir=exercises_dir,
            )
            status.value = _status_html(describe_submission(path, notebook), "done")
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


def _status_html(text: str, kind: str = "info") -> str:
    colour = {"info": "inherit", "done": "#1b5e20", "error": "#b71c1c"}[kind]
    prefix = {"info": "", "done": "✓ ", "error": "✗ "}[kind]
    return (
        f'<div role="status" aria-live="polite" style="color:{colour}">'
        f"{html.escape(prefix + text)}</div>"
    )
