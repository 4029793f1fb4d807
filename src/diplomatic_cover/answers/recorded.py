"""A recorded check value in words: for the handed-in report and the grader's flags.

`check(...)` records what it checked as JSON (`answers.checks.to_json`): a table, a series,
a figure's summary, a function's outputs on fixed inputs. Shown as JSON, one number per line,
a single exercise filled pages of the report, and a flag in grades.csv was a cut-off
`{"__type__": "Calls", ...`. `summarise` says what the value is in one readable line:
"coverage_share on 3 test inputs: (100, 20) → 0.2; (50, 40) → 0.8; (10, 0) → 0", "a table of
6 rows × 2 columns (decade, people)", "a bar chart “Expulsions by year”: 55 bars, 1971–2025".

Standard library only, and it never raises: a value of a shape it does not know is still
described ("a dict of 3 entries").
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

SHOWN = 4  # items of a list, series or set of calls named before "…"


def _short(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with "…" if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return (cut or text[: limit - 1]) + "…"


def _scalar(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:.6g}"
    if isinstance(value, str):
        return f"“{_short(value, 40)}”"
    return _inline(value)


def _inline(value: Any) -> str:
    """A nested value inside a summary: scalars as they are, containers by size."""
    if isinstance(value, Mapping):
        kind = value.get("__type__")
        if kind == "DataFrame":
            return f"a table {len(value.get('data') or [])}×{len(value.get('columns') or [])}"
        if kind == "Series":
            return f"a series of {len(value.get('values') or [])}"
        if kind:
            return _a(str(value.get("type") or kind))
        return _entries(len(value))
    if isinstance(value, list):
        if len(value) <= SHOWN and all(not isinstance(v, list | Mapping) for v in value):
            return "(" + ", ".join(_scalar(v) for v in value) + ")"
        return f"{len(value)} values"
    return _scalar(value)


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _listing(pairs: list[tuple[Any, Any]] | list[Any], total: int) -> str:
    shown = []
    for item in pairs[:SHOWN]:
        if isinstance(item, tuple):
            shown.append(f"{_scalar(item[0]).strip('“”')}: {_scalar(item[1])}")
        else:
            shown.append(_scalar(item))
    more = ", …" if total > SHOWN else ""
    return ", ".join(shown) + more


def _calls(value: Mapping[str, Any]) -> str:
    name = str(value.get("name") or "the function")
    calls = [c for c in value.get("calls") or [] if isinstance(c, Mapping)]
    parts = []
    for call in calls[:SHOWN]:
        args = call.get("args") or []
        given = "(" + ", ".join(_scalar(a) for a in args) + ")"
        if "error" in call:
            error = str(call["error"]).split(":", 1)[0]
            parts.append(f"{given} raised {error}")
        else:
            parts.append(f"{given} → {_inline(call.get('output'))}")
    more = "; …" if len(calls) > SHOWN else ""
    inputs = f"{len(calls)} test input{'' if len(calls) == 1 else 's'}"
    return f"{name} on {inputs}: " + "; ".join(parts) + more


def _figure(value: Mapping[str, Any]) -> str:
    axes = [a for a in value.get("axes") or [] if isinstance(a, Mapping)]
    if not axes:
        return "an empty figure"
    ax = next((a for a in axes if a.get("kinds") or a.get("horizontal_lines")), axes[0])
    kinds = " and ".join(ax.get("kinds") or []) or "empty"
    title = str(ax.get("title") or "").strip()
    text = f"a {kinds} chart" + (f" “{_short(title, 50)}”" if title else " without a title")
    marks = []
    if ax.get("n_bars"):
        marks.append(f"{ax['n_bars']} bars")
    if ax.get("n_points"):
        marks.append(f"{ax['n_points']} points")
    years = ax.get("years")
    if isinstance(years, list) and len(years) == 2:
        marks.append(f"{years[0]}–{years[1]}")
    for line in ax.get("horizontal_lines") or []:
        marks.append(f"a line at {_scalar(line)}")
    labels = [str(ax.get(k) or "").strip() for k in ("xlabel", "ylabel")]
    if all(labels):
        marks.append(f"axes “{_short(labels[0], 30)}” and “{_short(labels[1], 30)}”")
    elif any(labels):
        marks.append("one axis labelled")
    else:
        marks.append("no axis labels")
    if len(axes) > 1:
        marks.append(f"{len(axes)} panels")
    return text + ": " + ", ".join(marks)


def _describe(value: Any) -> str:
    if not isinstance(value, list | Mapping):
        return _scalar(value)
    if isinstance(value, list):
        return f"a list of {len(value)} value{'' if len(value) == 1 else 's'}: " + _listing(
            value, len(value)
        )
    kind = value.get("__type__")
    if kind == "Calls":
        return _calls(value)
    if kind == "Figure":
        return _figure(value)
    if kind == "DataFrame":
        rows, columns = value.get("data") or [], value.get("columns") or []
        names = ", ".join(_scalar(c).strip("“”") for c in columns[:6])
        more = ", …" if len(columns) > 6 else ""
        return f"a table of {len(rows)} rows × {len(columns)} columns ({names}{more})"
    if kind == "Series":
        values, index = value.get("values") or [], value.get("index") or []
        pairs = list(zip(index, values, strict=False))
        return f"a series of {len(values)} values: " + _listing(pairs, len(values))
    if kind == "Mapping":
        items = [tuple(i) for i in value.get("items") or [] if isinstance(i, list) and len(i) == 2]
        return f"{_entries(len(items))}: " + _listing(items, len(items))
    if kind == "Unsupported":
        return _a(f"{value.get('type') or 'value'} (not a kind the check can record)")
    if kind:
        return _a(str(kind))
    pairs = list(value.items())
    return f"{_entries(len(pairs))}: " + _listing(pairs, len(pairs))


def summarise(value: Any, limit: int = 200) -> str:
    """A recorded value in one readable line of at most `limit` characters; never raises."""
    try:
        text = _describe(value)
    except Exception:  # a value of a shape nobody planned for: still say something
        text = json.dumps(value, ensure_ascii=False, default=str)
    return _short(" ".join(text.split()), limit)
