"""`dc.pulse`: drawing the room's distribution, and a refresh loop that stops when told.

The replies drawn here come from the service's own `aggregate`, so the view is tested
against exactly what the course service sends. The hub itself is tested in tests/hub/.
"""

from __future__ import annotations

import html
import re
import threading
import time

from diplomatic_cover.hub.client import CourseService, ServiceUnreachable
from diplomatic_cover.hub.pulse import PulseQuestion, aggregate
from diplomatic_cover.widgets.pulse import Refresher, pulse, render_pulse, waiting_text

OPTIONS = (("cap", "Restore with a cap"), ("full", "Restore fully"), ("none", "Keep closed"))
SINGLE = PulseQuestion(id="09.single", type="single", title="Your view", options=OPTIONS)
MULTIPLE = PulseQuestion(id="09.multiple", type="multiple", options=OPTIONS)
RANKING = PulseQuestion(id="09.ranking", type="ranking", options=OPTIONS)
SCALE = PulseQuestion(id="09.scale", type="scale", confidence=True)
NUMBER = PulseQuestion(id="09.number", type="number", unit="people", minimum=0, maximum=100)


def text_of(html: str) -> str:
    """What a reader sees: the tags and the style sheet taken out, spaces squeezed."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def bar_widths(html: str) -> list[str]:
    return re.findall(r'class="dc-pulse-bar" style="width:([0-9.]+)%"', html)


def test_below_five_answers_only_the_wait_is_shown():
    drawn = render_pulse(aggregate(SINGLE, ["cap", "cap", "full"]))
    assert "Waiting for 5 answers: 3 so far." in text_of(drawn)
    assert "Restore" not in drawn and bar_widths(drawn) == []


def test_the_wait_reads_the_same_from_an_older_service_that_gives_no_count():
    assert waiting_text({"min_group": 5, "message": "Fewer than 5 answers so far."}) == (
        "Fewer than 5 answers so far."
    )


def test_a_single_choice_shows_each_options_share_as_text_and_as_a_bar():
    drawn = render_pulse(aggregate(SINGLE, ["cap", "cap", "cap", "full", "none"]))
    text = text_of(drawn)
    assert "5 answers" in text
    assert "Restore with a cap 60% (3)" in text
    assert "Restore fully 20% (1)" in text and "Keep closed 20% (1)" in text
    assert bar_widths(drawn) == ["60.0", "20.0", "20.0"]


def test_a_multiple_choice_says_its_shares_can_add_up_to_more_than_all():
    answers = [["cap", "full"], ["cap"], ["cap", "none"], ["full"], ["cap", "full", "none"]]
    text = text_of(render_pulse(aggregate(MULTIPLE, answers)))
    assert "can add up to more than 100%" in text
    assert "Restore with a cap 80% (4)" in text


def test_a_scale_is_a_histogram_with_its_mean_and_how_sure_people_were():
    answers = [{"point": p, "confidence": c} for p, c in [(4, 3), (4, 2), (5, 4), (2, 3), (4, 3)]]
    drawn = render_pulse(aggregate(SCALE, answers))
    text = text_of(drawn)
    assert "4 · Agree 60% (3)" in text
    assert "1 · Strongly disagree 0% (0)" in text
    assert "Mean 3.8 on a scale from 1 (Strongly disagree) to 5 (Strongly agree)." in text
    assert "Quite sure 3" in text
    assert bar_widths(drawn)[:5] == ["0.0", "20.0", "0.0", "60.0", "20.0"]


def test_a_number_is_binned_with_its_median_and_quartiles():
    drawn = render_pulse(aggregate(NUMBER, [5, 12, 60, 60, 95, 61]))
    text = text_of(drawn)
    assert "The 6 answers in ten equal ranges" in text
    assert "60–70 people 3" in text and "0–10 people 1" in text
    assert "Median 60 people; half the answers lie between 24 and 60.75." in text


def test_a_ranking_shows_first_choice_shares_and_a_borda_count():
    orders = [
        ["cap", "full", "none"],
        ["cap", "none", "full"],
        ["full", "cap", "none"],
        ["none", "cap", "full"],
        ["cap", "full", "none"],
    ]
    drawn = render_pulse(aggregate(RANKING, orders))
    text = text_of(drawn)
    assert "Ranked first: share of the 5 rankings" in text
    assert "Restore with a cap 60% (3)" in text
    # 2 points for a first place, 1 for a second: cap 2+2+1+1+2, full 1+0+2+0+1, none 0+1+0+2+0.
    assert "Restore with a cap 8 points (mean rank 1.4)" in text
    assert "Restore fully 4 points" in text and "Keep closed 3 points" in text
    assert "at most 10" in text
    assert bar_widths(drawn)[-3:] == ["80.0", "40.0", "30.0"]


def test_hostile_labels_and_prompts_are_shown_as_text():
    hostile = PulseQuestion(
        id="09.hostile", type="single", options=(("x", "<img src=x onerror=alert(1)>"),)
    )
    drawn = render_pulse(aggregate(hostile, ["x"] * 5))
    assert "<img" not in drawn and "&lt;img src=x onerror=alert(1)&gt;" in drawn


def test_off_a_hub_the_pulse_says_it_needs_one(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    view = pulse("06.rank-options")
    assert "needs the kit's course service on a JupyterHub" in text_of(html.unescape(view.value))


def test_a_question_the_pulse_does_not_pool_is_named_with_the_ones_it_does():
    view = pulse("00.tour-text", service=CourseService("http://127.0.0.1:9/", "token"))
    assert "00.tour-text is not a question the live pulse pools" in view.value
    assert "06.rank-options" in view.value


# -- The refresh loop ----------------------------------------------------------------------


class Calls:
    """Counts fetches from the loop's thread and records what was shown."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fetches = 0
        self.shown: list[int] = []
        self.failures: list[str] = []
        self.fail_first = fail_first
        self.lock = threading.Lock()

    def fetch(self) -> int:
        with self.lock:
            self.fetches += 1
            if self.fetches <= self.fail_first:
                raise ServiceUnreachable("The course service could not be reached.")
            return self.fetches

    def show(self, reply: int) -> None:
        self.shown.append(reply)

    def failed(self, error: Exception) -> None:
        self.failures.append(str(error))


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_the_loop_refreshes_until_stopped_and_shows_nothing_after():
    calls = Calls()
    loop = Refresher(calls.fetch, calls.show, calls.failed, every=0.02)
    loop.start()
    assert wait_for(lambda: len(calls.shown) >= 3)
    started = time.monotonic()
    loop.stop()
    assert time.monotonic() - started < 1.0  # stops at once, not after a full wait
    assert not loop.running
    shown = len(calls.shown)
    time.sleep(0.1)
    assert len(calls.shown) == shown  # nothing drawn after stop()
    assert calls.shown == sorted(calls.shown)  # one thread, in order


def test_a_failed_refresh_is_reported_and_the_loop_carries_on():
    calls = Calls(fail_first=2)
    loop = Refresher(calls.fetch, calls.show, calls.failed, every=0.02)
    loop.start()
    try:
        assert wait_for(lambda: calls.shown)
    finally:
        loop.stop()
    assert calls.failures == ["The course service could not be reached."] * 2
    assert calls.shown[0] == 3


def test_a_stopped_loop_does_not_start_again():
    calls = Calls()
    loop = Refresher(calls.fetch, calls.show, calls.failed, every=0.02)
    loop.stop()
    loop.start()
    assert not loop.running
    loop.refresh()
    assert calls.shown == []


def test_a_view_stops_its_loop_when_closed_or_replaced():
    # A service on a closed port: every refresh fails fast, which is enough to see the loop.
    service = CourseService("http://127.0.0.1:9/services/diplomatic-cover/", "token")
    first = pulse("06.rank-options", service=service)
    assert first.refresher.running
    assert "could not be reached" in first.status.value
    second = pulse("06.rank-options", service=service)
    assert not first.refresher.running  # the newer view took over
    assert "a newer view of this question took over" in first.status.value
    second.close()
    assert not second.refresher.running
