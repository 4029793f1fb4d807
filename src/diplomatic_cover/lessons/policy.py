"""Policy options on restoring Russia's diplomatic presence, a weighted decision matrix, and
the role cards for notebook 06's structured debate.

Notebook 06 asks students to choose among four options (restore fully; restore with caps and
conditions; keep the status quo; reduce further). A *weighted decision matrix* makes the
choice explicit: each option gets a score from 1 to 5 on each criterion, each criterion gets
a weight from 0 to 10, and an option's total is the weighted average of its scores. Neither the
weights nor the scores are facts. The weights say what the student cares about; the scores are
the student's forecast of what each option would do. The module keeps that visible:

- `OPTIONS` and `CRITERIA` hold the choices as data (`lessons/data/policy_matrix.toml`), each
  criterion with a sentence saying what a 5 means, so "5 on intelligence risk" cannot be read
  backwards;
- `DEFAULT_SCORES` is a starting point labelled as the kit authors' judgement, for students
  to change, and `DEFAULT_WEIGHTS` weighs every criterion equally (5), the one neutral start;
- `weighted_scores(weights, scores)` returns the table of contributions and totals;
- `flip_points(weights, scores)` is the sensitivity check: for each criterion, how far its
  weight must move (up or down, within the slider's range) before another option draws level
  with the leader. Because every total shares the denominator (the sum of the weights), the
  order of two options depends only on the sign of `sum(w * (score_a - score_b))`, which is
  linear in any one weight; the catch-up point is therefore exact, not searched for;
- `sweep(...)`, `plot_totals(...)` and `plot_sweep(...)` draw the totals and one weight's
  effect, with alt text built from the numbers;
- `widgets.policy.MatrixExplorer` gives labelled sliders for weights and scores;
- `ROLE_CARDS` (read from `lessons/data/role_cards.toml`) and `role_card(role)` hold and
  render the six debate roles; arguments that
  state a fact carry the source they rest on, and the goals and red lines are marked as
  positions written for the role-play, not official statements. `role_cards_markdown()`
  produces the printable `instructors/role_cards.md` (`python -m diplomatic_cover.policy`
  rewrites it; a test checks the file matches).

pandas and matplotlib are imported inside the functions that need them, so
importing this module stays cheap.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diplomatic_cover import paths
from diplomatic_cover.lessons import read_data
from diplomatic_cover.pages.fragments import esc

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "CRITERIA",
    "DEFAULT_SCORES",
    "DEFAULT_WEIGHTS",
    "OPTIONS",
    "ROLE_CARDS",
    "SCORE_MAX",
    "SCORE_MIN",
    "WEIGHT_MAX",
    "WEIGHT_MIN",
    "Criterion",
    "Option",
    "Point",
    "RoleCard",
    "criteria_table",
    "display_flips",
    "display_table",
    "flip_points",
    "leader",
    "most_sensitive",
    "options_table",
    "plot_sweep",
    "plot_totals",
    "role_card",
    "role_cards_markdown",
    "scores_table",
    "sweep",
    "sweep_alt",
    "totals_alt",
    "weighted_scores",
]

# ----------------------------------------------------------------- options and criteria


@dataclass(frozen=True)
class Option:
    """A policy option: a stable id (answers are stored by it), a short label, what it means."""

    id: str
    label: str
    summary: str


@dataclass(frozen=True)
class Criterion:
    """A criterion to judge options by. `high` says what a score of 5 means on it."""

    id: str
    label: str
    high: str
    low: str


_MATRIX = read_data("policy_matrix.toml")

OPTIONS: tuple[Option, ...] = tuple(Option(**option) for option in _MATRIX["options"])
CRITERIA: tuple[Criterion, ...] = tuple(Criterion(**criterion) for criterion in _MATRIX["criteria"])

SCORE_MIN, SCORE_MAX = 1, 5
WEIGHT_MIN, WEIGHT_MAX = 0, 10

#: Every criterion weighed equally: the only start that does not prejudge what matters.
DEFAULT_WEIGHTS: dict[str, float] = {c.id: _MATRIX["default_weight"] for c in CRITERIA}

#: The kit authors' starting judgement, to be argued with and changed: a judgement, not a
#: measurement. One row per option, in criteria order (5 = best on that criterion, as
#: `Criterion.high` says).
DEFAULT_SCORES: dict[str, dict[str, float]] = {
    option: {c.id: row[c.id] for c in CRITERIA} for option, row in _MATRIX["default_scores"].items()
}

_OPTION_LABELS = {o.id: o.label for o in OPTIONS}
_CRITERION_LABELS = {c.id: c.label for c in CRITERIA}


def _option_label(option_id: str) -> str:
    return _OPTION_LABELS.get(option_id, option_id)


def _criterion_label(criterion_id: str) -> str:
    return _CRITERION_LABELS.get(criterion_id, criterion_id)


def options_table() -> pd.DataFrame:
    """The four options as a table for the notebook (label and what it means)."""
    import pandas as pd

    return pd.DataFrame(
        {"Option": [o.label for o in OPTIONS], "What it means": [o.summary for o in OPTIONS]}
    ).set_index("Option")


def criteria_table() -> pd.DataFrame:
    """The criteria, with what a score of 5 and a score of 1 mean on each."""
    import pandas as pd

    return pd.DataFrame(
        {
            "Criterion": [c.label for c in CRITERIA],
            "Score 5 means the option…": [c.high for c in CRITERIA],
            "Score 1 means the option…": [c.low for c in CRITERIA],
        }
    ).set_index("Criterion")


def scores_table(scores: Mapping[str, Mapping[str, float]] | None = None) -> pd.DataFrame:
    """The scores as a table to read before any totals: one row per option, one column per
    criterion, labelled (index name "Option"); `scores` defaults to DEFAULT_SCORES."""
    import pandas as pd

    scores = DEFAULT_SCORES if scores is None else scores
    table = pd.DataFrame.from_dict(
        {
            _option_label(o): {_criterion_label(c): v for c, v in row.items()}
            for o, row in scores.items()
        },
        orient="index",
    )
    table.index.name = "Option"
    return table


# ----------------------------------------------------------------- the weighted matrix


def _check(weights: Mapping[str, float], scores: Mapping[str, Mapping[str, float]]) -> None:
    """Refuse inputs that would give a meaningless total, with a message a student can act on."""
    if not weights:
        raise ValueError("Give at least one criterion a weight.")
    if not scores:
        raise ValueError("Give at least one option scores.")
    for name, w in weights.items():
        if not isinstance(w, numbers.Real) or not math.isfinite(w) or w < 0:
            raise ValueError(f"The weight of {name!r} must be a number of 0 or more, not {w!r}.")
    if sum(weights.values()) <= 0:
        raise ValueError("All weights are 0: give at least one criterion a weight above 0.")
    for option, row in scores.items():
        missing = set(weights) - set(row)
        extra = set(row) - set(weights)
        if missing or extra:
            raise ValueError(
                f"Option {option!r} must have a score for each weighted criterion; "
                f"missing {sorted(missing)}, unknown {sorted(extra)}."
            )
        for name, s in row.items():
            if not isinstance(s, numbers.Real) or not SCORE_MIN <= s <= SCORE_MAX:
                raise ValueError(
                    f"Score of {option!r} on {name!r} must be from {SCORE_MIN} to {SCORE_MAX}, "
                    f"not {s!r}."
                )


def weighted_scores(
    weights: Mapping[str, float], scores: Mapping[str, Mapping[str, float]]
) -> pd.DataFrame:
    """Each option's weighted total (the weighted average of its scores) and what makes it up.

    Returns one row per option (index: option id, in the order of `scores`), one column per
    criterion holding that criterion's contribution `weight * score / sum(weights)`, then
    `total` (the sum of the contributions, on the 1–5 scale of the scores) and `rank`
    (1 = highest total; tied totals share a rank).

    Dividing by the sum of the weights keeps totals on the scores' own scale whatever weights
    a student picks, so "3.4 out of 5" means the same with weights 1–2 as with weights 5–10.
    """
    import pandas as pd

    _check(weights, scores)
    criteria = list(weights)
    total_weight = float(sum(weights.values()))
    rows = {
        option: {c: weights[c] * row[c] / total_weight for c in criteria}
        for option, row in scores.items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=criteria).astype("float64")
    table.index.name = "option"
    table["total"] = table[criteria].sum(axis=1)
    table["rank"] = table["total"].rank(ascending=False, method="min").astype("int64")
    return table


def leader(weights: Mapping[str, float], scores: Mapping[str, Mapping[str, float]]) -> str:
    """The option with the highest total; a tie goes to the option listed first in `scores`."""
    totals = weighted_scores(weights, scores)["total"]
    best = totals.max()
    return next(str(o) for o, t in totals.items() if math.isclose(t, best, abs_tol=1e-12))


def _gap(
    weights: Mapping[str, float], scores: Mapping[str, Mapping[str, float]], a: str, b: str
) -> float:
    """How far `a` is ahead of `b`, in weighted score points before dividing by sum(weights)."""
    return sum(w * (scores[a][c] - scores[b][c]) for c, w in weights.items())


def flip_points(
    weights: Mapping[str, float],
    scores: Mapping[str, Mapping[str, float]],
    max_weight: float = WEIGHT_MAX,
) -> pd.DataFrame:
    """For each criterion: how far its weight must move before another option draws level.

    Only that one weight moves; the others and all scores stay fixed. For the leader `a` and a
    rival `b`, `a` stays ahead while `sum(w * (score_a - score_b))` stays positive. Moving the
    weight of criterion `k` by `d` changes that gap by `d * (score_a[k] - score_b[k])`, so `b`
    draws level at `d = gap / (score_b[k] - score_a[k])`: raising the weight helps rivals that
    score higher than the leader on `k`, lowering it helps rivals that score lower. The nearest
    such point in each direction, kept within `[0, max_weight]`, is the flip point.

    Returns one row per criterion (index: criterion id) with columns `weight` (now),
    `raise_to` and `raise_rival` (the weight at which a rival draws level when the weight goes
    up, and which rival), `lower_to` and `lower_rival` (the same going down), and
    `smallest_change` (the smaller distance of the two; NaN where the weight can move across
    its whole range without any rival drawing level). Past a flip point the rival leads.
    """
    import pandas as pd

    _check(weights, scores)
    top = leader(weights, scores)
    rivals = [o for o in scores if o != top]
    total_weight = float(sum(weights.values()))
    rows = []
    for k, w in weights.items():
        raise_to, raise_rival = math.inf, ""
        lower_to, lower_rival = -math.inf, ""
        for b in rivals:
            gap = _gap(weights, scores, top, b)
            diff = scores[top][k] - scores[b][k]
            if diff < 0:
                point = w + gap / -diff
                if point <= max_weight + 1e-12 and point < raise_to - 1e-12:
                    raise_to, raise_rival = point, b
            elif diff > 0:
                point = w - gap / diff
                others = total_weight - w
                # At weight 0 with every other weight also 0 there is no total to compare.
                usable = point >= -1e-12 and (point > 1e-12 or others > 0)
                if usable and point > lower_to + 1e-12:
                    lower_to, lower_rival = max(point, 0.0), b
        up = raise_to - w if raise_rival else math.nan
        down = w - lower_to if lower_rival else math.nan
        changes = [d for d in (up, down) if not math.isnan(d)]
        rows.append(
            {
                "criterion": k,
                "weight": float(w),
                "raise_to": raise_to if raise_rival else math.nan,
                "raise_rival": raise_rival,
                "lower_to": lower_to if lower_rival else math.nan,
                "lower_rival": lower_rival,
                "smallest_change": min(changes) if changes else math.nan,
            }
        )
    table = pd.DataFrame(rows).set_index("criterion")
    table.attrs["leader"] = top
    return table


def most_sensitive(flips: pd.DataFrame) -> str:
    """The criterion whose weight changes the leader soonest (the first one if none does)."""
    changes = flips["smallest_change"].dropna()
    return str(changes.idxmin()) if len(changes) else str(flips.index[0])


def sweep(
    weights: Mapping[str, float],
    scores: Mapping[str, Mapping[str, float]],
    criterion: str,
    values: list[float] | None = None,
) -> pd.DataFrame:
    """Every option's total as one criterion's weight runs over `values` (default 0 to 10).

    A tidy table with columns `weight`, `option` and `total`, ready to plot as one line per
    option. Weights at which all weights are 0 are skipped (no total exists there).
    """
    import pandas as pd

    if criterion not in weights:
        raise ValueError(f"No criterion {criterion!r} among the weights.")
    values = values if values is not None else [x / 4 for x in range(0, 4 * WEIGHT_MAX + 1)]
    rows = []
    for v in values:
        trial = {**weights, criterion: v}
        if sum(trial.values()) <= 0:
            continue
        totals = weighted_scores(trial, scores)["total"]
        rows.extend({"weight": v, "option": o, "total": t} for o, t in totals.items())
    return pd.DataFrame(rows, columns=["weight", "option", "total"])


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """`weighted_scores` output with readable labels and two decimals, for showing."""
    shown = table.rename(index=_option_label, columns=_criterion_label).round(2)
    shown.index.name = "Option"
    return shown.rename(columns={"total": "Total (1–5)", "rank": "Rank"})


def display_flips(flips: pd.DataFrame) -> pd.DataFrame:
    """`flip_points` output as plain sentences per criterion, for showing."""
    import pandas as pd

    def describe(value: float, rival: Any, verb: str) -> str:
        if not rival or math.isnan(value):
            return f"no flip when {verb} (0–{WEIGHT_MAX})"
        return f"{_option_label(rival)} draws level at {value:.2f}"

    rows = {
        _criterion_label(str(k)): {
            "Weight now": round(r.weight, 2),
            "Raising it": describe(r.raise_to, r.raise_rival, "raising"),
            "Lowering it": describe(r.lower_to, r.lower_rival, "lowering"),
            "Smallest change that flips": (
                "–" if math.isnan(r.smallest_change) else round(r.smallest_change, 2)
            ),
        }
        for k, r in flips.iterrows()
    }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = f"Leader now: {_option_label(flips.attrs.get('leader', ''))}"
    return out


# ----------------------------------------------------------------- figures and alt text


def totals_alt(table: pd.DataFrame) -> str:
    """Alt text for `plot_totals`: who leads, by how much, and the range of the totals."""
    ordered = table.sort_values("total", ascending=False)
    first, second = ordered.index[0], ordered.index[1] if len(ordered) > 1 else None
    lo, hi = ordered["total"].min(), ordered["total"].max()
    text = f"{_option_label(first)} has the highest weighted score, {hi:.2f} of 5"
    if second is not None:
        margin = hi - ordered["total"].iloc[1]
        text += f", {margin:.2f} ahead of {_option_label(second)}"
    return text + f"; totals range from {lo:.2f} to {hi:.2f} on a scale of 1 to 5."


def plot_totals(
    table: pd.DataFrame, title: str = "Weighted scores of the four options"
) -> MplFigure:
    """Stacked horizontal bars: each option's total, split into what each criterion adds."""
    import matplotlib.pyplot as plt

    criteria = [c for c in table.columns if c not in ("total", "rank")]
    ordered = table.sort_values("total", ascending=True)
    fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
    left = [0.0] * len(ordered)
    labels = [_option_label(o) for o in ordered.index]
    for criterion in criteria:
        values = ordered[criterion].tolist()
        ax.barh(labels, values, left=left, label=_criterion_label(criterion), height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in enumerate(ordered["total"]):
        ax.text(total + 0.05, y, f"{total:.2f}", va="center", fontsize=10, fontweight="bold")
    ax.set_xlim(0, 5.5)
    ax.set_xlabel("Weighted score (1 = worst, 5 = best); segments show what each criterion adds")
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=9)
    return fig


