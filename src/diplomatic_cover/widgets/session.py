"""The first cell of every notebook: who is answering, and where answers go.

`start("02_espionage_risk")` tells the student under which name their answers are saved and
raises nothing even if the store has a problem (the message says what to do). `name_box()` is
notebook 00's "who are you?" field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from diplomatic_cover import paths
from diplomatic_cover.answers.identity import (
    Student,
    chosen_student,
    current_student,
    set_student,
)
from diplomatic_cover.answers.store import StoreError
from diplomatic_cover.pages.fragments import esc
from diplomatic_cover.paths import responses_dir

STATIC = paths.package_path("widgets", "static")


class NameBox(anywidget.AnyWidget):
    """A labelled field where a student sets the name their answers are saved under."""

    _esm = STATIC / "name.js"
    _css = STATIC / "question.css"
    name = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self) -> None:
        # Empty until the student chooses a name: pre-filled with the login name, the box
        # offered "root" in a container, and a student who pressed nothing answered as root.
        # A hub user name is the student's own and is offered; a login name may not be.
        chosen = chosen_student()
        if chosen is None and os.environ.get("JUPYTERHUB_USER"):
            chosen = current_student()
        status = _saved_as(chosen) if chosen is not None else _not_chosen(current_student())
        super().__init__(name=chosen.name if chosen is not None else "", status=status)
        self.on_msg(self._on_msg)

    def __repr__(self) -> str:
        return "Name box: run this cell to show it again."

    def _on_msg(self, _widget: object, content: dict[str, Any], _buffers: list[bytes]) -> None:
        if content.get("event") != "save":
            return
        try:
            student = set_student(str(content.get("name", "")))
        except (ValueError, StoreError) as err:
            self.status = str(err)
            return
        self.name = student.name
        self.status = _saved_as(student)


def _not_chosen(fallback: Student) -> str:
    return (
        "You have not saved your name yet: type it above and press Save. Until then your "
        f"answers are saved under this computer's login name, “{fallback.name}”, in "
        f"{responses_dir()}."
    )


def _saved_as(student: Student) -> str:
    return (
        f"Your answers are saved as “{student.name}” (file name: {student.id}) "
        f"in {responses_dir()}."
    )


def name_box() -> NameBox:
    """Show the field where a student types their name or id (notebook 00)."""
    return NameBox()


@dataclass(frozen=True)
class Session:
    """What `start()` found: the student, the notebook and where answers are stored."""

    student: Student
    notebook: str
    folder: Path
    chosen: bool = True

    def _repr_html_(self) -> str:
        who = f"<strong>{esc(self.student.name)}</strong>"
        if not self.chosen:
            who += " (this computer's login name: you have not saved your own name yet)"
        return (
            f"<p>Answering <strong>{esc(self.notebook)}</strong> as {who}. Answers are saved "
            f"automatically in <code>{esc(str(self.folder))}</code>. Not you? "
            "Set your name in <code>00_start_here.ipynb</code>, then re-run this cell.</p>"
        )

    def __str__(self) -> str:
        return (
            f"Answering {self.notebook} as {self.student.name}; answers are saved in {self.folder}."
        )


def start(notebook: str) -> Session:
    """Begin a notebook: report who is answering and where answers go."""
    chosen = chosen_student()
    student = chosen if chosen is not None else current_student()
    return Session(student, notebook, responses_dir(), chosen=chosen is not None)
