"""What counts and for how much: `instructors/grading.toml` and the rubrics beside it.

The grading configuration names, per assignment, the code checks and the widget or written
questions that earn points. Each item is sorted here, once, into one of three kinds, so the
grader never has to guess later:

* CHECK: a value recorded by `check(...)` in an exercise, graded by the hidden checks;
* AUTO: a widget answer graded against the answer key's `correct` value;
* MANUAL: a written answer, scored by a person against a rubric in the manual grading
  notebook (a written question without a rubric gets one criterion worth its points).

Opinion questions are never graded: listing one is a configuration error, because marking a
view right or wrong is exactly what the kit promises not to do. Nor are practice questions,
whose right answers every student can read in the catalogue. Every problem in the file is
reported at once, with the file and the item, so an instructor fixes them in one pass.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover import paths
from diplomatic_cover.answers.catalogue import Catalogue, KeyEntry

CHECK = "check"
AUTO = "auto"
MANUAL = "manual"
WRITTEN_TYPES = ("text", "short_text")
# The comment on a written answer is saved beside the criterion scores under this id.
COMMENT_ID = "_comment"


class ConfigError(ValueError):
    """The grading configuration or a rubric cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class Level:
    """One level of a rubric criterion: the points and what work at that level looks like."""

    points: float
    description: str


@dataclass(frozen=True)
class Criterion:
    """One row of a rubric for a written question."""

    question: str
    id: str
    title: str
    max_points: float
    levels: tuple[Level, ...] = ()


@dataclass(frozen=True)
class Item:
    """One graded item of an assignment: a check or a question, its kind and its points."""

    assignment: str
    id: str
    kind: str
    points: float


@dataclass(frozen=True)
class Assignment:
    """A gradebook column: a title and the items that add up to it.

    `canvas_id` (optional key `canvas_id` in the file) is the Canvas assignment id, so the
    Canvas import updates that assignment instead of creating a new one.
    """

    name: str
    title: str
    items: tuple[Item, ...]
    canvas_id: str = ""

    @property
    def max_points(self) -> float:
        """The points this assignment is out of."""
        return sum(item.points for item in self.items)


@dataclass(frozen=True)
class GradingConfig:
    """The whole configuration: assignments in file order and rubrics by question id."""

    assignments: tuple[Assignment, ...]
    rubrics: Mapping[str, tuple[Criterion, ...]] = field(default_factory=dict)
    source: str = ""

    def items(self) -> list[Item]:
        """Every graded item, assignment by assignment, in file order."""
        return [item for assignment in self.assignments for item in assignment.items]

    @property
    def max_points(self) -> float:
        """The points the whole configuration is out of."""
        return sum(a.max_points for a in self.assignments)

    def criteria(self, item: Item) -> tuple[Criterion, ...]:
        """The rubric of a MANUAL item (one 'Overall' criterion if it has no rubric)."""
        found = self.rubrics.get(item.id)
        if found:
            return found
        return (Criterion(item.id, "overall", "Overall", item.points),)


def default_config_path() -> Path:
    """`instructors/grading.toml` in the open kit (its clone, when the kit is installed)."""
    root = paths.open_kit_root()
    if root is None:
        raise ConfigError(
            "No grading configuration given, and the kit has no instructors/ folder here: "
            "pass --config PATH/TO/grading.toml (grade from the instructors' open kit)."
        )
    return root / "instructors" / "grading.toml"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def read_rubrics(folder: Path) -> tuple[dict[str, tuple[Criterion, ...]], list[str]]:
    """Rubric criteria by question id from every `*.toml` in `folder`, and any problems."""
    problems: list[str] = []
    found: dict[str, list[Criterion]] = {}
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            problems.append(f"{path.name}: not readable TOML ({error})")
            continue
        for number, raw in enumerate(data.get("criterion", []), 1):
            where = f"{path.name}, criterion {number}"
            if not isinstance(raw, dict):
                problems.append(f"{where}: expected a [[criterion]] table")
                continue
            criterion, trouble = _criterion(raw, where)
            if trouble:
                problems.extend(trouble)
                continue
            existing = found.setdefault(criterion.question, [])
            if any(c.id == criterion.id for c in existing):
                problems.append(f"{where}: {criterion.question} has two criteria {criterion.id!r}")
                continue
            existing.append(criterion)
    return {qid: tuple(criteria) for qid, criteria in found.items()}, problems


