"""The kit's one catalogue of questions, and the separate answer key.

Questions are authored in `questions/catalogue/NN_notebook.toml`, one file per notebook
(so authors of different notebooks never edit the same file): the progress view, the report
and the grader read them without running any notebook, and a notebook shows a question by
its id (`ask("02.cover-size")`). Model answers, feedback and hints live in
`questions/answer_key/NN_notebook.toml`, which the class copy leaves out; everything here
works without it (keys an instructor releases later are read from the pulled class copy:
`released_answer_key`). Choices are stored by option id, never by position, so reordering
options in the catalogue cannot corrupt saved answers, and a widget may show them in an
order of its own.

Every question states three flags (the header of `00_start_here.toml` says what they mean):
`natural_order` (options shown as written, else shuffled per student: `option_order`),
`practice` (ungraded, with its feedback public in the catalogue: `practice_feedback`) and
`poolable` (the live pulse may pool it: closed forms only, never a graded question).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from diplomatic_cover import paths
from diplomatic_cover.pages.fragments import esc

QUESTIONS_DIR = paths.package_path("questions")
CATALOGUE_DIR = QUESTIONS_DIR / "catalogue"
ANSWER_KEY_DIR = QUESTIONS_DIR / "answer_key"

QUESTION_TYPES = (
    "text",  # free text, word count shown, optional minimum
    "short_text",  # one line
    "single",  # single choice
    "multiple",  # multiple choice
    "scale",  # agree/disagree, 5 or 7 points, optional confidence rating
    "number",  # numeric estimate with unit and allowed range
    "ranking",  # order the options
    "classify",  # put each statement under one label
)
# "02.cover-size" for guided notebook 02; "ex4.memo" for graded exercise 4.
ID_PATTERN = re.compile(r"^(?P<notebook>\d\d|ex\d)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
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
CONFIDENCE_LABELS = ("Not at all sure", "Somewhat sure", "Quite sure", "Very sure")
# The longest reason an opinion scale takes ("why?", one line).
WHY_CHARS = 200
# Types whose options a widget may shuffle; every other type is shown as written.
SHUFFLED_TYPES = ("single", "multiple", "ranking")
# Answers the live pulse can pool: a closed form, never free text that could name its author.
CLOSED_FORMS = ("single", "multiple", "scale", "ranking", "number")
# The flags every question states, with what `false` and `true` mean (for error messages).
FLAGS = {
    "natural_order": "false shuffles the options per student; true shows them as written",
    "practice": "true: ungraded, with its explanations public in the catalogue",
    "poolable": "true: the live pulse may pool it (closed forms only, never graded)",
}


class CatalogueError(ValueError):
    """The catalogue or answer key is malformed: a message for the kit's authors."""


@dataclass(frozen=True)
class Choice:
    """An option, statement or label, identified by a stable id.

    `explain` and `correct` exist only on the options of a practice question: a graded
    question's key lives in the answer key, never in the public catalogue.
    """

    id: str
    label: str
    explain: str = ""
    correct: bool = False


