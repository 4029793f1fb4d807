"""Grading without running anything: widget answers against the key, checks by hidden checks.

Both read only what the student's kit recorded in the store documents of the submission.
That is fast (the whole class in seconds) and trusts the student's kit: right for practice
and formative work. `--execute` (see `execute.py`) re-runs the code for grades that matter.

Values are looked up by id, never by position: a student who deleted, moved or duplicated
cells is graded on whatever their store holds for each id.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping
from types import ModuleType
from typing import Any, Protocol

from diplomatic_cover.answers.catalogue import KeyEntry, Question, format_answer, is_answered
from diplomatic_cover.answers.numbers import reread
from diplomatic_cover.grading.config import Item
from diplomatic_cover.grading.results import (
    ERROR,
    GRADED,
    INVALID,
    NOT_ANSWERED,
    ItemResult,
)

HIDDEN_CHECKS_MODULE = "diplomatic_cover.instructor.hidden_checks"
Documents = Mapping[str, Mapping[str, Any]]


class GradingError(Exception):
    """Grading cannot start (no hidden checks, a bad configuration); the message says why."""


class HiddenChecks(Protocol):
    """What the grader needs from the hidden checks module (see the exercises contract)."""

    def grade_check(self, check_id: str, recorded_value: object | None) -> Any: ...

    def exercise_of(self, check_id: str) -> str: ...


def load_hidden_checks(name: str = HIDDEN_CHECKS_MODULE) -> ModuleType:
    """Import the instructors' hidden checks, or say plainly why they are not there."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            raise GradingError(
                f"The hidden checks ({name}) are not installed here. They are left out of the "
                "class copy: grade from the instructors' open kit."
            ) from error
        raise


# ---------------------------------------------------------------------------------------
# Looking values up


def find_answer(documents: Documents, question: Question) -> Any:
    """The saved entry for a question: its own notebook's document first, then any other.

    The entry is returned whatever its shape (a hand-edited file may hold a string where a
    record belongs): grading scores a misshapen entry 0 with the reason, never skips it.
    """
    own = (documents.get(question.notebook) or {}).get("answers") or {}
    if question.id in own:
        return own[question.id]
    found = [
        (doc.get("answers") or {}).get(question.id)
        for name, doc in sorted(documents.items())
        if name != question.notebook
    ]
    found = [entry for entry in found if isinstance(entry, Mapping)]
    return max(found, key=lambda e: str(e.get("saved_at", ""))) if found else None


def find_prediction(documents: Documents, question: Question) -> tuple[Any, bool]:
    """The entry a prediction is graded on, and whether its result was shown.

    Once the notebook's `reveal(...)` cell ran, the answer saved last before it (recorded by
    the store then), or None if there was none; before that, the saved answer. Like
    `find_answer`, a misshapen entry is returned as it is (grading scores it 0 with a reason).
    """
    document = documents.get(question.notebook) or {}
    reveals = document.get("reveals") if isinstance(document, Mapping) else None
    record = reveals.get(question.reveal) if isinstance(reveals, Mapping) else None
    if not isinstance(record, Mapping):
        return find_answer(documents, question), False
    answers = record.get("answers")
    entry = answers.get(question.id) if isinstance(answers, Mapping) else None
    return entry, True


def answered_past_reveal(
    documents: Documents, question: Question, asked_after: list[Question]
) -> list[str]:
    """Ids of the questions after a prediction's result that the student answered.

    `asked_after` is `Catalogue.asked_after(question.reveal)`. Read from the prediction's
    own notebook document only: that is where the notebook saves them.
    """
    document = documents.get(question.notebook)
    answers = document.get("answers") if isinstance(document, Mapping) else None
    if not isinstance(answers, Mapping):
        return []
    found = []
    for later in asked_after:
        entry = answers.get(later.id)
        try:
            if isinstance(entry, Mapping) and is_answered(later, entry.get("value")):
                found.append(later.id)
        except (AttributeError, TypeError, ValueError):
            continue
    return found


def find_check(documents: Documents, check_id: str, exercise: str) -> Any:
    """The recorded entry of a check: the exercise's own document first, then the latest.

    Like `find_answer`, a misshapen entry in the exercise's own document is returned as it is.
    """
    own = (documents.get(exercise) or {}).get("checks") or {}
    if check_id in own:
        return own[check_id]
    found = [(doc.get("checks") or {}).get(check_id) for _name, doc in sorted(documents.items())]
    found = [entry for entry in found if isinstance(entry, Mapping)]
    return max(found, key=lambda e: str(e.get("saved_at", ""))) if found else None


# ---------------------------------------------------------------------------------------
# Widget answers


