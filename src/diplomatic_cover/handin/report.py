"""A student's answers as one self-contained HTML page, built from the answer store.

A notebook exported with nbconvert cannot serve as the record of what a student answered:
the question widgets are drawn by JavaScript fetched from the web, and the exported page
shows them empty, without the typed values. The store holds every answer, so the report is
built from the store and the catalogue instead: one HTML file with inline CSS, no scripts,
and nothing loaded from anywhere (a Content-Security-Policy in the page forbids it), so it
opens the same on an instructor's laptop offline, years later.

Every question of the kit is listed, answered or not, so a gap is visible rather than
silently absent. Everything a student typed is escaped: an answer containing `<script>` is
shown as text, never run.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from diplomatic_cover._version import __version__
from diplomatic_cover.answers.catalogue import (
    CONFIDENCE_LABELS,
    Catalogue,
    Question,
    format_answer,
    load_catalogue,
    render_markdown,
)
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.state import (
    ANSWERED,
    INVALID,
    NOT_ANSWERED,
    Documents,
    answer_state,
    load_documents,
    notebook_progress,
    notebook_title,
)
from diplomatic_cover.answers.store import ResponseStore

# Nothing may be fetched: no fonts, images, stylesheets, scripts or frames.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
       sans-serif; color: #1b1b1b; background: #fff; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #444; padding-bottom: 0.2rem;
     margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
.meta, .byline { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
th { background: #f0f0f0; }
.question { border: 1px solid #ccc; border-left: 6px solid #2e7d32; border-radius: 4px;
            padding: 0.8rem 1rem; margin: 1rem 0; page-break-inside: avoid; }
.question.not-answered { border-left-color: #9e9e9e; background: #fafafa; }
.question.invalid { border-left-color: #c62828; }
.qid { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem;
       color: #555; margin-right: 0.4rem; }
.prompt { margin-bottom: 0.6rem; }
.prompt p { margin: 0.3rem 0; }
.answer { background: #f5f8ff; border-radius: 4px; padding: 0.5rem 0.8rem; }
.answer-label { font-weight: bold; margin-right: 0.3rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.2rem 0; }
.missing { font-style: italic; color: #555; margin: 0; }
.badge { display: inline-block; font-size: 0.8rem; font-weight: bold; padding: 0 0.4rem;
         border-radius: 3px; border: 1px solid currentColor; margin-left: 0.3rem; }
.badge.invalid, .failed { color: #b71c1c; }
.badge.not-answered { color: #555; }
.passed { color: #1b5e20; }
pre.raw { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.2rem 0; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def esc(text: object) -> str:
    """Text made safe to place in HTML (content or attribute)."""
    return html.escape(str(text), quote=True)


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, indent=1)
    except (TypeError, ValueError):
        return repr(value)


def _when(stamp: object) -> str:
    """A saved-at stamp ("2026-11-27T10:42:05.123Z") as readable UTC time."""
    text = str(stamp or "")
    try:
        moment = datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return esc(text)
    return f'<time datetime="{esc(text)}">{moment:%Y-%m-%d %H:%M} UTC</time>'


def _range_text(question: Question) -> str:
    if question.minimum is None or question.maximum is None:
        return ""
    return f"{question.minimum:g} to {question.maximum:g} {question.unit}".strip()


def _value_html(question: Question, entry: Mapping[str, Any]) -> str:
    """The answer formatted for its question type; raises on a value of the wrong shape."""
    value = entry.get("value")
    kind = question.type
    if kind == "text":
        words = len(str(value).split())
        return (
            f'<div class="text">{esc(value)}</div>'
            f'<p class="meta">{words} word{"" if words == 1 else "s"}</p>'
        )
    if kind == "short_text":
        return f'<p class="text">{esc(value)}</p>'
    if kind == "single":
        return f"<p>{esc(question.option_label(str(value)))}</p>"
    if kind in ("multiple", "ranking"):
        if not isinstance(value, list):
            raise TypeError("expected a list of option ids")
        tag = "ol" if kind == "ranking" else "ul"
        items = "".join(f"<li>{esc(question.option_label(str(v)))}</li>" for v in value)
        return f"<{tag}>{items}</{tag}>"
    if kind == "classify":
        if not isinstance(value, dict):
            raise TypeError("expected statement ids mapped to label ids")
        statements = [s.id for s in question.statements]
        order = statements + [s for s in value if s not in statements]
        rows = []
        for statement in order:
            label = value.get(statement)
            placed = (
                esc(question.option_label(str(label)))
                if label is not None
                else '<span class="missing">not placed</span>'
            )
            rows.append(
                f"<tr><td>{esc(question.option_label(statement))}</td><td>{placed}</td></tr>"
            )
        return (
            '<table><thead><tr><th scope="col">Statement</th><th scope="col">Placed under</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    if kind == "scale":
        point = int(value["point"])
        confidence = value.get("confidence")
        if not 1 <= point <= question.scale_points or not (
            not confidence or 1 <= int(confidence) <= len(CONFIDENCE_LABELS)
        ):
            raise ValueError("point or confidence outside the scale")
        return f"<p>{esc(format_answer(question, value))}</p>"
    if kind == "number":
        raw = str(entry.get("raw") or value.get("raw") or "").strip()
        number = value.get("number")
        if number is None:
            return f"<p>“{esc(raw)}” (not a number)</p>"
        if entry.get("valid", True) is False:
            return (
                f"<p>{esc(f'{number:g} {question.unit}'.strip())} "
                f"(typed as “{esc(raw)}”; allowed: {esc(_range_text(question))})</p>"
            )
        return f"<p>{esc(format_answer(question, value))}</p>"
    return f"<p>{esc(format_answer(question, value))}</p>"


def answer_html(question: Question | None, entry: Mapping[str, Any] | None) -> str:
    """The answer block of one question: formatted value, invalid marker, saved time."""
    state = answer_state(question, entry)
    if state == NOT_ANSWERED or entry is None:
        return '<p class="missing">not answered</p>'
    try:
        if question is None:
            raise TypeError("question not in the catalogue")
        body = _value_html(question, entry)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        # A value of an unexpected shape: show it as saved, rather than nothing.
        body = f'<pre class="raw">{esc(_json(entry.get("value")))}</pre>'
    marker = ""
    if state == INVALID:
        raw = entry.get("raw")
        shown_already = question is not None and question.type == "number"
        typed = f" The text as typed: “{esc(raw)}”." if raw and not shown_already else ""
        marker = (
            '<p><span class="badge invalid">invalid</span> '
            f"Saved as typed, but not a valid answer.{typed}</p>"
        )
    saved = entry.get("saved_at")
    when = f'<p class="meta">Saved {_when(saved)}</p>' if saved else ""
    return (
        f'<div class="answer"><span class="answer-label">Answer:</span>{body}</div>{marker}{when}'
    )


def _question_html(question: Question, entry: Mapping[str, Any] | None) -> str:
    state = answer_state(question, entry)
    css = {ANSWERED: "", INVALID: " invalid", NOT_ANSWERED: " not-answered"}[state]
    badge = ""
    if state == NOT_ANSWERED:
        badge = '<span class="badge not-answered">not answered</span>'
    elif state == INVALID:
        badge = '<span class="badge invalid">invalid</span>'
    points = f'<span class="meta"> · {question.points:g} point(s)</span>' if question.points else ""
    return (
        f'<article class="question{css}" id="q-{esc(question.id)}">'
        f'<h3><span class="qid">{esc(question.id)}</span>{esc(question.title)}{badge}</h3>'
        f'<p class="meta">{esc(question.type.replace("_", " "))} question{points}</p>'
        f'<div class="prompt">{render_markdown(question.prompt)}</div>'
        f"{answer_html(question, entry)}</article>"
    )


def _unknown_answers_html(answers: Mapping[str, Any], catalogue: Catalogue) -> str:
    """Answers to ids the catalogue no longer has (an older kit): kept, shown raw."""
    rows = []
    for qid in sorted(set(answers) - set(catalogue)):
        entry = answers[qid]
        if answer_state(None, entry) == NOT_ANSWERED:
            continue
        rows.append(
            f'<article class="question" id="q-{esc(qid)}"><h3><span class="qid">{esc(qid)}'
            "</span>(not in this kit's catalogue)</h3>"
            f"{answer_html(None, entry)}</article>"
        )
    return "".join(rows)


def _checks_html(checks: Mapping[str, Any]) -> str:
    if not checks:
        return ""
    rows = []
    for check_id, entry in checks.items():
        entry = entry if isinstance(entry, Mapping) else {"value": entry}
        passed = entry.get("passed")
        result = {
            True: '<span class="passed">passed</span>',
            False: '<span class="failed">not passed</span>',
        }.get(passed, "not marked")
        value = entry.get("value")
        shown = value if isinstance(value, str) else _json(value)
        rows.append(
            f"<tr><td><code>{esc(check_id)}</code></td><td>{result}</td>"
            f'<td><pre class="raw">{esc(shown)}</pre></td>'
            f"<td>{_when(entry.get('saved_at'))}</td></tr>"
        )
    return (
        '<h3>Recorded checks</h3><table><thead><tr><th scope="col">Check</th>'
        '<th scope="col">Result</th><th scope="col">Value</th><th scope="col">Saved</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


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
    generated_at = (generated_at or datetime.now(UTC)).astimezone(UTC)
    notebooks = notebook_progress(documents, catalogue)
    answered = sum(nb.answered for nb in notebooks)
    total = sum(nb.total for nb in notebooks)
    extra = [nb for nb in sorted(documents) if nb not in catalogue.notebooks()]

    summary_rows = []
    for nb in notebooks:
        checks = (documents.get(nb.notebook) or {}).get("checks") or {}
        summary_rows.append(
            f'<tr><td><a href="#{esc(_section_id(nb.notebook))}">'
            f"{esc(notebook_title(nb.notebook))}</a></td>"
            f"<td>answered {nb.answered} of {nb.total}</td><td>{len(checks) or ''}</td></tr>"
        )
    for notebook in extra:
        checks = documents[notebook].get("checks") or {}
        summary_rows.append(
            f'<tr><td><a href="#{esc(_section_id(notebook))}">{esc(notebook_title(notebook))}'
            f"</a></td><td>(no catalogue questions)</td><td>{len(checks) or ''}</td></tr>"
        )
    if answered:
        headline = f"Answered {answered} of {total} questions."
    else:
        headline = (
            f"Nothing answered yet: 0 of {total} questions have a saved answer "
            f"for {esc(student.name)}."
        )

    sections = []
    for nb in notebooks:
        document = documents.get(nb.notebook) or {}
        answers = document.get("answers") or {}
        questions = "".join(
            _question_html(q.question, answers.get(q.question.id)) for q in nb.questions
        )
        sections.append(
            f'<section id="{esc(_section_id(nb.notebook))}">'
            f"<h2>{esc(notebook_title(nb.notebook))}</h2>"
            f'<p class="meta">Notebook <code>{esc(nb.notebook)}.ipynb</code>: '
            f"answered {nb.answered} of {nb.total}.</p>"
            f"{questions}{_unknown_answers_html(answers, catalogue)}"
            f"{_checks_html(document.get('checks') or {})}</section>"
        )
    for notebook in extra:
        document = documents[notebook]
        sections.append(
            f'<section id="{esc(_section_id(notebook))}">'
            f"<h2>{esc(notebook_title(notebook))}</h2>"
            f'<p class="meta">Notebook <code>{esc(notebook)}.ipynb</code>.</p>'
            f"{_unknown_answers_html(document.get('answers') or {}, catalogue)}"
            f"{_checks_html(document.get('checks') or {})}</section>"
        )

    date = f"{generated_at:%Y-%m-%d}"
    title = f"Answers of {student.name}, {date}: Diplomatic Cover"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="diplomatic-cover ' + esc(__version__) + '">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Answers of {esc(student.name)}</h1>"
        f'<p class="byline">Student id <code>{esc(student.id)}</code> · built '
        f'<time datetime="{generated_at:%Y-%m-%dT%H:%M:%SZ}">{generated_at:%Y-%m-%d %H:%M} UTC'
        f"</time> · Diplomatic Cover kit {esc(__version__)}</p></header>"
        f'<main><section aria-labelledby="summary"><h2 id="summary">Summary</h2>'
        f"<p>{headline}</p>"
        '<table><thead><tr><th scope="col">Notebook</th><th scope="col">Questions</th>'
        f'<th scope="col">Checks recorded</th></tr></thead><tbody>{"".join(summary_rows)}'
        "</tbody></table></section>"
        f"{''.join(sections)}</main></body></html>\n"
    )
