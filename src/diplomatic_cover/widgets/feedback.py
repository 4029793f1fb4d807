"""`dc.feedback()`: the student's own returned feedback, in any notebook, on a JupyterHub.

The instructor returns each student's feedback page and scores to the course service
(`diplomatic-cover return-feedback`); the service gives each hub user only their own
(`api/me/feedback`: identity is the hub token, so no name typed here can reach anyone
else's). Off a hub, or before anything was returned, the cell says so plainly.

The page is shown in a sandboxed frame: the kit's feedback page has its own stylesheet,
which must not restyle JupyterLab, and nothing in it may run scripts in the student's
session. The scores are listed above it as a table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from diplomatic_cover.hub.client import CourseService, ServiceError
from diplomatic_cover.pages.fragments import esc, local_time

_FROM_ENVIRONMENT: Any = object()
MAX_SCORE_ROWS = 200
ROW_HEAD = "text-align:left;font-weight:normal;padding:2px 12px 2px 0"

NOT_ON_HUB = (
    "Feedback comes back here through the kit's course service on a JupyterHub, and this "
    "notebook is not running on one. Your instructor will return your feedback another way "
    "(through your course's learning platform, for instance)."
)
NONE_YET = (
    "No feedback has been returned to you yet. Once your instructor returns it, run this "
    "cell again to see it."
)


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value)
    return str(value)


def score_rows(scores: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(name, value) pairs of a scores mapping, nested names joined with " › "."""
    for key, value in scores.items():
        if isinstance(value, Mapping):
            yield from score_rows(value, f"{prefix}{key} › ")
        else:
            yield f"{prefix}{key}", _value(value)


def feedback_html(feedback: Mapping[str, Any]) -> str:
    """The returned feedback as HTML: when, the scores as a table, the page in a frame."""
    parts = ['<section class="dc-feedback" aria-label="Your feedback">']
    when = str(feedback.get("received_at") or "")
    stamp = f'<time datetime="{esc(when)}">{esc(local_time(when))}</time>' if when else ""
    parts.append(
        f"<p><strong>Your feedback</strong>{', returned at ' + stamp if stamp else ''}.</p>"
    )
    scores = feedback.get("scores")
    rows = list(score_rows(scores))[:MAX_SCORE_ROWS] if isinstance(scores, Mapping) else []
    if rows:
        body = "".join(
            f'<tr><th scope="row" style="{ROW_HEAD}">{esc(name)}</th>'
            f'<td style="padding:2px 0">{esc(value)}</td></tr>'
            for name, value in rows
        )
        parts.append(
            '<table class="dc-feedback-scores" style="border-collapse:collapse;margin:4px 0 10px">'
            '<caption style="text-align:left;font-weight:600">Scores</caption>'
            f"<tbody>{body}</tbody></table>"
        )
    page = feedback.get("page")
    if isinstance(page, str) and page.strip():
        # Sandboxed: no scripts, forms or navigation of the notebook; same origin only so the
        # status line's script can size the frame to the page (static/status.js).
        parts.append(
            f'<iframe title="Your feedback page" sandbox="allow-same-origin" data-fit="" '
            f'srcdoc="{esc(page)}" style="width:100%;height:600px;border:1px solid #ccc">'
            "</iframe>"
        )
    parts.append("</section>")
    return "".join(parts)


def _note(text: str) -> str:
    return f'<div class="dc-feedback" role="status"><p>{esc(text)}</p></div>'


def feedback_message(service: CourseService | None) -> str:
    """The HTML `dc.feedback()` shows: the feedback, or why there is none to show."""
    if service is None:
        return _note(NOT_ON_HUB)
    try:
        returned = service.my_feedback()
    except ServiceError as error:
        return _note(f"Your feedback could not be fetched: {error} Run this cell again later.")
    except ValueError:
        return _note("The course service's reply could not be read. Run this cell again later.")
    if not returned:
        return _note(NONE_YET)
    return feedback_html(returned)


def feedback(*, service: CourseService | None = _FROM_ENVIRONMENT) -> Any:
    """Show the feedback your instructor returned to you (yours only), or say why there is none."""
    from diplomatic_cover.widgets.status import StatusLine

    if service is _FROM_ENVIRONMENT:
        service = CourseService.on_this_hub()
    return StatusLine(value=feedback_message(service))