@dataclass(frozen=True)
class Question:
    """One question of the kit, as authored in the catalogue."""

    id: str
    notebook: str
    type: str
    prompt: str
    title: str = ""
    points: float = 0.0
    opinion: bool = False
    natural_order: bool = True
    practice: bool = False
    poolable: bool = False
    explain: str = ""
    reveal: str = ""
    options: tuple[Choice, ...] = ()
    statements: tuple[Choice, ...] = ()
    labels: tuple[Choice, ...] = ()
    min_words: int = 0
    max_chars: int = 0
    scale_points: int = 5
    confidence: bool = False
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    minutes: float | None = None

    @property
    def scale_labels(self) -> tuple[str, ...]:
        """The words for each point of an agree/disagree scale."""
        return SCALE_LABELS[self.scale_points]

    def option_label(self, option_id: str) -> str:
        """The label of an option, statement or label id (the id itself if unknown)."""
        for choice in (*self.options, *self.statements, *self.labels):
            if choice.id == option_id:
                return choice.label
        return option_id

    def to_spec(self, options: tuple[Choice, ...] | None = None) -> dict[str, Any]:
        """The JSON-ready description a widget needs to draw this question.

        `options` replaces the catalogue's order (see `option_order`). Practice explanations
        are never part of it: they are shown only after an attempt (`practice_feedback`).
        """
        options = self.options if options is None else options
        spec: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "prompt_html": render_markdown(self.prompt),
            "prompt_text": plain_text(self.prompt),
            "points": self.points,
        }
        if options:
            spec["options"] = [{"id": c.id, "label": c.label} for c in options]
        if self.statements:
            spec["statements"] = [{"id": c.id, "label": c.label} for c in self.statements]
        if self.labels:
            spec["labels"] = [{"id": c.id, "label": c.label} for c in self.labels]
        if self.type == "text":
            spec["min_words"] = self.min_words
        if self.type == "short_text":
            spec["max_chars"] = self.max_chars or 200
        if self.type == "scale":
            spec["scale_labels"] = list(self.scale_labels)
            spec["confidence"] = self.confidence
            spec["confidence_labels"] = list(CONFIDENCE_LABELS)
            # A view asks for its one-line reason, kept with the answer and never pooled.
            spec["why"] = self.opinion
            spec["why_chars"] = WHY_CHARS
        if self.type == "number":
            spec.update(unit=self.unit, minimum=self.minimum, maximum=self.maximum)
        if self.type == "ranking":
            # A graded ranking counts only once the student moves an item: its shuffled start
            # order is the key for about one student in 24 (four options), and a "Keep this
            # order" button would hand them the points for one click. The key does not ship,
            # so the shuffle cannot avoid it; a view or a practice ranking keeps the button.
            spec["keep_order"] = not self.points
        return spec


#: Versions of the scoring rules an answer key file may name (`scoring_rules = N` at its top;
#: a file that names none was written for version 1). The grader implements each one
#: (`grading/autograde.py`) and keeps the version earlier grades used unless told to rescore.
SCORING_RULES = (1, 2)


@dataclass(frozen=True)
class KeyEntry:
    """What the answer key says about one question, and which scoring rules its file names."""

    model_answer: str = ""
    feedback: str = ""
    hints: tuple[str, ...] = ()
    correct: Any = None
    tolerance: float = 0.0
    rules: int = 1


