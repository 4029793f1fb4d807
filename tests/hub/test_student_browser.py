"""One student's class, in a real browser on the real hub: sign in, open 00, answer, hand in.

The student follows the class's nbgitpuller link, signs in on the hub's login page (the
hub starts their server and pulls the class copy), lands in notebook 00 of their working
copy, runs it, answers a question, and presses Hand in. The page must say "Handed in at"
the service's receive time in the student's own time zone (the browser's, set here to
Chicago, while the hub runs on UTC), and the service must hold the answer.

Debian's Chromium, as in tests/browser (never `playwright install`).
"""

from __future__ import annotations

import io
import json
import re
import time
import urllib.parse
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from diplomatic_cover.hub.link import pull_link
from tests.hub.realhub import PASSWORD

NOTEBOOK = "my-work/notebooks/00_start_here.ipynb"  # the working copy the link updates
ZONE = "America/Chicago"


def class_link(hub, repo: str) -> str:
    """The link `diplomatic-cover link` prints (pull the class copy, open notebook 00),
    as the path the hub's login page goes on to."""
    return pull_link(hub.url, repo, "main").removeprefix(hub.url)


def wait_for_kernel(hub, user: str, timeout: float = 120) -> None:
    """Wait until JupyterLab has a kernel for notebook 00 and it is idle (as tests/browser)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = hub.request("GET", f"{hub.url}/user/{user}/api/sessions", token=hub.token_for(user))
        sessions = reply.json() if reply.status == 200 else []
        for session in sessions:
            kernel = session.get("kernel") or {}
            if session.get("path") == NOTEBOOK and kernel.get("execution_state") == "idle":
                return
        time.sleep(0.3)
    raise TimeoutError(f"no idle kernel for {NOTEBOOK} in {timeout} s")


def test_a_student_signs_in_opens_00_answers_and_hands_in(hub, accounts, class_copy_repo, browser):
    student = accounts.student(3)
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="en-GB", timezone_id=ZONE
    )
    page = context.new_page()
    try:
        page.set_default_timeout(120_000)
        next_url = urllib.parse.quote(class_link(hub, class_copy_repo), safe="")
        page.goto(f"{hub.url}/hub/login?next={next_url}")
        page.fill("input[name=username]", student)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login_submit")

        # The hub spawns the server, nbgitpuller pulls, JupyterLab opens 00.
        page.locator(".jp-Notebook").first.wait_for()
        wait_for_kernel(hub, student)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()

        question = page.locator('[data-question-id="00.tour-multiple"]')
        question.wait_for()
        sharing = question.get_by_label("Share with the class pulse (anonymous)")
        assert sharing.is_visible() and sharing.is_checked()  # on by default, on a hub
        question.locator('input[value="answers"]').check()
        question.get_by_text(re.compile(r"^Saved at")).wait_for()
        question.get_by_text("In the class pulse, without your name.").wait_for()

        page.get_by_role("button", name=re.compile(r"^Hand in")).click()
        status = page.get_by_text(re.compile(r"(Handed in|Not handed in|No submission)"))
        status.first.wait_for()
        shown = status.first.text_content()
    except Exception:
        page.screenshot(path="/tmp/hub-browser-failure.png", full_page=True)
        Path("/tmp/hub-browser-failure.txt").write_text(page.content())
        raise
    finally:
        context.close()

    assert shown.startswith("✓ Handed in at "), shown
    token = hub.token_for(student)
    receipt = hub.service("GET", "api/me/submissions", token).json()["submissions"][-1]
    received = datetime.fromisoformat(receipt["received_at"].replace("Z", "+00:00"))
    local = received.astimezone(ZoneInfo(ZONE))
    # Local time with the zone: Chromium's en-GB names Chicago's zone "GMT-6" (or -5 in summer).
    assert re.match(rf"✓ Handed in at {local:%H:%M} GMT-[56]: ", shown), shown

    teacher = hub.token_for(accounts.instructor)
    latest = hub.service("GET", f"api/students/{student}/submissions/latest", teacher)
    with zipfile.ZipFile(io.BytesIO(latest.body)) as archive:
        answers = json.loads(archive.read("responses/00_start_here.json"))["answers"]
    assert answers["00.tour-multiple"]["value"] == ["answers"]
