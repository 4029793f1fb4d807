"""`ask(question_id)`: show a question from the catalogue and save every answer at once.

The widget draws the question in the browser; this side validates each change and writes it
to the durable store before anything else happens, so an answer survives a kernel restart, a
page reload or a crash. Re-running the cell reads the saved answer back. Model answers come
from the answer key only when a student who has saved an attempt asks for one.

Options are drawn in the student's own order (`option_order`: shuffled per student unless the
catalogue marks the question `natural_order`), always the same for the same student.

On a JupyterHub with the kit's course service, a question the catalogue marks `poolable`
also shows a sharing control (on by default, and it says so): each saved answer then goes
to the class's live pulse in the background (`hub.sharing`), after the save and never in
its way. Off a hub the control is not drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from diplomatic_cover import paths
from diplomatic_cover.answers.catalogue import (
    WHY_CHARS,
    Question,
    answer_key_for_students,
    format_answer,
    is_answered,
    load_catalogue,
    option_order,
    practice_feedback,
    render_markdown,
)
from diplomatic_cover.answers.identity import Student, current_student
from diplomatic_cover.answers.numbers import parse_number
from diplomatic_cover.answers.store import ResponseStore, StoreError
from diplomatic_cover.hub.client import CourseService
from diplomatic_cover.hub.sharing import (
    NOT_SHARED,
    SENDING,
    WAITING,
    PulseLink,
    SharingChoices,
    sender_for,
)

STATIC = paths.package_path("widgets", "static")
_FROM_ENVIRONMENT: Any = object()  # find the course service in the hub's environment


def _clean(question: Question, value: Any) -> tuple[Any, bool, str | None, str]:
    """Validate a value sent by the browser: (value to store, valid, raw text, message)."""
    kind = question.type
    if kind in ("text", "short_text"):
        return ("" if value is None else str(value)), True, None, ""
    if kind == "number":
        raw = str((value or {}).get("raw", ""))
        number, message = parse_number(raw, question)
        return {"raw": raw, "number": number}, not message, raw, message
    if kind == "single":
        ok = value in {o.id for o in question.options}
        return value, ok, None, "" if ok else "That option is not part of this question."
    if kind in ("multiple", "ranking"):
        ids = {o.id for o in question.options}
        ok = isinstance(value, list) and set(value) <= ids
        if kind == "ranking":
            ok = ok and sorted(value) == sorted(ids)
        return value, ok, None, "" if ok else "That answer does not match the options."
    if kind == "classify":
        labels = {c.id for c in question.labels}
        statements = {s.id for s in question.statements}
        ok = isinstance(value, dict) and set(value) <= statements and set(value.values()) <= labels
        return value, ok, None, "" if ok else "That answer does not match the labels."
    if kind == "scale":
        point = (value or {}).get("point")
        ok = point is None or 1 <= int(point) <= question.scale_points
        why = (value or {}).get("why")
        if why is not None and (not isinstance(why, str) or len(why) > WHY_CHARS):
            return value, False, None, f"Give your reason in one line ({WHY_CHARS} characters)."
        return value, ok, None, "" if ok else "Pick a point on the scale."
    return value, True, None, ""


class QuestionWidget(anywidget.AnyWidget):
    """A question of the kit bound to the student's saved answer."""

    _esm = STATIC / "question.js"
    _css = STATIC / "question.css"

    spec = traitlets.Dict().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    saved_at = traitlets.Unicode("").tag(sync=True)
    state = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    can_compare = traitlets.Bool(False).tag(sync=True)
    reveal = traitlets.Dict().tag(sync=True)
    # The live pulse (a poolable question on a hub with the course service; see hub.sharing).
    pulse_offered = traitlets.Bool(False).tag(sync=True)
    pulse_sharing = traitlets.Bool(False).tag(sync=True)
    pulse_status = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        question: Question,
        *,
        student: Student | None = None,
        store: ResponseStore | None = None,
        answer_key_path: Path | None = None,
        pulse_service: CourseService | None = _FROM_ENVIRONMENT,
    ) -> None:
        self.question = question
        self._student = student
        self.store = store or ResponseStore()
        self._key = answer_key_for_students(answer_key_path)
        student = self.student
        saved = self.store.get_answer(student, question.notebook, question.id)
        # Options in this student's own order (unless the catalogue says their order means
        # something): a position tells nothing about the key, and answers are stored by
        # option id, so the order never reaches grading or pooling.
        spec = question.to_spec(option_order(question, student.id))
        if question.reveal:
            spec["prediction"] = self._prediction(student)
        initial = {
            "spec": spec,
            "value": saved["value"] if saved else None,
            "saved_at": saved["saved_at"] if saved else "",
        }
        super().__init__(**initial)
        self.message = self._notices()
        if saved and question.type == "number":
            # The typed text read with today's rule, as the grader reads it (answers/numbers.py).
            self.message = parse_number(str(saved.get("raw") or ""), question)[1] or self.message
        self._update_compare(saved is not None and is_answered(question, self.value))
        if saved and saved.get("valid", True):
            self._show_practice(self.value)
        self._pulse = self._link_pulse(pulse_service)
        if self._pulse is not None:
            self.pulse_offered, self.pulse_sharing = True, self._pulse.sharing
            self.pulse_status = WAITING if self.pulse_sharing else NOT_SHARED
            if self.pulse_sharing and saved and saved.get("valid", True):
                self.pulse_status = SENDING
                self._pulse.answer_saved(self.value)  # a re-run cell brings the pool in line
            self.observe(self._on_pulse_sharing, names="pulse_sharing")
        self.observe(self._on_value, names="value")
        self.on_msg(self._on_msg)

    @property
    def student(self) -> Student:
        """Who answers: fixed by the caller, or else whoever the kit's identity says now.

        Looked up at each save, so a student who sets their name after a question was shown
        still saves under that name.
        """
        return self._student or current_student()

    def __repr__(self) -> str:
        # What a reopened notebook shows once widget views are stripped on save.
        return (
            f"Question {self.question.id}: run this cell to show it again "
            "(your saved answer comes back)."
        )

    # -- the live pulse ------------------------------------------------------------------

    def _link_pulse(self, service: CourseService | None) -> PulseLink | None:
        if not self.question.poolable:
            return None
        if service is _FROM_ENVIRONMENT:
            service = CourseService.on_this_hub()
        if service is None:
            return None
        choices = SharingChoices.beside(self.store.folder)
        return PulseLink(self.question, sender_for(service), choices, self._pulse_report)

    def _pulse_report(self, status: str) -> None:
        self.pulse_status = status

    def _saved_value(self) -> Any:
        """The answer the store holds now, or None (nothing saved, or saved but not valid)."""
        try:
            saved = self.store.get_answer(self.student, self.question.notebook, self.question.id)
        except StoreError:
            return None
        return saved["value"] if saved and saved.get("valid", True) else None

    def _on_pulse_sharing(self, change: dict[str, Any]) -> None:
        if self._pulse is not None:
            self._pulse.choose(bool(change["new"]), self._saved_value())

    def _prediction(self, student: Student) -> dict[str, str]:
        """What a prediction tells the student: answer before the result is shown, or (once
        it was) which answer counts. `{when}` is filled in by the browser, in local time."""
        question = self.question
        try:
            record = self.store.get_reveal(student, question.notebook, question.reveal)
        except StoreError:
            record = None
        if not record:
            return {
                "note": "A prediction: answer before you run the cell that shows the result. "
                "The answer saved before then is the one that counts.",
                "at": "",
            }
        entry = (record.get("answers") or {}).get(question.id)
        if entry and is_answered(question, entry.get("value")):
            answer = format_answer(question, entry["value"])
            note = (
                f"The result was shown {{when}}. Your prediction then ({answer}) is the one "
                "that counts; a change now is for practice."
            )
        else:
            note = (
                "The result was shown {when}, before you had answered: this prediction is "
                "not graded. Try it anyway, for practice."
            )
        return {"note": note, "at": str(record.get("at", ""))}

    def _notices(self) -> str:
        return " ".join(self.store.pop_notices())

    def _update_compare(self, attempted: bool) -> None:
        entry = (self._key or {}).get(self.question.id)
        self.can_compare = bool(attempted and entry and (entry.model_answer or entry.feedback))

    def _show_practice(self, value: Any) -> None:
        """A practice question's feedback, once the student has answered (public, so the
        class copy shows it too)."""
        html = practice_feedback(self.question, value)
        if html:
            self.reveal = {"html": html, "label": "Feedback on your answer"}

    def _on_value(self, change: dict[str, Any]) -> None:
        question = self.question
        try:
            if not is_answered(question, change["new"]):
                self.store.clear_answer(self.student, question.notebook, question.id)
                self.saved_at, self.state, self.message = "", "cleared", self._notices()
                self._update_compare(False)
                self.reveal = {}
                if self._pulse is not None:
                    self._pulse.answer_saved(None)
                return
            value, valid, raw, message = _clean(question, change["new"])
            entry = self.store.save_answer(
                self.student, question.notebook, question.id, value, valid=valid, raw=raw
            )
        except StoreError as err:
            self.state, self.message = "error", str(err)
            return
        notices = self._notices()
        self.state = "saved"
        self.message = " ".join(m for m in (message, notices) if m)
        self.saved_at = entry["saved_at"]
        self._update_compare(True)
        if question.practice:
            self.reveal = {}
            if valid:
                self._show_practice(value)
        if self._pulse is not None:  # after the save, in the background: never in its way
            self._pulse.answer_saved(value if valid else None)

    def _on_msg(self, _widget: object, content: dict[str, Any], _buffers: list[bytes]) -> None:
        if content.get("event") != "reveal":
            return
        entry = (self._key or {}).get(self.question.id)
        saved = self.store.get_answer(self.student, self.question.notebook, self.question.id)
        if not entry or not saved:
            return
        parts = []
        if entry.model_answer:
            parts.append(
                "<p><strong>A model answer</strong></p>" + render_markdown(entry.model_answer)
            )
        if entry.feedback:
            parts.append(
                "<p><strong>What to look for</strong></p>" + render_markdown(entry.feedback)
            )
        self.reveal = {"html": "".join(parts)}


def ask(question_id: str, **kwargs: Any) -> QuestionWidget:
    """Show the catalogue's question `question_id` with the student's saved answer."""
    return QuestionWidget(load_catalogue()[question_id], **kwargs)
