"""Reading a typed estimate: one rule for the question widget and for the grader.

Students write numbers the way their school taught them. "13,3" is 13.3 in most of Europe,
and reading it as 133 (stripping every comma) turned a right answer into a wrong one that
looked valid. The rule here:

* a point is a decimal point: "13.3" → 13.3;
* a comma followed by anything but exactly three digits is a decimal comma: "13,3" → 13.3,
  "2,5" → 2.5, "0,500" → 0.5 (a leading zero cannot start a thousands group);
* "1,500" could be either, so it is refused with the question "1.5 or 1500?" rather than
  guessed; "1,500,000" (several groups) and "1,500.5" (a point after the groups) are not
  ambiguous and are read as thousands;
* spaces (ordinary, thin or non-breaking) between groups of three digits are thousands
  separators: "1 500" → 1500;
* a trailing "%" or the question's own unit is allowed: "13.3 %" → 13.3, "120 people" → 120.

The text as typed is always what the store keeps (`raw`); the number is derived. The grader
reads the stored text again with this same function, so an answer saved under an older rule
(a "2,5" once stored as 25) is graded as the student meant it.

Standard library only: the widget imports it in a student's first cells.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Protocol

SPACES = " \u00a0\u2009\u202f"


class NumberQuestion(Protocol):
    """What the rule needs to know about a question: its unit and allowed range."""

    unit: str
    minimum: float | None
    maximum: float | None


def _strip_unit(text: str, unit: str) -> str:
    text = text.strip(SPACES)
    for suffix in ("%", unit.strip()):
        if suffix and text.lower().endswith(suffix.lower()):
            text = text[: -len(suffix)].strip(SPACES)
    return text


def read_number(raw: str, unit: str = "") -> tuple[float | None, str]:
    """(number or None, the reason it is not read: "" when fine); never raises."""
    typed = str(raw).strip(SPACES)
    if not typed:
        return None, ""
    text = _strip_unit(typed, unit).replace("\u2212", "-")
    sign = 1.0
    if text[:1] in "+-":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:].strip(SPACES)
    for space in SPACES[1:]:
        text = text.replace(space, " ")
    number = _digits(text)
    if isinstance(number, str):
        return None, number.format(typed=typed)
    if number is None:
        return None, (
            f"“{typed}” is not a number. Type a number such as 120 or 13.5 (a decimal comma, "
            "13,5, works too)."
        )
    number *= sign
    if not math.isfinite(number):
        return None, "Type an ordinary number, for example 120."
    return number, ""


def _groups(mark: str) -> re.Pattern[str]:
    """Digits in thousands groups separated by `mark`: 1,500 / 12 000 000."""
    return re.compile(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+")


def _digits(text: str) -> float | str | None:
    """The value of an unsigned number; a message (str) if it is ambiguous; None if not one."""
    if " " in text:
        grouped = re.fullmatch(r"(\d{1,3}(?: \d{3})+)(?:[.,](\d+))?", text)
        if grouped is None:
            return None
        return float(grouped[1].replace(" ", "") + "." + (grouped[2] or "0"))
    if "." in text and "," in text:
        mark = "." if text.rindex(".") > text.rindex(",") else ","
        other = "," if mark == "." else "."
        head, _, tail = text.rpartition(mark)
        if not tail.isdigit() or not _groups(other).fullmatch(head):
            return None
        return float(head.replace(other, "") + "." + tail)
    for mark in ".,":
        if text.count(mark) > 1:
            return float(text.replace(mark, "")) if _groups(mark).fullmatch(text) else None
    if re.fullmatch(r"[1-9]\d{0,2},\d{3}", text):
        whole, _, part = text.partition(",")
        decimal, thousands = f"{float(whole + '.' + part):g}", str(int(whole + part))
        return (
            f"“{{typed}}”: {decimal} or {thousands}? Type {decimal} with a point, or "
            f"{thousands} without the comma."
        )
    if re.fullmatch(r"\d+(?:[.,]\d*)?|[.,]\d+", text):
        return float(text.replace(",", "."))
    return None


def parse_number(raw: str, question: NumberQuestion) -> tuple[float | None, str]:
    """Read a typed estimate for `question`: (number or None, message for the student or "").

    A number outside the question's range is returned with a message: it is saved as typed
    and marked not valid until the student changes it.
    """
    number, problem = read_number(raw, question.unit)
    if problem or number is None:
        return None, problem
    low, high = question.minimum, question.maximum
    if low is not None and high is not None and not low <= number <= high:
        return number, (
            f"{number:g} is outside the allowed range ({low:g} to {high:g} {question.unit}). "
            "Your text is saved, but marked as not valid until you change it."
        )
    return number, ""


def typed_text(entry: Mapping[str, Any] | None) -> str:
    """The text a student typed for a number question, from a saved store entry."""
    if not entry:
        return ""
    value = entry.get("value")
    raw = entry.get("raw")
    if raw is None and isinstance(value, Mapping):
        raw = value.get("raw")
    return "" if raw is None else str(raw)


def reread(question: NumberQuestion, entry: Mapping[str, Any]) -> dict[str, Any]:
    """A saved number entry with its number and validity read again from the typed text.

    Entries saved by an older kit keep their text; only the derived number and the valid
    flag follow today's rule. An entry without typed text is returned unchanged.
    """
    raw = typed_text(entry)
    if not raw.strip():
        return dict(entry)
    number, message = parse_number(raw, question)
    return {**entry, "value": {"raw": raw, "number": number}, "valid": not message}
