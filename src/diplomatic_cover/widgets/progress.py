"""The "my progress" overview: every question of the kit, by notebook, answered or not.

A student cannot see what they skipped by scrolling through notebooks. `progress()` shows, in
any notebook (or as text in a terminal), every question the kit asks with its state, when it
was saved and a glimpse of the answer. What counts as answered is decided in
`answers.state`, which the report and the submission use too, so all three agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from diplomatic_cover.answers.catalogue import Catalogue, load_catalogue
from diplomatic_cover.answers.identity import Student, current_student
from diplomatic_cover.answers.state import (
    ANSWERED,
    INVALID,
    NOT_ANSWERED,
    Documents,
    NotebookProgress,
    load_documents,
    notebook_progress,
    notebook_title,
)
from diplomatic_cover.answers.store import ResponseStore

STATE_CLASS = {ANSWERED: "answered", INVALID: "invalid", NOT_ANSWERED: "not-answered"}


@dataclass(frozen=True)
class Progress:
    """A student's overview: shows as a table in a notebook and as text in a terminal."""

    student: Student
    notebooks: tuple[NotebookProgress, ...]

    @property
    def answered(self) -> int:
        """Answered questions across the whole kit."""
        return sum(n.answered for n in self.notebooks)

    @property
    def total(self) -> int:
        """Questions in the whole kit."""
        return sum(n.total for n in self.notebooks)

    def __str__(self) -> str:
        marks = {ANSWERED: "[x]", INVALID: "[!]", NOT_ANSWERED: "[ ]"}
        lines = [
            f"Progress of {self.student.name} ({self.student.id}): "
            f"{self.answered} of {self.total} questions answered"
        ]
        for nb in self.notebooks:
            lines.append("")
            lines.append(f"{notebook_title(nb.notebook)}: {nb.answered} of {nb.total} answered")
            for q in nb.questions:
                line = f"  {marks[q.state]} {q.question.id}  {q.question.title}"
                if q.state == INVALID:
                    line += f"  ({INVALID})"
                if q.preview:
                    line += f": {q.preview}"
                lines.append(line)
        lines.append("")
        lines.append("[x] answered   [!] saved but not valid: look at it again   [ ] not answered")
        return "\n".join(lines)

    def __repr__(self) -> str:
        # The text a notebook shows when HTML is not available (a terminal, a plain export).
        return str(self)

    def _repr_html_(self) -> str:
        # Jinja2 is imported here, when the table is drawn, never in a student's first cell.
        from diplomatic_cover.pages.render import render

        notebooks = [
            {
                "title": notebook_title(nb.notebook),
                "answered": nb.answered,
                "total": nb.total,
                "questions": [
                    {
                        "id": q.question.id,
                        "title": q.question.title,
                        "state": STATE_CLASS[q.state],
                        "preview": q.preview,
                        "saved_at": q.saved_at,
                    }
                    for q in nb.questions
                ],
            }
            for nb in self.notebooks
        ]
        return render(
            "progress.html",
            student=self.student,
            answered=self.answered,
            total=self.total,
            notebooks=notebooks,
        )


def build_progress(student: Student, documents: Documents, catalogue: Catalogue) -> Progress:
    """The overview for already-loaded documents (see `load_documents`)."""
    return Progress(student, notebook_progress(documents, catalogue))


def progress(
    student: Student | None = None,
    store: ResponseStore | None = None,
    catalogue: Catalogue | None = None,
) -> Progress:
    """The "my progress" overview: every question of the kit, by notebook, answered or not.

    Run `progress()` in any notebook; it reads the saved answers, not the notebook, so it
    is right even after a kernel restart or for notebooks not opened yet.
    """
    student = student or current_student()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    return build_progress(student, load_documents(student, store), catalogue)