def sweep_alt(
    weights: Mapping[str, float], scores: Mapping[str, Mapping[str, float]], criterion: str
) -> str:
    """Alt text for `plot_sweep`: the leader now and where, if anywhere, the lead changes."""
    flips = flip_points(weights, scores).loc[criterion]
    top = _option_label(leader(weights, scores))
    name = _criterion_label(criterion)
    text = f"At the current weight of {weights[criterion]:g} on {name}, {top} leads."
    parts = []
    if flips.raise_rival:
        parts.append(
            f"raising the weight to {flips.raise_to:.2f} brings {_option_label(flips.raise_rival)} "
            "level"
        )
    if flips.lower_rival:
        parts.append(
            f"lowering it to {flips.lower_to:.2f} brings {_option_label(flips.lower_rival)} level"
        )
    if not parts:
        return text + f" No other option draws level anywhere from 0 to {WEIGHT_MAX}."
    joined = "; ".join(parts)
    return f"{text} {joined[0].upper()}{joined[1:]} (weights shown from 0 to {WEIGHT_MAX})."


def plot_sweep(
    weights: Mapping[str, float], scores: Mapping[str, Mapping[str, float]], criterion: str
) -> MplFigure:
    """One line per option: its total as one criterion's weight runs from 0 to 10."""
    import matplotlib.pyplot as plt

    data = sweep(weights, scores, criterion)
    flips = flip_points(weights, scores).loc[criterion]
    fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
    markers = ["o", "s", "^", "D", "v", "P", "X"]
    for i, option in enumerate(scores):
        line = data[data["option"] == option]
        ax.plot(
            line["weight"],
            line["total"],
            label=_option_label(option),
            marker=markers[i % len(markers)],
            markevery=8,
            linewidth=2,
        )
    ax.axvline(weights[criterion], color="#555555", linestyle="--", linewidth=1.2)
    ax.annotate(
        "weight now",
        (weights[criterion], ax.get_ylim()[1]),
        textcoords="offset points",
        xytext=(4, -12),
        fontsize=9,
        color="#333333",
    )
    for point, rival in ((flips.raise_to, flips.raise_rival), (flips.lower_to, flips.lower_rival)):
        if rival:
            ax.axvline(point, color="#D55E00", linestyle=":", linewidth=1.5)
            ax.annotate(
                f"flip at {point:.2f}",
                (point, ax.get_ylim()[0]),
                textcoords="offset points",
                xytext=(4, 6),
                fontsize=9,
                color="#D55E00",
            )
    ax.set_xlim(0, WEIGHT_MAX)
    ax.set_xlabel(f"Weight on “{_criterion_label(criterion)}” (0 = ignore, 10 = most important)")
    ax.set_ylabel("Weighted score (1–5)")
    ax.set_title(f"How the totals move with the weight on {_criterion_label(criterion)}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=9)
    return fig


# ----------------------------------------------------------------- role cards


@dataclass(frozen=True)
class Point:
    """One argument on a role card. A point that states a fact names the page it rests on."""

    text: str
    source: str = ""
    url: str = ""


@dataclass(frozen=True)
class RoleCard:
    """A debate role: who they are, what they want, their case, their limits, their questions."""

    id: str
    title: str
    who: str
    goals: tuple[str, ...]
    arguments: tuple[Point, ...]
    red_lines: tuple[str, ...]
    questions: tuple[tuple[str, str], ...]  # (role id asked, question)


_CARDS = read_data("role_cards.toml")


def _point(entry: Mapping[str, str]) -> Point:
    """A role card's argument; `cite` names one of the sources several arguments share."""
    if "cite" in entry:
        shared = _CARDS["sources"][entry["cite"]]
        return Point(entry["text"], shared["title"], shared["url"])
    return Point(entry["text"], entry.get("source", ""), entry.get("url", ""))


ROLE_CARDS: dict[str, RoleCard] = {
    card["id"]: RoleCard(
        id=card["id"],
        title=card["title"],
        who=card["who"],
        goals=tuple(card["goals"]),
        arguments=tuple(_point(entry) for entry in card["arguments"]),
        red_lines=tuple(card["red_lines"]),
        questions=tuple((question["to"], question["text"]) for question in card["questions"]),
    )
    for card in _CARDS["cards"]
}

_ROLE_NOTE: str = _CARDS["note"]


class HTMLText(str):
    """A string of HTML that Jupyter shows rendered (and tests can read as plain text)."""

    def _repr_html_(self) -> str:
        return str(self)


def _title_of(role_id: str) -> str:
    """The role's title as it reads after "To" ("To a European ally", "To FBI …")."""
    title = ROLE_CARDS[role_id].title if role_id in ROLE_CARDS else role_id
    return "a " + title[2:] if title.startswith("A ") else title


def role_card(role: str) -> HTMLText:
    """One role card as accessible HTML (headings, lists, linked sources)."""
    if role not in ROLE_CARDS:
        raise KeyError(f"No role {role!r}; the roles are: {', '.join(ROLE_CARDS)}.")
    card = ROLE_CARDS[role]
    e = esc

    def item(text: str) -> str:
        return f"<li>{e(text)}</li>"

    def argument(p: Point) -> str:
        if p.source:
            cite = f'<a href="{e(p.url)}">{e(p.source)}</a>' if p.url else e(p.source)
            return f"<li>{e(p.text)}<br><small>Source: {cite}</small></li>"
        return f"<li>{e(p.text)} <small>(the role's judgement; no source)</small></li>"

    questions = "".join(
        f"<li><b>To {e(_title_of(to))}:</b> {e(q)}</li>" for to, q in card.questions
    )
    return HTMLText(
        f'<section style="border:1px solid #999;border-radius:6px;padding:0.6em 1em;'
        f'margin:0.5em 0;max-width:52em" aria-label="Role card: {e(card.title)}">'
        f'<h3 style="margin-top:0.2em">Role card: {e(card.title)}</h3>'
        f"<p><i>{e(card.who)}</i></p>"
        f"<h4>Goals</h4><ul>{''.join(item(g) for g in card.goals)}</ul>"
        f"<h4>Strongest arguments</h4><ul>{''.join(argument(p) for p in card.arguments)}</ul>"
        f"<h4>Red lines (for the role-play)</h4><ul>{''.join(item(r) for r in card.red_lines)}</ul>"
        f"<h4>Questions to ask the others</h4><ul>{questions}</ul>"
        f"<p><small>{e(_ROLE_NOTE)}</small></p></section>"
    )


PAGE_BREAK = '<!-- page break -->\n<div style="page-break-after: always;"></div>'


def role_cards_markdown() -> str:
    """All six role cards as Markdown, one card per printed page, for instructors/."""
    parts = [
        "# Role cards for the debate in notebook 06\n\n"
        "Print one page per group. Generated from "
        "`src/diplomatic_cover/lessons/data/role_cards.toml` by "
        "`python -m diplomatic_cover.policy`; edit that file, not this one.\n\n"
        f"*{_ROLE_NOTE}*\n"
    ]
    for card in ROLE_CARDS.values():
        lines = [f"## Role card: {card.title}", "", f"*{card.who}*", "", "### Goals", ""]
        lines += [f"- {g}" for g in card.goals]
        lines += ["", "### Strongest arguments", ""]
        for p in card.arguments:
            if p.source:
                cite = f"[{p.source}]({p.url})" if p.url else p.source
                lines.append(f"- {p.text}  \n  Source: {cite}")
            else:
                lines.append(f"- {p.text} (the role's judgement; no source)")
        lines += ["", "### Red lines (for the role-play)", ""]
        lines += [f"- {r}" for r in card.red_lines]
        lines += ["", "### Questions to ask the others", ""]
        lines += [f"- **To {_title_of(to)}:** {q}" for to, q in card.questions]
        parts.append("\n".join(lines) + "\n")
    return ("\n" + PAGE_BREAK + "\n\n").join(parts)


def _repo_root() -> Path:
    root = paths.open_kit_root()
    return root if root is not None else Path.cwd()


def main(argv: list[str] | None = None) -> int:
    """Rewrite instructors/role_cards.md from ROLE_CARDS (run from a clone of the kit)."""
    target = _repo_root() / "instructors" / "role_cards.md"
    if not target.parent.is_dir():
        print(f"No instructors/ folder at {target.parent}; run this from the open kit.")
        return 1
    target.write_text(role_cards_markdown(), encoding="utf-8")
    print(f"Wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
