"""The manual grading panel: one written answer at a time, rubric beside it, saved at once.

Opened from `instructors/manual_grading.ipynb` with `open_manual_grading(out_dir)`, where
`out_dir` is the `--out` folder of `diplomatic-cover grade`. The panel reads the queue the
last grading run wrote and shows, for one question at a time:

* the answer, with no name: answers come in an anonymised order (a salted hash), labelled
  only "Answer 12 of 57", so a grader cannot tell whose work it is;
* the rubric beside it: one group of radio buttons per criterion, each level with its
  points and description ("not scored" clears it);
* a comment box.

Every choice is saved the moment it is made (`ManualScores`, a ResponseStore: atomic,
locked, never half-written), so closing the notebook, a kernel crash or another grader
working on the same folder loses nothing. Opening it again resumes at the first answer not
fully scored. All controls are standard ipywidgets with visible labels: Tab moves between
them, the arrow keys choose a level, Enter presses a button.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from diplomatic_cover.grading.manual_store import ManualScores, read_queue
from diplomatic_cover.pages.render import environment
from diplomatic_cover.safe_files import StoreError
from diplomatic_cover.widgets.choice import ChoiceGroup

NOT_SCORED = "not scored"


def _piece(name: str, *args: Any) -> str:
    """One piece of the panel from the template `pages/templates/rubric.html`."""
    return str(getattr(environment().get_template("rubric.html").module, name)(*args))


def _levels(criterion: dict[str, Any]) -> list[tuple[str, float | None]]:
    levels = criterion.get("levels") or []
    top = float(criterion["max_points"])
    if not levels:
        steps = int(top) if float(top).is_integer() and top <= 10 else 0
        levels = [{"points": float(p), "description": ""} for p in range(steps, -1, -1)]
    options: list[tuple[str, float | None]] = []
    for level in levels:
        points = float(level["points"])
        text = f"{points:g} of {top:g}"
        if level.get("description"):
            text += f": {level['description']}"
        options.append((text, points))
    options.append((NOT_SCORED, None))
    return options


class ManualGrader:
    """The panel's state and widgets; `panel` is what the notebook shows."""

    def __init__(self, out_dir: Path, question: str | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.queue = read_queue(self.out_dir)
        self.scores = ManualScores(self.out_dir)
        self.questions: dict[str, dict[str, Any]] = self.queue.get("questions", {})
        known = [q for q in self.queue.get("order", []) if q in self.questions]
        known += [q for q in self.questions if q not in known]
        order = [qid for qid in known if self._items(qid)] or known
        self.question = question if question in self.questions else (order[0] if order else "")
        self.position = 0
        self._loading = False

        self.chooser = widgets.Dropdown(
            options=[(f"{qid} · {self.questions[qid].get('title', '')}", qid) for qid in order],
            value=self.question or None,
            description="Question",
            layout=widgets.Layout(width="auto"),
        )
        self.previous = widgets.Button(description="◀ Previous", tooltip="Previous answer")
        self.next = widgets.Button(description="Next ▶", tooltip="Next answer")
        self.next_open = widgets.Button(
            description="Next not scored ▶▶", tooltip="Next answer not fully scored",
            button_style="primary",
        )  # fmt: skip
        self.where = widgets.HTML()
        self.prompt = widgets.HTML()
        self.answer = widgets.HTML(layout=widgets.Layout(width="55%"))
        self.rubric = widgets.VBox(layout=widgets.Layout(width="45%"))
        self.comment = widgets.Textarea(
            description="Comment",
            placeholder="Shown to the student on their feedback page",
            continuous_update=False,
            layout=widgets.Layout(width="100%", height="6em"),
        )
        self.status = widgets.HTML()
        self.criteria: dict[str, ChoiceGroup] = {}

        self.chooser.observe(self._on_question, names="value")
        self.previous.on_click(lambda _b: self.go(self.position - 1))
        self.next.on_click(lambda _b: self.go(self.position + 1))
        self.next_open.on_click(lambda _b: self.go(self.first_open(self.position + 1)))
        self.comment.observe(self._on_comment, names="value")

        self.panel = widgets.VBox(
            [
                widgets.HTML(_piece("heading")),
                self.chooser,
                widgets.HBox([self.previous, self.next, self.next_open, self.where]),
                self.prompt,
                widgets.HBox([self.answer, self.rubric]),
                self.comment,
                self.status,
            ]
        )
        self.panel.add_class("dc-manual-grading")
        self.go(self.first_open(0))

    # -- the queue ------------------------------------------------------------------------

    def _items(self, qid: str | None = None) -> list[dict[str, Any]]:
        qid = qid or self.question
        return [i for i in self.queue.get("items", []) if i.get("question") == qid]

    @property
    def current(self) -> dict[str, Any] | None:
        """The queue item on show (None when the question has no answers)."""
        items = self._items()
        return items[self.position] if 0 <= self.position < len(items) else None

    def is_scored(self, item: dict[str, Any]) -> bool:
        """Whether every criterion of this answer has points."""
        criteria = self.questions[item["question"]].get("criteria", [])
        saved = self.scores.scores(item["student"], item["question"])
        return all(c["id"] in saved for c in criteria)

    def first_open(self, start: int) -> int:
        """The first answer from `start` on (wrapping round) not fully scored."""
        items = self._items()
        for offset in range(len(items)):
            index = (start + offset) % len(items)
            if not self.is_scored(items[index]):
                return index
        return min(max(start, 0), max(len(items) - 1, 0))

    # -- showing an answer ----------------------------------------------------------------

    def go(self, position: int) -> None:
        """Show the answer at `position` (kept within the question's answers)."""
        items = self._items()
        self.position = min(max(position, 0), max(len(items) - 1, 0))
        item = self.current
        question = self.questions.get(self.question, {})
        scored = sum(1 for i in items if self.is_scored(i))
        self.where.value = _piece("where", self.position + 1 if item else 0, len(items), scored)
        self.prompt.value = _piece(
            "prompt",
            question.get("title", self.question),
            question.get("points", 0),
            question.get("prompt", ""),
        )
        self._loading = True
        try:
            if item is None:
                self.answer.value = _piece("no_answers")
                self.rubric.children = ()
                self.comment.value = ""
                return
            self.answer.value = _piece(
                "answer", item.get("answer", ""), self.position + 1, item.get("token", "")
            )
            saved = self.scores.scores(item["student"], self.question)
            boxes = []
            self.criteria = {}
            for criterion in question.get("criteria", []):
                score = saved.get(criterion["id"])
                radio = ChoiceGroup(
                    criterion.get("title", criterion["id"]),
                    _levels(criterion),
                    score.points if score is not None else None,
                )
                radio.observe(
                    lambda change, cid=criterion["id"]: self._on_score(cid, change["new"]),
                    names="value",
                )
                self.criteria[criterion["id"]] = radio
                boxes.append(radio)
            self.rubric.children = tuple(boxes)
            self.comment.value = self.scores.comment(item["student"], self.question)
            self.status.value = ""
        finally:
            self._loading = False

    # -- saving ---------------------------------------------------------------------------

    def _on_question(self, change: dict[str, Any]) -> None:
        self.question = change["new"]
        self.go(self.first_open(0))

    def _saved(self, what: str) -> None:
        self.status.value = _piece("saved", what)

    def _failed(self, error: Exception) -> None:
        self.status.value = _piece("failed", str(error))

    def _on_score(self, criterion: str, points: float | None) -> None:
        item = self.current
        if self._loading or item is None:
            return
        try:
            self.scores.save_points(
                item["student"], self.question, criterion, points, item["answer_sha256"]
            )
        except (StoreError, OSError) as error:
            self._failed(error)
            return
        self._saved(f"Score for {criterion}")
        items = self._items()
        scored = sum(1 for i in items if self.is_scored(i))
        self.where.value = _piece("where", self.position + 1, len(items), scored)

    def _on_comment(self, change: dict[str, Any]) -> None:
        item = self.current
        if self._loading or item is None:
            return
        try:
            self.scores.save_comment(
                item["student"], self.question, change["new"], item["answer_sha256"]
            )
        except (StoreError, OSError) as error:
            self._failed(error)
            return
        self._saved("Comment")


def open_manual_grading(out_dir: Path | str, question: str | None = None) -> Any:
    """The panel for grading written answers in `out_dir` (the `grade --out` folder)."""
    try:
        return ManualGrader(Path(out_dir), question).panel
    except FileNotFoundError:
        return widgets.HTML(_piece("not_graded_yet", str(out_dir)))
