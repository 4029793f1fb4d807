"""A student's answers as one self-contained HTML page, built from the answer store.

A notebook exported with nbconvert cannot serve as the record of what a student answered:
the question widgets are drawn by JavaScript fetched from the web, and the exported page
shows them empty, without the typed values. The store holds every answer, so the report is
built from the store and the catalogue instead: one HTML file with inline CSS, no scripts,
and nothing loaded from anywhere (a Content-Security-Policy in the page forbids it), so it
opens the same on an instructor's laptop offline, years later.

Every question of the kit is listed, answered or not, so a gap is visible rather than
silently absent; a table of contents leads to one folded section per notebook, and recorded
checks read as one line each ("coverage_share on 3 test inputs: ..."), not raw JSON. The page
is the template `pages/templates/report.html`; this module only gathers the data. Everything
a student typed is escaped by the template: an answer containing `<script>` is shown as text,
never run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from diplomatic_cover.answers.catalogue import (
    CONFIDENCE_LABELS,
    Catalogue,
    Question,
    format_answer,
    load_catalogue,
)
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.numbers import typed_text
from diplomatic_cover.answers.recorded import summarise
from diplomatic_cover.answers.state import (
    INVALID,
    NOT_ANSWERED,
    Documents,
    answer_state,
    load_documents,
    notebook_progress,
    notebook_title,
    read_now,
)
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.pages.render import CONTENT_SECURITY_POLICY, markdown, render, stylesheet

__all__ = ["CONTENT_SECURITY_POLICY", "CSS", "answer_view", "build_report"]

#: The pages' stylesheet (`pages/templates/kit.css`), under its old name.
CSS = stylesheet()

STATE_CLASS = {NOT_ANSWERED: "not-answered", INVALID: "invalid"}


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, indent=1)
    except (TypeError, ValueError):
        return repr(value)


def _range_text(question: Question) -> str:
    if question.minimum is None or question.maximum is None:
        return ""
    return f"{question.minimum:g} to {question.maximum:g} {question.unit}".strip()


def _value_view(question: Question, entry: Mapping[str, Any]) -> dict[str, Any]:
    """The answer's pieces for its question type; raises on a value of the wrong shape."""
    value = entry.get("value")
    kind = question.type
    if kind == "text":
        return {"kind": "text", "text": str(value), "words": len(str(value).split())}
    if kind == "short_text":
        return {"kind": "short_text", "text": str(value)}
    if kind == "single":
        return {"kind": "plain", "text": question.option_label(str(value))}
    if kind in ("multiple", "ranking"):
        if not isinstance(value, list):
            raise TypeError("expected a list of option ids")
        labels = [question.option_label(str(v)) for v in value]
        return {"kind": "ranking" if kind == "ranking" else "list", "labels": labels}
    if kind == "classify":
        if not isinstance(value, dict):
            raise TypeError("expected statement ids mapped to label ids")
        statements = [s.id for s in question.statements]
        order = statements + [s for s in value if s not in statements]
        rows = [
            (
                question.option_label(statement),
                None
                if value.get(statement) is None
                else question.option_label(str(value[statement])),
            )
            for statement in order
        ]
        return {"kind": "classify", "rows": rows}
    if kind == "scale":
        point = int(value["point"])
        confidence = value.get("confidence")
        if not 1 <= point <= question.scale_points or not (
            not confidence or 1 <= int(confidence) <= len(CONFIDENCE_LABELS)
        ):
            raise ValueError("point or confidence outside the scale")
        return {"kind": "plain", "text": format_answer(question, value)}
    if kind == "number":
        raw = typed_text(entry).strip()
        number = value.get("number")
        plain = "" if number is None else f"{number:g}"
        return {
            "kind": "number",
            "raw": raw,
            "number": number,
            "plain": plain,
            "shown": f"{plain} {question.unit}".strip(),
            "valid": entry.get("valid", True) is not False,
            "range": _range_text(question),
        }
    return {"kind": "plain", "text": format_answer(question, value)}