def widget_fraction(
    question: Question, value: Any, correct: Any, tolerance: float, rules: int = 2
) -> float:
    """The share of the points a widget answer earns (0 to 1), by scoring rules `rules`.

    single and number: all or nothing (a number within `tolerance`). multiple: right picks
    minus wrong picks, over the number of right options; under rules 2, ticking every option
    earns 0 unless every option is right. ranking: under rules 1, options in the right
    place; under rules 2, pairs of options in the key's relative order. classify:
    statements under the right label. Raises on a value of the wrong shape. The versions
    are described in the header of `questions/answer_key/00_start_here.toml`.
    """
    kind = question.type
    if kind == "single":
        return 1.0 if value == correct else 0.0
    if kind == "number":
        number = value.get("number") if isinstance(value, dict) else value
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise TypeError("no number")
        if not math.isfinite(number):
            return 0.0
        return 1.0 if abs(float(number) - float(correct)) <= float(tolerance) + 1e-9 else 0.0
    if kind == "multiple":
        chosen, right = set(value), set(correct)
        if chosen == right:
            return 1.0
        every = {option.id for option in question.options}
        if rules >= 2 and every and chosen >= every:
            return 0.0  # ticking everything is not knowing which
        return max(0.0, (len(chosen & right) - len(chosen - right)) / max(len(right), 1))
    if kind == "ranking":
        if not isinstance(value, list):
            raise TypeError("expected the options in order")
        if value == list(correct):
            return 1.0
        if rules >= 2:
            return _pairs_in_order(value, list(correct))
        return sum(1 for a, b in zip(value, correct, strict=False) if a == b) / max(len(correct), 1)
    if kind == "classify":
        if not isinstance(value, dict):
            raise TypeError("expected statements mapped to labels")
        right = sum(1 for statement, label in correct.items() if value.get(statement) == label)
        return right / max(len(correct), 1)
    return 1.0 if value == correct else 0.0


def misshapen(entry: object) -> str:
    """Why a saved entry is not a record of an answer ("" when it is one, or absent)."""
    if entry is None or isinstance(entry, Mapping):
        return ""
    return (
        f"the saved entry is {type(entry).__name__}, not a record of an answer (the file was "
        "edited by hand)"
    )


def _pairs_in_order(value: list[Any], correct: list[Any]) -> float:
    """The share of the key's pairs of options that `value` puts in the same order."""
    place = {option: index for index, option in enumerate(value)}
    pairs = [(a, b) for i, a in enumerate(correct) for b in correct[i + 1 :]]
    if not pairs:
        return 0.0
    agree = sum(1 for a, b in pairs if a in place and b in place and place[a] < place[b])
    return agree / len(pairs)


def grade_widget(
    item: Item,
    question: Question,
    entry: Any,
    key: KeyEntry,
    rules: int | None = None,
) -> ItemResult:
    """Grade one widget answer against the answer key (never raises).

    `rules` is the version of the scoring rules to use: by default the one the key's file
    names; the grader passes an older one to keep earlier grades as they were. An entry that
    is not a record (a hand-edited file) scores 0 with the reason.
    """
    result = ItemResult(item.assignment, item.id, item.kind, item.points, points=0.0)
    if misshapen(entry):
        result.status = INVALID
        result.detail = misshapen(entry)
        result.hint = "Your saved answer does not fit this question, so it earns no points."
        return result
    if entry is not None and question.type == "number":
        entry = reread(question, entry)  # the typed text, read with the widget's rule
    value = entry.get("value") if entry else None
    try:
        answered = entry is not None and is_answered(question, value)
    except (AttributeError, TypeError, ValueError):
        answered = value not in (None, "", [], {})
    if not answered:
        result.status = NOT_ANSWERED
        result.hint = key.hints[0] if key.hints else ""
        return result
    try:
        result.answer = format_answer(question, value)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        result.answer = str(value)
    if entry is not None and entry.get("valid", True) is False:
        result.status = INVALID
        result.hint = "Your answer was saved as typed but is not valid, so it earns no points."
        return result
    try:
        fraction = widget_fraction(
            question, value, key.correct, key.tolerance, key.rules if rules is None else rules
        )
    except (AttributeError, TypeError, ValueError, KeyError):
        result.status = INVALID
        result.hint = "Your saved answer does not fit this question, so it earns no points."
        return result
    result.status = GRADED
    result.points = round(item.points * fraction, 4)
    result.passed = fraction >= 1.0
    result.feedback = key.feedback
    if fraction < 1.0 and key.hints:
        result.hint = key.hints[0]
    return result


# ---------------------------------------------------------------------------------------
# Checks


def grade_check(item: Item, entry: Any, hidden: HiddenChecks) -> ItemResult:
    """Grade a recorded check value with the hidden checks, scaled to the item's points."""
    result = ItemResult(item.assignment, item.id, item.kind, item.points, points=0.0)
    if misshapen(entry):
        result.status = INVALID
        result.detail = misshapen(entry)
        result.hint = "The value saved for this check is not one the kit records: no points."
        return result
    value = entry.get("value") if isinstance(entry, Mapping) else None
    try:
        outcome = hidden.grade_check(item.id, value)
        got, out_of = float(outcome.points), float(outcome.max_points)
        passed = outcome.passed
    except Exception as error:  # the hidden checks promise never to raise; be safe anyway
        result.status = ERROR
        result.detail = f"{type(error).__name__}: {error}"
        result.hint = "This answer could not be graded automatically; your instructor will look."
        return result
    result.passed = passed
    result.hint = str(getattr(outcome, "hint", "") or "")
    result.detail = str(getattr(outcome, "detail", "") or "")
    if value is None or passed is None:
        result.status = NOT_ANSWERED
        result.hint = ""  # "not answered" is said once, by the status
        return result
    fraction = got / out_of if out_of > 0 else (1.0 if passed else 0.0)
    result.status = GRADED
    result.points = round(item.points * min(max(fraction, 0.0), 1.0), 4)
    return result
