"""The live pulse: one closed-form answer per account per question, pooled for the room.

A student's answer to a poolable question is sent as it is saved, replaces their previous
one, and is withdrawn when they switch sharing off. The room sees only the aggregate, and
nothing at all until `MIN_GROUP` accounts have answered, so no single student's view can be
read off the screen. Only closed forms are pooled (single, multiple, scale, ranking,
number): free text can name its author and is never accepted here.

This module is pure: it validates answers and aggregates them. Where answers are kept is
`storage`'s job; who may read is the service's.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MIN_GROUP = 5
CLOSED_FORMS = ("single", "multiple", "scale", "ranking", "number")
SCALE_LABELS = {
    5: ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"),
    7: (
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree",
        "Neither",
        "Somewhat agree",
        "Agree",
        "Strongly agree",
    ),
}
CONFIDENCE_POINTS = 4
NUMBER_BINS = 10


class PulseError(ValueError):
    """An answer the pulse cannot take; the message tells the student what to send."""


@dataclass(frozen=True)
class PulseQuestion:
    """What the pulse needs to know about a poolable question."""

    id: str
    type: str
    title: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (id, label)
    scale_points: int = 5
    confidence: bool = False
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option_id for option_id, _ in self.options)

    def describe(self) -> dict[str, Any]:
        """The question as a projector needs it to draw the distribution."""
        described: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.options:
            described["options"] = [{"id": i, "label": label} for i, label in self.options]
        if self.type == "scale":
            described["scale_labels"] = list(SCALE_LABELS[self.scale_points])
            described["confidence"] = self.confidence
        if self.type == "number":
            described.update(unit=self.unit, minimum=self.minimum, maximum=self.maximum)
        return described


def questions_from_catalogue(catalogue: Iterable[Any]) -> dict[str, PulseQuestion]:
    """The poolable questions of a kit catalogue (its `Question` objects).

    The catalogue's `poolable` flag decides (the catalogue refuses it on free text and on
    graded questions); the closed-form test here is a second lock on the same door.
    """
    found = {}
    for question in catalogue:
        if not question.poolable or question.type not in CLOSED_FORMS:
            continue
        found[question.id] = PulseQuestion(
            id=question.id,
            type=question.type,
            title=question.title,
            options=tuple((o.id, o.label) for o in question.options),
            scale_points=question.scale_points,
            confidence=question.confidence,
            unit=question.unit,
            minimum=question.minimum,
            maximum=question.maximum,
        )
    return found


def load_kit_questions() -> dict[str, PulseQuestion]:
    """The poolable questions of the installed kit's catalogue."""
    from diplomatic_cover.answers.catalogue import load_catalogue

    return questions_from_catalogue(load_catalogue().values())


# ------------------------------------------------------------------ what a kernel sends


def pooled_form(question: Any, value: Any) -> Any:
    """The part of a saved answer the pulse may receive, or None when there is nothing to pool.

    `question` is a catalogue question (or a PulseQuestion) and `value` what the kit's store
    saved for it. A scale keeps only its point (and its confidence when the question asks
    for one): the one-line reason a view may carry is for the instructor and never leaves
    the student's store. A number sends the number, never the text typed. The service
    checks the shape again (`clean_answer`), so this is the student's side of the rule.
    """
    if value is None or question.type not in CLOSED_FORMS:
        return None
    if question.type == "scale":
        if not isinstance(value, Mapping) or value.get("point") is None:
            return None
        shared = {"point": value["point"]}
        if question.confidence and value.get("confidence") is not None:
            shared["confidence"] = value["confidence"]
        return shared
    if question.type == "number":
        number = value.get("number") if isinstance(value, Mapping) else value
        return number if isinstance(number, int | float) and not isinstance(number, bool) else None
    if question.type in ("multiple", "ranking"):
        return list(value) if isinstance(value, list) and value else None
    return value if isinstance(value, str) and value else None


# ------------------------------------------------------------------ validating an answer


def clean_answer(question: PulseQuestion, answer: Any) -> Any:
    """Return the answer in the form the pulse keeps, or raise PulseError saying why not."""
    cleaners = {
        "single": _clean_single,
        "multiple": _clean_multiple,
        "ranking": _clean_ranking,
        "scale": _clean_scale,
        "number": _clean_number,
    }
    if question.type not in cleaners:
        raise PulseError(f"{question.id} is not a question the pulse pools.")
    return cleaners[question.type](question, answer)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_single(question: PulseQuestion, answer: Any) -> str:
    if not isinstance(answer, str) or answer not in question.option_ids:
        raise PulseError(
            f"{question.id} takes one option id, one of: {', '.join(question.option_ids)}."
        )
    return answer


def _clean_multiple(question: PulseQuestion, answer: Any) -> list[str]:
    if not isinstance(answer, list) or not answer:
        raise PulseError(f"{question.id} takes a list of one or more option ids.")
    if len(set(answer)) != len(answer) or not all(
        isinstance(a, str) and a in question.option_ids for a in answer
    ):
        raise PulseError(
            f"{question.id}: each choice must be a different option id, from: "
            f"{', '.join(question.option_ids)}."
        )
    return sorted(answer, key=question.option_ids.index)


def _clean_ranking(question: PulseQuestion, answer: Any) -> list[str]:
    if (
        not isinstance(answer, list)
        or not all(isinstance(a, str) for a in answer)
        or sorted(answer) != sorted(question.option_ids)
    ):
        raise PulseError(
            f"{question.id} takes every option id exactly once, best first: "
            f"{', '.join(question.option_ids)}."
        )
    return list(answer)