def answer_view(question: Question | None, entry: Mapping[str, Any] | None) -> dict | None:
    """What the templates show of one saved answer (None: not answered).

    A value of an unexpected shape (an older kit, a hand-edited file) is shown as saved, as
    text, rather than dropped.
    """
    entry = read_now(question, entry)  # an old "2,5" saved as 25 shows as 2.5
    state = answer_state(question, entry)
    if state == NOT_ANSWERED or entry is None:
        return None
    try:
        if question is None:
            raise TypeError("question not in the catalogue")
        view = _value_view(question, entry)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        view = {"kind": "raw", "text": _json(entry.get("value"))}
    raw = entry.get("raw")
    shown_already = question is not None and question.type == "number"
    view["invalid"] = state == INVALID
    view["typed"] = str(raw) if raw and state == INVALID and not shown_already else ""
    view["saved_at"] = str(entry.get("saved_at") or "")
    return view


def _question_view(question: Question, entry: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "id": question.id,
        "title": question.title,
        "kind": question.type,
        "points": question.points,
        "prompt": markdown(question.prompt),
        "state": STATE_CLASS.get(answer_state(question, entry), "answered"),
        "answer": answer_view(question, entry),
    }


def _unknown_views(answers: Mapping[str, Any], catalogue: Catalogue) -> list[dict[str, Any]]:
    """Answers to ids the catalogue no longer has (an older kit): kept, shown as saved."""
    views = []
    for qid in sorted(set(answers) - set(catalogue)):
        entry = answers[qid]
        if answer_state(None, entry) != NOT_ANSWERED:
            views.append({"id": qid, "answer": answer_view(None, entry)})
    return views


def _check_views(checks: Mapping[str, Any]) -> list[dict[str, Any]]:
    views = []
    for check_id, entry in checks.items():
        entry = entry if isinstance(entry, Mapping) else {"value": entry}
        views.append(
            {
                "id": check_id,
                "passed": entry.get("passed"),
                "summary": summarise(entry.get("value"), limit=400),
                "saved_at": str(entry.get("saved_at") or ""),
            }
        )
    return views


def _section_id(notebook: str) -> str:
    return f"nb-{notebook}"


def build_report(
    student: Student,
    store: ResponseStore | None = None,
    catalogue: Catalogue | None = None,
    *,
    documents: Documents | None = None,
    generated_at: datetime | None = None,
) -> str:
    """One self-contained HTML page of all the student's answers, for handing in.

    `documents` (from `answers.state.load_documents`) lets a caller that already read the store
    (the submission) show exactly what it packed; by default the store is read here.
    """
    catalogue = catalogue if catalogue is not None else load_catalogue()
    if documents is None:
        documents = load_documents(student, store)
    generated_at = (generated_at or datetime.now().astimezone()).astimezone()
    progress = notebook_progress(documents, catalogue)
    notebooks = []
    for nb in progress:
        document = documents.get(nb.notebook) or {}
        answers = document.get("answers") or {}
        notebooks.append(
            {
                "name": nb.notebook,
                "anchor": _section_id(nb.notebook),
                "title": notebook_title(nb.notebook),
                "answered": nb.answered,
                "total": nb.total,
                "extra": False,
                "questions": [
                    _question_view(q.question, answers.get(q.question.id)) for q in nb.questions
                ],
                "unknown": _unknown_views(answers, catalogue),
                "checks": _check_views(document.get("checks") or {}),
            }
        )
    for name in sorted(documents):
        if name in catalogue.notebooks():
            continue
        document = documents[name]
        notebooks.append(
            {
                "name": name,
                "anchor": _section_id(name),
                "title": notebook_title(name),
                "answered": 0,
                "total": 0,
                "extra": True,
                "questions": [],
                "unknown": _unknown_views(document.get("answers") or {}, catalogue),
                "checks": _check_views(document.get("checks") or {}),
            }
        )
    return render(
        "report.html",
        student=student,
        generated_at=generated_at.isoformat(timespec="seconds"),
        generated_date=f"{generated_at:%Y-%m-%d}",
        answered=sum(nb.answered for nb in progress),
        total=sum(nb.total for nb in progress),
        notebooks=notebooks,
    )
