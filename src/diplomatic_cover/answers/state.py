"""Whether each question counts as answered, read from a student's saved documents.

The progress page, the report and the submission's manifest all ask the same questions of
the answer store: which documents exist, and is this entry answered, saved but not valid, or
not answered? They ask them here, so all three always agree. A question never opened leaves
nothing in the store, so the overview starts from the catalogue (every question the kit
asks) and looks each one up: a missing answer shows as "not answered" instead of being
silently absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from diplomatic_cover.answers.catalogue import Catalogue, Question, format_answer, is_answered
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.numbers import reread
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


def read_now(question: Question | None, entry: Mapping[str, Any] | None) -> Mapping | None:
    """The entry as today's kit reads it: a number's typed text read again (`numbers.reread`).

    A kit before 0.2.0 stripped every comma, so "2,5" was saved as 25 and "13,3" as 133 (not
    valid). The text as typed is the record; the grader, the report and the progress page all
    read it again, so they show what the grade is based on.
    """
    if not entry or question is None or question.type != "number":
        return entry
    try:
        return reread(question, entry)  # type: ignore[arg-type]
    except (AttributeError, TypeError, ValueError):
        return entry


def answer_state(question: Question | None, entry: Mapping[str, Any] | None) -> str:
    """ANSWERED, INVALID (kept as typed, but not valid) or NOT_ANSWERED for a saved entry.

    Never raises: a value of an unexpected shape (an older kit, a hand-edited file) still
    counts as answered, so the student's work is shown rather than hidden.
    """
    entry = read_now(question, entry)
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


def notebook_progress(documents: Documents, catalogue: Catalogue) -> tuple[NotebookProgress, ...]:
    """Where every question of the kit stands, notebook by notebook (see `load_documents`)."""
    notebooks = []
    for notebook in catalogue.notebooks():
        answers = (documents.get(notebook) or {}).get("answers") or {}
        rows = []
        for question in catalogue.for_notebook(notebook):
            entry = read_now(question, answers.get(question.id))
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
    return tuple(notebooks)