def _criterion(raw: dict[str, Any], where: str) -> tuple[Criterion, list[str]]:
    problems = []
    question, cid = raw.get("question"), raw.get("id")
    max_points = _number(raw.get("max_points"))
    if not isinstance(question, str) or not question:
        problems.append(f'{where}: needs question = "<question id>"')
    if not isinstance(cid, str) or not cid or cid.startswith(("_", ".")) or "/" in cid:
        problems.append(f"{where}: needs an id (words, not starting with '_' or '.')")
    if max_points is None or max_points <= 0:
        problems.append(f"{where}: max_points must be a positive number")
    levels = []
    for level in raw.get("levels", []) or []:
        points = _number(level.get("points")) if isinstance(level, dict) else None
        if points is None or max_points is None or not 0 <= points <= max_points:
            problems.append(f"{where}: every level needs points between 0 and max_points")
            continue
        levels.append(Level(points, str(level.get("description", "")).strip()))
    levels.sort(key=lambda level: -level.points)
    criterion = Criterion(
        question=str(question),
        id=str(cid),
        title=str(raw.get("title", "") or cid),
        max_points=max_points or 0.0,
        levels=tuple(levels),
    )
    return criterion, problems


def load_config(
    path: Path | None,
    catalogue: Catalogue,
    answer_key: Mapping[str, KeyEntry] | None,
    *,
    rubrics_dir: Path | None = None,
) -> GradingConfig:
    """Read and check the grading configuration; ConfigError lists every problem found.

    Rubrics are read from `rubrics_dir`, by default `rubrics/` beside the configuration.
    """
    path = Path(path) if path is not None else default_config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"There is no grading configuration at {path}.") from error
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} could not be read as TOML ({error}).") from error
    rubrics, problems = read_rubrics(rubrics_dir or path.parent / "rubrics")
    assignments = []
    seen: dict[str, str] = {}
    raw_assignments = data.get("assignment")
    if not isinstance(raw_assignments, dict) or not raw_assignments:
        problems.append("no [assignment.<name>] tables: nothing would be graded")
        raw_assignments = {}
    for name, raw in raw_assignments.items():
        if not isinstance(raw, dict):
            problems.append(f"[assignment.{name}] must be a table")
            continue
        items = []
        for table, is_check in (("checks", True), ("questions", False)):
            entries = raw.get(table, {}) or {}
            if not isinstance(entries, dict):
                problems.append(f"[assignment.{name}] {table} must map ids to points")
                continue
            for item_id, points in entries.items():
                where = f"[assignment.{name}] {table}: {item_id!r}"
                value = _number(points)
                if value is None or value < 0:
                    problems.append(f"{where}: points must be a number of at least 0")
                    continue
                if item_id in seen:
                    problems.append(f"{where}: also counted in [assignment.{seen[item_id]}]")
                    continue
                seen[item_id] = name
                kind = (
                    CHECK
                    if is_check
                    else _question_kind(item_id, catalogue, answer_key, rubrics, where, problems)
                )
                if kind:
                    items.append(Item(name, item_id, kind, value))
        assignments.append(
            Assignment(
                name=name,
                title=str(raw.get("title", "") or name),
                items=tuple(items),
                canvas_id=str(raw.get("canvas_id", "") or ""),
            )
        )
    for qid in rubrics:
        if qid not in seen:
            problems.append(f"a rubric scores {qid!r}, which no assignment counts")
    if problems:
        listed = "\n  - ".join(problems)
        raise ConfigError(f"The grading configuration {path} has problems:\n  - {listed}")
    return GradingConfig(tuple(assignments), rubrics, str(path))


def _question_kind(
    qid: str,
    catalogue: Catalogue,
    answer_key: Mapping[str, KeyEntry] | None,
    rubrics: Mapping[str, tuple[Criterion, ...]],
    where: str,
    problems: list[str],
) -> str | None:
    question = catalogue.questions.get(qid)
    if question is None:
        problems.append(f"{where}: no such question in the catalogue")
        return None
    if question.opinion:
        problems.append(f"{where}: an opinion question is never graded; remove it")
        return None
    if question.practice:
        problems.append(
            f"{where}: a practice question is never graded (its explanations are public in "
            "the catalogue); remove it"
        )
        return None
    if qid in rubrics or question.type in WRITTEN_TYPES:
        return MANUAL
    entry = (answer_key or {}).get(qid)
    if entry is None or entry.correct is None:
        problems.append(f"{where}: the answer key has no correct value for it")
        return None
    return AUTO
