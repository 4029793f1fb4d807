"""The "my progress" overview: every question of the kit, by notebook, answered or not.

A student cannot see what they skipped by scrolling through notebooks, and a question they
never opened leaves nothing in the answer store. So the overview starts from the catalogue
(every question the kit asks) and looks each one up in the student's saved documents: a
missing answer shows as "not answered" instead of being silently absent. The report and the
submission build on the same lookups, so all three always agree on what counts as answered.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from diplomatic_cover.answers.catalogue import (
    Catalogue,
    Question,
    format_answer,
    is_answered,
    load_catalogue,
)
from diplomatic_cover.answers.identity import Student, current_student
from diplomatic_cover.answers.store import ResponseStore

ANSWERED = "answered"
INVALID = "saved, not valid"
NOT_ANSWERED = "not answered"
PREVIEW_CHARS = 60

Documents = Mapping[str, Mapping[str, Any]]


def load_documents(student: Student, store: ResponseStore | None = None) -> dict[str, dict]:
    """The student's saved documents by notebook name (notebooks never saved are absent).

    Read once and handed to every view, so a report and the manifest built in the same
    submission describe the same answers even if the student saves again meanwhile.
    """
    store = store or ResponseStore()
    found: dict[str, dict] = {}
    for path in store.documents(student.id):
        document = store.load(student, path.stem)
        # An unreadable file is set aside by load(), which then hands back a fresh, unsaved
        # document (revision 0): that notebook has nothing to show.
        if document.get("revision", 0) > 0:
            found[path.stem] = document
    return found


def _has_value(value: Any) -> bool:
    """Whether a value for a question the catalogue no longer knows holds anything."""
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def answer_state(question: Question | None, entry: Mapping[str, Any] | None) -> str:
    """ANSWERED, INVALID (kept as typed, but not valid) or NOT_ANSWERED for a saved entry.

    Never raises: a value of an unexpected shape (an older kit, a hand-edited file) still
    counts as answered, so the student's work is shown rather than hidden.
    """
    if not entry:
        return NOT_ANSWERED
    value = entry.get("value")
    if question is None:
        answered = _has_value(value)
    else:
        try:
            answered = is_answered(question, value)
        except (AttributeError, TypeError, ValueError):
            answered = _has_value(value)
    if not answered:
        return NOT_ANSWERED
    return ANSWERED if entry.get("valid", True) is not False else INVALID


def preview(question: Question, value: Any, limit: int = PREVIEW_CHARS) -> str:
    """A one-line plain-text glimpse of an answer, shortened to `limit` characters."""
    try:
        text = format_answer(question, value)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def notebook_title(notebook: str) -> str:
    """A readable title for a notebook name: "00_start_here" -> "00 · Start here"."""
    number, _, rest = notebook.partition("_")
    if number.isdigit() and rest:
        return f"{number} · {rest.replace('_', ' ').capitalize()}"
    return notebook.replace("_", " ")


@dataclass(frozen=True)
class QuestionProgress:
    """Where one question stands: its state, when it was saved, and a glimpse of the answer."""

    question: Question
    state: str
    saved_at: str = ""
    preview: str = ""


@dataclass(frozen=True)
class NotebookProgress:
    """The questions of one notebook, in catalogue order."""

    notebook: str
    questions: tuple[QuestionProgress, ...]

    @property
    def answered(self) -> int:
        """How many questions hold an answer (one saved as not valid counts: it was typed)."""
        return sum(1 for q in self.questions if q.state != NOT_ANSWERED)

    @property
    def total(self) -> int:
        """How many questions this notebook asks."""
        return len(self.questions)


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
        e = html.escape
        parts = [
            '<div class="dc-progress" role="region" '
            f'aria-label="Progress of {e(self.student.name)}">',
            f"<p><strong>{e(self.student.name)}</strong>: {self.answered} of {self.total} "
            "questions answered.</p>",
        ]
        for nb in self.notebooks:
            parts.append(
                '<table style="border-collapse:collapse;margin:0.5em 0 1em">'
                f'<caption style="text-align:left;font-weight:bold">'
                f"{e(notebook_title(nb.notebook))}: {nb.answered} of {nb.total} answered"
                "</caption><thead><tr>"
                '<th scope="col" style="text-align:left">Question</th>'
                '<th scope="col" style="text-align:left">Status</th>'
                '<th scope="col" style="text-align:left">Your answer</th>'
                '<th scope="col" style="text-align:left">Saved</th></tr></thead><tbody>'
            )
            for q in nb.questions:
                status = {
                    ANSWERED: "✓ answered",
                    INVALID: "⚠ saved, not valid: look at it again",
                    NOT_ANSWERED: "✗ not answered",
                }[q.state]
                saved = q.saved_at.replace("T", " ")[:16] + " UTC" if q.saved_at else ""
                parts.append(
                    f"<tr><td><code>{e(q.question.id)}</code> {e(q.question.title)}</td>"
                    f"<td>{e(status)}</td><td>{e(q.preview)}</td><td>{e(saved)}</td></tr>"
                )
            parts.append("</tbody></table>")
        parts.append("</div>")
        return "".join(parts)


def build_progress(student: Student, documents: Documents, catalogue: Catalogue) -> Progress:
    """The overview for already-loaded documents (see `load_documents`)."""
    notebooks = []
    for notebook in catalogue.notebooks():
        answers = (documents.get(notebook) or {}).get("answers") or {}
        rows = []
        for question in catalogue.for_notebook(notebook):
            entry = answers.get(question.id)
            state = answer_state(question, entry)
            if state == NOT_ANSWERED or entry is None:
                rows.append(QuestionProgress(question, NOT_ANSWERED))
                continue
            rows.append(
                QuestionProgress(
                    question,
                    state,
                    saved_at=str(entry.get("saved_at") or ""),
                    preview=preview(question, entry.get("value")),
                )
            )
        notebooks.append(NotebookProgress(notebook, tuple(rows)))
    return Progress(student, tuple(notebooks))


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