@dataclass(frozen=True)
class Catalogue(Mapping[str, Question]):
    """All questions of the kit by id, in authoring order."""

    questions: dict[str, Question] = field(default_factory=dict)

    def __getitem__(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(
                f"No question {question_id!r} in the kit's catalogue "
                f"(questions/catalogue/). Check the id for typos."
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def notebooks(self) -> list[str]:
        """Notebook names in catalogue order, each once."""
        return list(dict.fromkeys(q.notebook for q in self.questions.values()))

    def for_notebook(self, notebook: str) -> list[Question]:
        """The questions of one notebook, in order."""
        return [q for q in self.questions.values() if q.notebook == notebook]

    def predicting(self, reveal_id: str) -> list[Question]:
        """The questions that predict the result `reveal_id` (their `reveal`), in order."""
        return [q for q in self.questions.values() if q.reveal == reveal_id]

    def asked_after(self, reveal_id: str) -> list[Question]:
        """The questions its notebook asks after the cell that shows the result `reveal_id`.

        The catalogue lists a notebook's questions in the order it asks them, and the
        revealing cell comes straight after its last prediction (tests/test_predictions.py
        checks both against the notebooks), so these are the questions listed after it. An
        answer to one of them shows the student got past the result; the grader uses that
        to spot a prediction whose reveal record is missing.
        """
        predictions = self.predicting(reveal_id)
        if not predictions:
            return []
        questions = self.for_notebook(predictions[0].notebook)
        last = max(questions.index(q) for q in predictions)
        return questions[last + 1 :]


def _choices(raw: Any, where: str) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise CatalogueError(f"{where}: expected a list of {{id, label}} tables")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not {"id", "label"} <= set(item):
            raise CatalogueError(f"{where}: every choice needs an id and a label, got {item!r}")
        if not isinstance(item.get("correct", False), bool):
            raise CatalogueError(f"{where}: choice {item['id']!r}: correct is true or false")
        out.append(
            Choice(
                str(item["id"]),
                str(item["label"]),
                explain=str(item.get("explain", "")).strip(),
                correct=item.get("correct", False),
            )
        )
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise CatalogueError(f"{where}: duplicate choice ids {ids}")
    return tuple(out)


def _question(raw: dict[str, Any]) -> Question:
    qid = raw.get("id", "")
    where = f"catalogue question {qid!r}"
    match = ID_PATTERN.match(qid)
    if not match:
        raise CatalogueError(
            f"{where}: ids look like '02.cover-size' or 'ex4.memo' (notebook, a dot, words)"
        )
    notebook = raw.get("notebook", "")
    if not notebook.startswith(match.group("notebook") + "_"):
        raise CatalogueError(f"{where}: notebook {notebook!r} does not match the id's number")
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise CatalogueError(f"{where}: type must be one of {', '.join(QUESTION_TYPES)}")
    for flag, meaning in FLAGS.items():
        if not isinstance(raw.get(flag), bool):
            raise CatalogueError(f"{where}: state {flag} = true or false ({meaning})")
    question = Question(
        id=qid,
        notebook=notebook,
        type=qtype,
        prompt=str(raw.get("prompt", "")).strip(),
        title=str(raw.get("title", "")),
        points=float(raw.get("points", 0)),
        opinion=bool(raw.get("opinion", False)),
        natural_order=raw["natural_order"],
        practice=raw["practice"],
        poolable=raw["poolable"],
        explain=str(raw.get("explain", "")).strip(),
        reveal=_reveal(raw.get("reveal", ""), match.group("notebook"), where),
        options=_choices(raw.get("options"), where),
        statements=_choices(raw.get("statements"), where),
        labels=_choices(raw.get("labels"), where),
        min_words=int(raw.get("min_words", 0)),
        max_chars=int(raw.get("max_chars", 0)),
        scale_points=int(raw.get("scale_points", 5)),
        confidence=bool(raw.get("confidence", False)),
        unit=str(raw.get("unit", "")),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        minutes=_minutes(raw.get("minutes"), where),
    )
    _check_shape(question, where)
    return question


def _minutes(raw: Any, where: str) -> float | None:
    """A question's own answering time, when it needs more than its type's figure.

    The timing model (`instructor/timing.py`) takes each type's minutes from
    `instructors/timing.toml`; a question may raise its own (a memo, a long map) but never
    lower it, which `tests/test_catalogue.py` checks against that table.
    """
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0:
        raise CatalogueError(f"{where}: minutes is a number of minutes above 0, got {raw!r}")
    return float(raw)


def _reveal(raw: Any, number: str, where: str) -> str:
    """A prediction's reveal id: its own notebook's number, a dot, words ("04.coverage-model")."""
    if raw == "":
        return ""
    found = ID_PATTERN.match(raw) if isinstance(raw, str) else None
    if not found or found.group("notebook") != number:
        raise CatalogueError(
            f"{where}: reveal names the result it predicts, like '{number}.model-output' "
            "(this notebook's number, a dot, words), called as dc.reveal(...) where it is shown"
        )
    return raw


def _check_shape(q: Question, where: str) -> None:
    if not q.prompt:
        raise CatalogueError(f"{where}: the prompt is empty")
    if q.type in ("single", "multiple", "ranking") and len(q.options) < 2:
        raise CatalogueError(f"{where}: a {q.type} question needs at least two options")
    if q.type == "classify" and (not q.statements or len(q.labels) < 2):
        raise CatalogueError(f"{where}: classify needs statements and at least two labels")
    if q.type == "scale" and q.scale_points not in SCALE_LABELS:
        raise CatalogueError(f"{where}: scale_points must be 5 or 7")
    if q.type == "number" and (q.minimum is None or q.maximum is None or q.minimum >= q.maximum):
        raise CatalogueError(f"{where}: a number question needs min < max")
    _check_flags(q, where)


def _check_flags(q: Question, where: str) -> None:
    if not q.natural_order and q.type not in SHUFFLED_TYPES:
        raise CatalogueError(
            f"{where}: only {', '.join(SHUFFLED_TYPES)} options are shuffled; a {q.type} "
            "question is shown as written (natural_order = true)"
        )
    if q.poolable and q.type not in CLOSED_FORMS:
        raise CatalogueError(
            f"{where}: only closed forms ({', '.join(CLOSED_FORMS)}) are pooled; free text "
            "can name its author (poolable = false)"
        )
    if q.poolable and q.points:
        raise CatalogueError(
            f"{where}: a graded question is never pooled live: the room's answers would give "
            "it away (poolable = false, or points = 0)"
        )
    keyed = [c.id for c in (*q.options, *q.statements, *q.labels) if c.explain or c.correct]
    if not q.practice:
        if keyed or q.explain:
            raise CatalogueError(
                f"{where}: explanations and correct options belong to practice questions; a "
                "graded question's key goes in answer_key/, never in the public catalogue"
            )
        return
    if q.points or q.opinion:
        raise CatalogueError(
            f"{where}: a practice question is never graded and is not an opinion "
            "(points = 0, no opinion = true): its answers are public"
        )
    if q.type in ("single", "multiple"):
        right = [o for o in q.options if o.correct]
        if any(not o.explain for o in q.options) or not right:
            raise CatalogueError(
                f"{where}: every option of a practice {q.type} question needs explain, and "
                "the right ones correct = true"
            )
        if q.type == "single" and len(right) != 1:
            raise CatalogueError(f"{where}: a practice single choice has one correct option")
    elif keyed or not q.explain:
        raise CatalogueError(
            f"{where}: a practice {q.type} question has one explain for the whole question"
        )


def option_order(question: Question, student_id: str) -> tuple[Choice, ...]:
    """The options in the order this student sees them.

    As written when the question has `natural_order`; otherwise shuffled, the same way every
    time for the same student and question (sorted by a hash of student, question and
    option ids), so a re-run or a restart never reorders what the student is reading, while
    neighbours see different orders and a position says nothing about the key. A shuffled
    ranking never starts in the order as written.
    """
    if question.natural_order or question.type not in SHUFFLED_TYPES:
        return question.options

    def rank(choice: Choice) -> bytes:
        return hashlib.sha256(f"{student_id}\0{question.id}\0{choice.id}".encode()).digest()

    order = tuple(sorted(question.options, key=rank))
    if question.type == "ranking" and order == question.options:
        # A ranking's start order is an answer the student can keep with one click, so it is
        # never the order as written: for a view (06.rank-options) that order puts the same
        # option first for everyone dealt it, and it is the order an author thinks in. The
        # hash gives it to one student in 24 (four options); they get it turned by one.
        order = order[1:] + order[:1]
    return order


def parse_catalogue(text: str, name: str = "catalogue", into: Catalogue | None = None) -> Catalogue:
    """Parse one catalogue TOML text (file `name`), adding its questions to `into`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CatalogueError(f"{name} is not valid TOML: {err}") from None
    questions: dict[str, Question] = dict(into.questions) if into else {}
    for raw in data.get("question", []):
        question = _question(raw)
        if question.id in questions:
            raise CatalogueError(f"{name}: question id {question.id!r} is used twice")
        questions[question.id] = question
    return Catalogue(questions)


def read_catalogue(folder: Path) -> Catalogue:
    """Read every catalogue file (`NN_notebook.toml`) of `folder`, in file-name order."""
    catalogue = Catalogue()
    for path in sorted(folder.glob("*.toml")):
        catalogue = parse_catalogue(path.read_text(encoding="utf-8"), path.name, catalogue)
    return catalogue


@cache
def load_catalogue() -> Catalogue:
    """The kit's catalogue (read once per process)."""
    return read_catalogue(CATALOGUE_DIR)


def load_answer_key(folder: Path | None = None) -> dict[str, KeyEntry] | None:
    """The answer key by question id, or None where it was left out (the class copy).

    `folder` holds one TOML file per notebook; a single file's path is accepted too. Every
    question widget asks for the key, so the parsed files are cached until one of them changes
    (parsing them all costs about 10 ms; a notebook shows dozens of questions).
    """
    folder = folder or ANSWER_KEY_DIR
    paths = [folder] if folder.is_file() else sorted(folder.glob("*.toml"))
    if not paths:
        return None
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    return dict(_parse_answer_key(stamp))


#: Where a class copy keeps the answer keys `release --with-key` released into it, relative
#: to the class copy, and the record of which ones (the release writes both; see
#: `instructor/release.py`, whose ANSWER_KEY and RELEASED these must equal).
RELEASED_KEY_DIR = "src/diplomatic_cover/questions/answer_key"
RELEASED_RECORD = "released.json"
_NOTEBOOK_NAME = re.compile(r"^(?:\d\d|ex\d)_[a-z0-9_]+$")


def released_answer_key(start: Path | None = None) -> dict[str, KeyEntry] | None:
    """The keys released into the class copy the notebook at `start` came from, or None.

    On a JupyterHub the class copy's package is installed in the image and never changes
    during a course, so a key the instructor releases after the deadline (`release
    --with-key`, committed to the class repository) reaches students only in the folder they
    pull (`paths.class_copy_folder`, found from the kernel's current folder). It is read
    only when the release's record is there, and only the key files of notebooks it lists;
    a file that cannot be read or parsed is skipped, so a broken key hides a Compare button
    and never breaks a question.

    A student can forge a record and a key in their own pulled folder: that changes only what
    Compare shows THEM. Grading never reads it (it calls `load_answer_key()`, the
    instructor's own key in the open kit), and a key's text is no secret once released.
    """
    copy = paths.class_copy_folder(start)
    if copy is None:
        return None
    folder = copy / RELEASED_KEY_DIR
    try:
        record = json.loads((folder / RELEASED_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    listed = record.get("released") if isinstance(record, dict) else None
    if not isinstance(listed, dict):
        return None
    key: dict[str, KeyEntry] = {}
    for name in sorted(str(n) for n in listed if _NOTEBOOK_NAME.match(str(n))):
        path = folder / f"{name}.toml"
        if not path.is_file():
            continue
        try:
            key.update(load_answer_key(path) or {})
        except (CatalogueError, OSError, UnicodeDecodeError, TypeError, ValueError):
            continue
    return key or None


def answer_key_for_students(
    folder: Path | None = None, start: Path | None = None
) -> dict[str, KeyEntry] | None:
    """The key a question widget compares with (the Compare button), or None.

    `folder` when given; else the installed package's key (the open kit, or a class copy
    installed in place with `make lab`, where `release --with-key` writes); else the keys
    released into the pulled class copy (`released_answer_key`).
    """
    if folder is not None:
        return load_answer_key(folder)
    return load_answer_key() or released_answer_key(start)


@lru_cache(maxsize=8)
def _parse_answer_key(stamp: tuple[tuple[str, int, int], ...]) -> dict[str, KeyEntry]:
    key: dict[str, KeyEntry] = {}
    for name, _mtime, _size in stamp:
        path = Path(name)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise CatalogueError(f"{path.name} is not valid TOML: {err}") from None
        rules = data.get("scoring_rules", 1)
        if rules not in SCORING_RULES or isinstance(rules, bool):
            raise CatalogueError(
                f"{path.name}: scoring_rules is one of {', '.join(map(str, SCORING_RULES))}"
            )
        for qid, raw in data.get("answers", {}).items():
            if qid in key:
                raise CatalogueError(f"{path.name}: answer key entry {qid!r} appears twice")
            key[qid] = KeyEntry(
                model_answer=str(raw.get("model_answer", "")).strip(),
                feedback=str(raw.get("feedback", "")).strip(),
                hints=tuple(raw.get("hints", ())),
                correct=raw.get("correct"),
                tolerance=float(raw.get("tolerance", 0.0)),
                rules=rules,
            )
    return key


def practice_feedback(question: Question, value: Any) -> str:
    """What a practice question says once the student has answered, as HTML ("" before).

    A single choice says whether the pick is right and why; a multiple choice says so for
    each ticked option and how many right ones are still unticked, so the student can try
    again; other types show their one explanation. Graded questions say nothing here.
    """
    if not question.practice or not is_answered(question, value):
        return ""
    if question.type not in ("single", "multiple"):
        return "<p><strong>The answer</strong></p>" + render_markdown(question.explain)
    picked = [value] if question.type == "single" else list(value)
    options = {o.id: o for o in question.options}
    parts = []
    for option_id in picked:
        option = options.get(option_id)
        if option is None:
            continue
        verdict = "Right" if option.correct else "Not right"
        parts.append(
            f"<p><strong>{verdict}: {esc(option.label)}.</strong></p>"
            + render_markdown(option.explain)
        )
    missing = sum(1 for o in question.options if o.correct and o.id not in picked)
    if question.type == "multiple" and missing:
        more = "One more option applies" if missing == 1 else f"{missing} more options apply"
        parts.append(f"<p><strong>{more}:</strong> look again at the ones you left.</p>")
    return "".join(parts)


def render_markdown(text: str) -> str:
    """Markdown to HTML for prompts and model answers; raw HTML in the source is escaped."""
    return str(_markdown()(text))


@cache
def _markdown() -> Any:
    import mistune  # imported here: only needed when a question is drawn or a report built

    return mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])


def plain_text(text: str) -> str:
    """A one-line plain version of a Markdown prompt, for accessible names and tables."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"[*_`#>]+", "", text)
    return " ".join(text.split())


def is_answered(question: Question, value: Any) -> bool:
    """Whether a saved value counts as an answer (an empty text or list does not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        if question.type == "scale":
            return value.get("point") is not None
        if question.type == "number":
            return bool(str(value.get("raw", "")).strip())
        return bool(value)
    return True


def format_answer(question: Question, value: Any) -> str:
    """A saved answer as plain text a person can read (for reports and progress views)."""
    if not is_answered(question, value):
        return "(not answered)"
    kind = question.type
    if kind in ("text", "short_text"):
        return str(value)
    if kind == "single":
        return question.option_label(str(value))
    if kind == "multiple":
        return "; ".join(question.option_label(v) for v in value)
    if kind == "ranking":
        return " > ".join(f"{i}. {question.option_label(v)}" for i, v in enumerate(value, 1))
    if kind == "classify":
        return "; ".join(
            f"{question.option_label(s)} → {question.option_label(label)}"
            for s, label in value.items()
        )
    if kind == "scale":
        point = int(value["point"])
        text = f"{question.scale_labels[point - 1]} ({point} of {question.scale_points})"
        if value.get("confidence"):
            text += f"; confidence: {CONFIDENCE_LABELS[int(value['confidence']) - 1]}"
        if str(value.get("why") or "").strip():
            text += f"; why: {' '.join(str(value['why']).split())}"
        return text
    if kind == "number":
        raw = str(value.get("raw", "")).strip()
        number = value.get("number")
        if number is None:
            return f"{raw} (not a valid number)"
        return f"{number:g} {question.unit}".strip()
    return str(value)