def _clean_scale(question: PulseQuestion, answer: Any) -> dict[str, int | None]:
    if not isinstance(answer, Mapping) or set(answer) - {"point", "confidence"}:
        raise PulseError(f"{question.id} takes {{'point': 1..{question.scale_points}}}.")
    point = answer.get("point")
    if not _is_int(point) or not 1 <= point <= question.scale_points:
        raise PulseError(f"{question.id}: 'point' is a whole number 1..{question.scale_points}.")
    confidence = answer.get("confidence")
    if confidence is not None and (
        not question.confidence
        or not _is_int(confidence)
        or not 1 <= confidence <= CONFIDENCE_POINTS
    ):
        raise PulseError(
            f"{question.id}: 'confidence' is a whole number 1..{CONFIDENCE_POINTS}"
            if question.confidence
            else f"{question.id} asks for no confidence rating."
        )
    return {"point": point, "confidence": confidence}


def _clean_number(question: PulseQuestion, answer: Any) -> float:
    # The kit's store keeps {"raw": text, "number": value}; only the number is pooled,
    # never the text the student typed.
    if isinstance(answer, Mapping):
        answer = answer.get("number")
    if not isinstance(answer, int | float) or isinstance(answer, bool):
        raise PulseError(f"{question.id} takes a number.")
    number = float(answer)
    if not math.isfinite(number):
        raise PulseError(f"{question.id} takes an ordinary number.")
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise PulseError(f"{question.id} takes a number from {low:g} to {high:g}.")
    return number


# ------------------------------------------------------------------ the aggregate


def aggregate(question: PulseQuestion, answers: Sequence[Any], min_group: int = MIN_GROUP) -> dict:
    """The room's distribution for one question, or only how many answered below `min_group`.

    Below the threshold the reply holds the number of answers and nothing else: no share,
    no value, so the projector can say "waiting for 5 answers: 3 so far" without showing
    how anyone answered.
    """
    result: dict[str, Any] = {
        "question": question.describe(),
        "min_group": min_group,
        "n": len(answers),
    }
    if len(answers) < min_group:
        result["shown"] = False
        result["message"] = f"Waiting for {min_group} answers: {len(answers)} so far."
        return result
    result["shown"] = True
    result.update(_DISTRIBUTIONS[question.type](question, answers))
    return result


def _counts(question: PulseQuestion, counter: Counter[str], n: int) -> list[dict]:
    return [
        {"id": i, "label": label, "count": counter[i], "share": round(counter[i] / n, 4)}
        for i, label in question.options
    ]


def _single(question: PulseQuestion, answers: Sequence[Any]) -> dict:
    return {"options": _counts(question, Counter(answers), len(answers))}


def _multiple(question: PulseQuestion, answers: Sequence[Any]) -> dict:
    counter = Counter(choice for answer in answers for choice in answer)
    # Shares of respondents: they add up to more than 1 when students pick several.
    return {"options": _counts(question, counter, len(answers))}


def _ranking(question: PulseQuestion, answers: Sequence[Any]) -> dict:
    size = len(question.options)
    firsts = Counter(answer[0] for answer in answers)
    points: Counter[str] = Counter()
    for answer in answers:
        for place, option_id in enumerate(answer):
            points[option_id] += size - 1 - place
    borda = [
        {"id": i, "label": label, "points": points[i], "mean_rank": _mean_rank(answers, i)}
        for i, label in question.options
    ]
    borda.sort(key=lambda row: -row["points"])  # stable: ties keep the catalogue's order
    return {"first_choice": _counts(question, firsts, len(answers)), "borda": borda}


def _mean_rank(answers: Sequence[Sequence[str]], option_id: str) -> float:
    return round(statistics.fmean(answer.index(option_id) + 1 for answer in answers), 2)


def _scale(question: PulseQuestion, answers: Sequence[Any]) -> dict:
    n = len(answers)
    points = Counter(answer["point"] for answer in answers)
    labels = SCALE_LABELS[question.scale_points]
    result: dict[str, Any] = {
        "points": [
            {
                "point": p,
                "label": labels[p - 1],
                "count": points[p],
                "share": round(points[p] / n, 4),
            }
            for p in range(1, question.scale_points + 1)
        ],
        "mean": round(statistics.fmean(answer["point"] for answer in answers), 2),
    }
    if question.confidence:
        rated = Counter(a["confidence"] for a in answers if a.get("confidence") is not None)
        result["confidence"] = [
            {"confidence": c, "count": rated[c]} for c in range(1, CONFIDENCE_POINTS + 1)
        ]
    return result


def _number(question: PulseQuestion, answers: Sequence[float]) -> dict:
    values = sorted(answers)
    low = question.minimum if question.minimum is not None else values[0]
    high = question.maximum if question.maximum is not None else values[-1]
    width = (high - low) / NUMBER_BINS or 1.0
    counts = Counter(min(int((v - low) / width), NUMBER_BINS - 1) for v in values)
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {
        "unit": question.unit,
        "median": median,
        "quartiles": [q1, q3],
        "bins": [
            {"low": low + b * width, "high": low + (b + 1) * width, "count": counts[b]}
            for b in range(NUMBER_BINS)
        ],
    }


_DISTRIBUTIONS = {
    "single": _single,
    "multiple": _multiple,
    "ranking": _ranking,
    "scale": _scale,
    "number": _number,
}
