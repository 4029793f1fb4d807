"""Manual scores for written answers, and the queue of answers waiting for a person.

Scores live in `<out>/manual/scores/`, a `ResponseStore` of the grader's own: one JSON
document per student per question, one entry per rubric criterion (plus the comment), each
saved the moment it is entered, with the store's guarantees (atomic replace, a lock that
works on network file systems, unreadable files set aside rather than lost). Grading runs
only ever read this folder, so grading again never overwrites a score.

Each score remembers the SHA-256 of the answer it was given for, so an answer that changed
afterwards (a late resubmission) is flagged instead of silently keeping the old score.

The queue (`<out>/manual/queue.json`) is rewritten by every grading run: the written answers
to score, in an anonymised order (a salted hash, the salt kept across runs so the order does
not change from one day to the next), with the rubric beside each question.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.grading.config import COMMENT_ID, Criterion
from diplomatic_cover.safe_files import atomic_write_bytes, file_lock

MANUAL_DIR = "manual"
SCORES_DIR = "scores"
QUEUE_FILE = "queue.json"
QUEUE_SCHEMA = "diplomatic-cover.manual-queue"


def answer_digest(text: str) -> str:
    """The SHA-256 of an answer's text, to notice an answer changed after it was scored."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Score:
    """What a grader entered for one criterion of one answer."""

    points: float | None
    answer_sha256: str = ""
    saved_at: str = ""


class ManualScores:
    """The grader's store of manual scores, keyed by (student, question, criterion)."""

    def __init__(self, out_dir: Path, *, snapshot: bool = False) -> None:
        """`snapshot`: for a grading run, which only reads: the students with any score are
        listed once, so the class's unscored answers cost no file look-ups."""
        self.folder = Path(out_dir) / MANUAL_DIR / SCORES_DIR
        self.store = ResponseStore(self.folder)
        self._scored = set(self.store.students()) if snapshot else None

    @staticmethod
    def _who(student: str) -> Student:
        # No name: the scores never need one, and the file then holds none.
        return Student(id=student, name="")

    def save_points(
        self, student: str, question: str, criterion: str, points: float | None, digest: str
    ) -> None:
        """Save the points for one criterion (None clears it) at once, durably."""
        value = {"points": None if points is None else float(points), "answer_sha256": digest}
        self.store.save_answer(self._who(student), question, criterion, value)

    def save_comment(self, student: str, question: str, text: str, digest: str) -> None:
        """Save the comment for one answer at once, durably."""
        value = {"text": str(text), "answer_sha256": digest}
        self.store.save_answer(self._who(student), question, COMMENT_ID, value)

    def entries(self, student: str, question: str) -> dict[str, dict[str, Any]]:
        """The saved entries of one answer by criterion id (COMMENT_ID for the comment)."""
        if self._scored is not None and student not in self._scored:
            return {}
        if not self.store.document_path(self._who(student), question).exists():
            return {}
        document = self.store.load(self._who(student), question)
        return {cid: entry for cid, entry in (document.get("answers") or {}).items()}

    def scores(self, student: str, question: str) -> dict[str, Score]:
        """The scores of one answer by criterion id (criteria never scored are absent)."""
        found = {}
        for cid, entry in self.entries(student, question).items():
            value = entry.get("value")
            if cid == COMMENT_ID or not isinstance(value, dict):
                continue
            points = value.get("points")
            if isinstance(points, int | float) and not isinstance(points, bool):
                found[cid] = Score(
                    float(points),
                    str(value.get("answer_sha256", "")),
                    str(entry.get("saved_at", "")),
                )
        return found

    def comment(self, student: str, question: str) -> str:
        """The comment saved for one answer ("" if none)."""
        entry = self.entries(student, question).get(COMMENT_ID) or {}
        value = entry.get("value")
        return str(value.get("text", "")) if isinstance(value, dict) else ""


@dataclass(frozen=True)
class ManualOutcome:
    """Where one written answer stands after reading the manual scores."""

    points: float | None
    complete: bool
    criteria: list[dict[str, Any]]
    comment: str
    changed: bool


def read_outcome(
    scores: ManualScores,
    student: str,
    question: str,
    criteria: Iterable[Criterion],
    item_points: float,
    digest: str,
) -> ManualOutcome:
    """Combine the criterion scores of one answer, scaled to the item's points."""
    criteria = list(criteria)
    saved = scores.scores(student, question)
    rows, got, out_of = [], 0.0, 0.0
    for criterion in criteria:
        score = saved.get(criterion.id)
        points = None if score is None else min(max(score.points or 0.0, 0.0), criterion.max_points)
        rows.append(
            {
                "id": criterion.id,
                "title": criterion.title,
                "points": points,
                "max_points": criterion.max_points,
            }
        )
        got += points or 0.0
        out_of += criterion.max_points
    complete = bool(criteria) and all(row["points"] is not None for row in rows)
    changed = any(s.answer_sha256 and s.answer_sha256 != digest for s in saved.values())
    scaled = round(item_points * got / out_of, 4) if out_of > 0 else 0.0
    return ManualOutcome(
        points=scaled if complete else None,
        complete=complete,
        criteria=rows,
        comment=scores.comment(student, question),
        changed=changed,
    )


# ---------------------------------------------------------------------------------------
# The queue


def _salt(path: Path) -> str:
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        salt = old.get("salt") if isinstance(old, dict) else None
        if isinstance(salt, str) and len(salt) >= 16:
            return salt
    except (OSError, ValueError):
        pass
    return secrets.token_hex(16)


def write_queue(
    out_dir: Path,
    answers: Iterable[tuple[str, str, str]],
    questions: dict[str, dict[str, Any]],
) -> Path:
    """Write the queue of written answers: (student, question id, text) triples.

    `questions` describes each question (title, prompt, points, rubric criteria). The order
    is by question, then by a salted hash of the student, so names and hand-in order give
    nothing away, and stays the same across runs.
    """
    folder = Path(out_dir) / MANUAL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / QUEUE_FILE
    with file_lock(path):
        salt = _salt(path)
        order = list(questions)
        items = [
            {
                "student": student,
                "question": qid,
                "answer": text,
                "answer_sha256": answer_digest(text),
                "token": hashlib.sha256(f"{salt}:{qid}:{student}".encode()).hexdigest()[:12],
            }
            for student, qid, text in answers
            if qid in questions
        ]
        items.sort(key=lambda i: (order.index(i["question"]), i["token"]))
        document = {
            "schema": QUEUE_SCHEMA,
            "salt": salt,
            "order": order,
            "questions": questions,
            "items": items,
        }
        data = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        atomic_write_bytes(path, data.encode("utf-8"))
    return path


def read_queue(out_dir: Path) -> dict[str, Any]:
    """The queue written by the last grading run (FileNotFoundError if there is none)."""
    path = Path(out_dir) / MANUAL_DIR / QUEUE_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("schema") != QUEUE_SCHEMA:
        raise ValueError(f"{path} is not a manual grading queue")
    return document
