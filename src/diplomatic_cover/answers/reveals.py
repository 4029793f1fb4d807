"""`reveal("04.coverage-model")`: the cell that shows a result first records that it did.

Some questions ask for a prediction: the student answers before the cell that shows the
result, so the answer tests their reasoning rather than their reading. The catalogue names
the result each prediction waits for (`reveal = "04.coverage-model"`), and the revealing
cell starts with `dc.reveal("04.coverage-model")`. That call records, once, in the student's
store when the result was first shown and the answers saved before then; the grader grades
each prediction on that answer (and not at all if there was none). The answers stay
editable: a student may still correct one after seeing the result, for practice.
"""

from __future__ import annotations

from datetime import datetime

from diplomatic_cover.answers.catalogue import (
    Question,
    format_answer,
    is_answered,
    load_catalogue,
)
from diplomatic_cover.answers.identity import Student, current_student
from diplomatic_cover.answers.store import ResponseStore, StoreError
from diplomatic_cover.pages.fragments import parse_time


def reveal(
    reveal_id: str, *, student: Student | None = None, store: ResponseStore | None = None
) -> None:
    """Record that the result `reveal_id` is being shown, and say which predictions count.

    Never stops the cell: if the store cannot be written, the student is told and the result
    is shown anyway (the prediction is then graded on the answer saved last).
    """
    predictions = load_catalogue().predicting(reveal_id)
    if not predictions:
        raise ValueError(
            f"No question of the catalogue predicts {reveal_id!r}: check the id against the "
            "questions' `reveal` field."
        )
    student = student or current_student()
    store = store or ResponseStore()
    notebook = predictions[0].notebook
    try:
        record = store.record_reveal(student, notebook, reveal_id, [q.id for q in predictions])
    except StoreError as error:
        print(f"Your predictions could not be locked in ({error}).")
        return
    saved = record.get("answers", {})
    counted = [q for q in predictions if q.id in saved and _answered(q, saved[q.id])]
    missed = [q for q in predictions if q not in counted]
    when = _local_time(str(record.get("at", "")))
    lines = [f"The result below was first shown {when}."]
    if counted:
        lines.append(
            "Your predictions saved before then count: "
            + "; ".join(f"{q.id}: {format_answer(q, saved[q.id]['value'])}" for q in counted)
            + "."
        )
    if missed:
        lines.append(
            "Not answered before then, so not graded (answer anyway, for practice): "
            + ", ".join(q.id for q in missed)
            + "."
        )
    print("\n".join(lines))


def _answered(question: Question, entry: dict) -> bool:
    try:
        return is_answered(question, entry.get("value"))
    except (AttributeError, TypeError, ValueError):
        return False


def _local_time(stamp: str) -> str:
    """'at 10:42 CET' today, else 'on 3 Mar at 10:42 CET': the kernel's time, with its zone.

    As every time the kit shows (`pages.fragments.local_time`): a hub kernel usually runs in
    UTC, and the student should see that it is UTC rather than take it for their own time.
    """
    moment = parse_time(stamp)
    if moment is None:
        return "earlier"
    moment = moment.astimezone()
    zone = moment.strftime("%Z") or moment.strftime("UTC%z")
    time = f"{moment:%H:%M} {zone}"
    if moment.date() == datetime.now().astimezone().date():
        return f"at {time}"
    return f"on {moment.day} {moment.strftime('%b')} at {time}"
