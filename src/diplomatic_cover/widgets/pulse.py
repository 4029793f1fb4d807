"""`dc.pulse("06.rank-options")`: the room's live answers on the projector, refreshed in place.

The instructor runs one cell; the view asks the course service for the question's pooled
distribution every few seconds, on a background thread, and redraws only when something
changed, so the cell never has to be run again. Nothing is drawn below the service's
minimum group (5): the view says how many answers it is waiting for.

What is drawn, by question type (the service's `hub.pulse.aggregate` computes it):
single and multiple choice, the share choosing each option; a scale, a histogram of the
points and the mean; a number, ten bins, the median and the quartiles; a ranking, the
share ranking each option first and a Borda count (k-1 points for a first place, down to 0
for the last).

The drawing is plain HTML (tables with bars; every figure is also written as text, so a
screen reader and a far row of seats read the same numbers), built by `render_pulse` from
the service's reply: no widget is needed to test it. The refresh is `Refresher`, which the
view stops when it is closed, when the instructor presses Stop, or when the same question
is shown again in a newer view.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import ipywidgets as widgets

from diplomatic_cover.answers.catalogue import CONFIDENCE_LABELS, load_catalogue, render_markdown
from diplomatic_cover.hub.client import CourseService, ServiceError
from diplomatic_cover.pages.fragments import esc, local_time

REFRESH_SECONDS = 3.0
REQUEST_TIMEOUT_SECONDS = 10.0
_FROM_ENVIRONMENT: Any = object()

STYLE = """<style>
.dc-pulse-view { font-family: var(--jp-ui-font-family, sans-serif); max-width: 52em;
  color: var(--jp-ui-font-color0, #111); }
.dc-pulse-view h3 { font-size: 1.1em; margin: 0.6em 0 0.3em; }
.dc-pulse-prompt { font-size: 1.15em; margin-bottom: 0.4em; }
.dc-pulse-count { font-size: 1.05em; font-weight: 600; margin: 0.3em 0; }
.dc-pulse-waiting { font-size: 1.3em; margin: 0.8em 0; }
.dc-pulse-table { border-collapse: collapse; width: 100%; margin: 0.3em 0 0.8em; }
.dc-pulse-table caption { text-align: left; font-weight: 600; padding: 0.2em 0; }
.dc-pulse-table th, .dc-pulse-table td { padding: 0.25em 0.5em; text-align: left;
  vertical-align: middle; font-size: 1.05em; }
.dc-pulse-table th[scope="row"] { font-weight: normal; width: 40%; }
.dc-pulse-table td.dc-num { white-space: nowrap; width: 7em; text-align: right; }
.dc-pulse-track { background: var(--jp-layout-color2, #eee); height: 1.1em; width: 100%; }
.dc-pulse-bar { background: #0072b2; height: 100%; }
.dc-pulse-note { font-size: 0.95em; color: var(--jp-ui-font-color1, #333); }
.dc-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>"""


# ---------------------------------------------------------------------------------------
# Drawing the distribution


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _number(value: float) -> str:
    return f"{value:,.4g}"


def _bar_table(caption: str, head: str, rows: Sequence[tuple[str, str, float]]) -> str:
    """A table of (label, figure as text, bar length 0..1) rows, bars hidden from readers."""
    body = "".join(
        f'<tr><th scope="row">{esc(label)}</th><td class="dc-num">{esc(figure)}</td>'
        f'<td><div class="dc-pulse-track" aria-hidden="true"><div class="dc-pulse-bar" '
        f'style="width:{100 * max(0.0, min(1.0, length)):.1f}%"></div></div></td></tr>'
        for label, figure, length in rows
    )
    return (
        f'<table class="dc-pulse-table"><caption>{esc(caption)}</caption>'
        f'<thead><tr><th scope="col">{esc(head)}</th><th scope="col">Answers</th>'
        f'<th scope="col"><span class="dc-sr-only">Bar</span></th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _shares(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, float]]:
    return [
        (row["label"], f"{_percent(row['share'])} ({row['count']})", row["share"]) for row in rows
    ]


def _draw_choices(result: Mapping[str, Any]) -> str:
    n = result["n"]
    if result["question"]["type"] == "multiple":
        caption = (
            f"Share of the {n} who answered choosing each option (each could tick several, "
            "so the shares can add up to more than 100%)"
        )
    else:
        caption = f"Share of the {n} who answered choosing each option"
    return _bar_table(caption, "Option", _shares(result["options"]))


def _draw_scale(result: Mapping[str, Any]) -> str:
    labels = result["question"].get("scale_labels") or []
    parts = [
        _bar_table(
            "How the room answered",
            "Point on the scale",
            [
                (
                    f"{p['point']} · {p['label']}",
                    f"{_percent(p['share'])} ({p['count']})",
                    p["share"],
                )
                for p in result["points"]
            ],
        )
    ]
    if labels:
        parts.append(
            f'<p class="dc-pulse-note">Mean {esc(_number(result["mean"]))} on a scale from 1 '
            f"({esc(labels[0])}) to {len(labels)} ({esc(labels[-1])}).</p>"
        )
    rated = result.get("confidence")
    if rated:
        total = sum(row["count"] for row in rated) or 1
        parts.append(
            _bar_table(
                "How sure they were (of those who said)",
                "Confidence",
                [
                    (
                        CONFIDENCE_LABELS[row["confidence"] - 1],
                        f"{row['count']}",
                        row["count"] / total,
                    )
                    for row in rated
                ],
            )
        )
    return "".join(parts)


def _draw_number(result: Mapping[str, Any]) -> str:
    n = result["n"]
    unit = result.get("unit") or result["question"].get("unit") or ""
    suffix = f" {unit}" if unit else ""
    rows = [
        (
            f"{_number(b['low'])}–{_number(b['high'])}{suffix}",
            f"{b['count']}",
            b["count"] / n,
        )
        for b in result["bins"]
    ]
    q1, q3 = result["quartiles"]
    return _bar_table(f"The {n} answers in ten equal ranges", "Range", rows) + (
        f'<p class="dc-pulse-note">Median {esc(_number(result["median"]))}{esc(suffix)}; '
        f"half the answers lie between {esc(_number(q1))} and {esc(_number(q3))}.</p>"
    )


def _draw_ranking(result: Mapping[str, Any]) -> str:
    n = result["n"]
    size = len(result["borda"])
    most = n * max(size - 1, 1)
    firsts = _bar_table(
        f"Ranked first: share of the {n} rankings", "Option", _shares(result["first_choice"])
    )
    borda = _bar_table(
        f"Borda count: {size - 1} points for a first place, 1 fewer for each place below, "
        f"0 for the last (at most {most}); highest first",
        "Option",
        [
            (
                row["label"],
                f"{row['points']} points (mean rank {row['mean_rank']:g})",
                row["points"] / most,
            )
            for row in result["borda"]
        ],
    )
    return firsts + borda


_DRAWERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "single": _draw_choices,
    "multiple": _draw_choices,
    "scale": _draw_scale,
    "number": _draw_number,
    "ranking": _draw_ranking,
}


def waiting_text(result: Mapping[str, Any]) -> str:
    """ "Waiting for 5 answers: 3 so far." (the service's count when it gives one)."""
    minimum = result.get("min_group", 5)
    if isinstance(result.get("n"), int):
        return f"Waiting for {minimum} answers: {result['n']} so far."
    return str(result.get("message") or f"Waiting for {minimum} answers.")


def render_pulse(result: Mapping[str, Any], prompt_html: str = "") -> str:
    """The HTML of one question's pulse, from the service's reply (`hub.pulse.aggregate`).

    `prompt_html` is the question's prompt, already rendered by the kit (escaped Markdown).
    Below the minimum group only the number of answers so far is shown.
    """
    question = result.get("question") or {}
    heading = (
        f'<div class="dc-pulse-prompt">{prompt_html}</div>'
        if prompt_html
        else f"<h3>{esc(question.get('title') or question.get('id', 'Class pulse'))}</h3>"
    )
    label = esc(f"Class pulse: {question.get('id', '')}")
    if not result.get("shown"):
        body = f'<p class="dc-pulse-waiting">{esc(waiting_text(result))}</p>'
    else:
        drawer = _DRAWERS.get(question.get("type", ""))
        if drawer is None:
            body = f"<p>The kit cannot draw a {esc(question.get('type'))} question.</p>"
        else:
            n = result["n"]
            count = f'<p class="dc-pulse-count">{n} answer{"" if n == 1 else "s"}</p>'
            body = count + drawer(result)
    return f'{STYLE}<section class="dc-pulse-view" aria-label="{label}">{heading}{body}</section>'


# ---------------------------------------------------------------------------------------
# Refreshing


class Refresher:
    """Calls `fetch` every `every` seconds on a daemon thread and passes the reply to `show`.

    A failed fetch goes to `failed` (and the loop carries on: the service may be back next
    time). `stop()` ends the loop; it returns once the thread has finished (unless called
    from that thread), so nothing is shown after it.
    """

    def __init__(
        self,
        fetch: Callable[[], Any],
        show: Callable[[Any], None],
        failed: Callable[[Exception], None],
        every: float = REFRESH_SECONDS,
    ) -> None:
        self.fetch, self.show, self.failed, self.every = fetch, show, failed, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._show_lock = threading.RLock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def refresh(self) -> None:
        """Fetch and show once, now (in the calling thread)."""
        failure: Exception | None = None
        try:
            reply = self.fetch()
        except Exception as error:  # any failure: say so, and try again next time
            failure, reply = error, None
        with self._show_lock:
            if self._stop.is_set():
                return
            if failure is not None:
                self.failed(failure)
            else:
                self.show(reply)

    def start(self) -> None:
        if self.running or self._stop.is_set():
            return
        self._thread = threading.Thread(target=self._loop, name="diplomatic-cover-pulse-view")
        self._thread.daemon = True
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.refresh()

    def stop(self, timeout: float = REQUEST_TIMEOUT_SECONDS + 1) -> None:
        self._stop.set()
        with self._show_lock:  # a refresh in progress finishes showing first; none after
            pass
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)


# ---------------------------------------------------------------------------------------
# The view


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _message(text: str) -> Any:
    return widgets.HTML(f'<div class="dc-pulse-view" role="status"><p>{esc(text)}</p></div>')


class PulseView(widgets.VBox):
    """The live view: the drawing, a status line and a Stop button; closing it stops it."""

    def __init__(
        self, question_id: str, service: CourseService, prompt_html: str, every: float
    ) -> None:
        from diplomatic_cover.widgets.status import StatusLine

        self.question_id = question_id
        self.chart = widgets.HTML()
        self.status = StatusLine()
        self.stop_button = widgets.Button(description="Stop refreshing")
        super().__init__([self.chart, self.status, self.stop_button])
        self.add_class("dc-pulse")
        self.prompt_html = prompt_html
        self.every = every
        self.refresher = Refresher(
            lambda: service.pulse(question_id), self._show, self._failed, every
        )
        self.stop_button.on_click(
            lambda _button: self.stop("Stopped. Run the cell again to restart.")
        )

    def _status(self, text: str, when: str = "") -> None:
        body = esc(text)
        if when:
            stamp = local_time(when, seconds=True)
            body = body.replace(
                "{when}",
                f'<time datetime="{esc(when)}" data-precision="seconds">{esc(stamp)}</time>',
                1,
            )
        self.status.value = f'<div class="dc-pulse-note" role="status">{body}</div>'

    def _show(self, reply: Mapping[str, Any]) -> None:
        drawn = render_pulse(reply, self.prompt_html)
        if drawn != self.chart.value:  # redraw only on change: no flicker, fewer messages
            self.chart.value = drawn
        self._status(f"Live: checked every {self.every:g} seconds, last at {{when}}.", _now_iso())

    def _failed(self, error: Exception) -> None:
        reason = str(error) if isinstance(error, ServiceError) else type(error).__name__
        self._status(f"Could not refresh at {{when}} ({reason}); trying again.", _now_iso())

    def start(self) -> PulseView:
        self.refresher.refresh()  # the first drawing now, not in a few seconds
        self.refresher.start()
        return self

    def stop(self, why: str = "") -> None:
        self.refresher.stop()
        self.stop_button.disabled = True
        if why:
            self._status(why)
        if _live.get(self.question_id) is self:
            del _live[self.question_id]

    def close(self) -> None:
        self.stop()
        super().close()


_live: dict[str, PulseView] = {}  # question id -> the view refreshing it in this kernel


def pulse(
    question_id: str,
    *,
    every: float = REFRESH_SECONDS,
    service: CourseService | None = _FROM_ENVIRONMENT,
) -> Any:
    """Show the class's live answers to a poolable question, refreshed every `every` seconds.

    For the projector: run it once and leave it. Nothing is drawn below 5 answers. Showing
    the same question again stops the older view, so re-running the cell is safe.
    """
    catalogue = load_catalogue()
    question = catalogue.get(question_id)
    if question is None or not question.poolable:
        poolable = ", ".join(q.id for q in catalogue.values() if q.poolable)
        return _message(
            f"{question_id} is not a question the live pulse pools. The poolable ones: {poolable}."
        )
    if service is _FROM_ENVIRONMENT:
        service = CourseService.on_this_hub()
    if service is None:
        return _message(
            "The live pulse needs the kit's course service on a JupyterHub, and this notebook "
            "is not running on one. Without a hub, the class report of diplomatic-cover grade "
            "pools the opinion answers of the handed-in files."
        )
    every = max(1.0, float(every))
    older = _live.get(question_id)
    if older is not None:
        older.stop("Stopped: a newer view of this question took over.")
    service = dataclasses.replace(service, timeout=min(service.timeout, REQUEST_TIMEOUT_SECONDS))
    view = PulseView(question_id, service, render_markdown(question.prompt), every)
    _live[question_id] = view
    return view.start()


def stop_all() -> None:
    """Stop every live view in this kernel (each keeps what it last showed)."""
    for view in list(_live.values()):
        view.stop("Stopped.")
