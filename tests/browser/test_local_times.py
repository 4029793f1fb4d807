"""Every time the widgets show says its zone: local time with the zone's short name.

The widgets' scripts run in a real Chromium set to New York time, outside JupyterLab (no
kernel needed): each script is imported from its own source, with the function under test
exported for the test (the script itself is not changed). A status line is rendered through
the widget's own `render`, as JupyterLab does. The kernel's side (`answers.reveals`) is
tested in tests/test_predictions.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "diplomatic_cover" / "widgets" / "static"
#: What Chromium's en-US short zone name is in New York: EST in winter, EDT in summer.
ZONE = re.compile(r"\b(EST|EDT)\b")
WINTER = "2025-02-27T15:42:05.123Z"

#: Imports a script from its text and calls one function; "today" stands for 15:42 UTC today.
IMPORT = """async ([source, name, iso]) => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const module = await import(url);
    const today = new Date(new Date().setUTCHours(15, 42, 0, 0)).toISOString();
    return module[name](iso === "today" ? today : iso);
}"""


@pytest.fixture
def new_york(browser):
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def call(page, script: str, name: str, iso: str) -> str:
    source = (STATIC / script).read_text(encoding="utf-8") + f"\nexport {{ {name} }};\n"
    return page.evaluate(IMPORT, [source, name, iso])


@pytest.mark.parametrize("iso", ["today", WINTER])
def test_the_prediction_note_says_when_the_result_was_shown_with_the_zone(new_york, iso):
    shown = call(new_york, "question.js", "shownWhen", iso)
    assert ZONE.search(shown), shown
    if iso == WINTER:
        assert shown == "on Feb 27 at 10:42 AM EST"


def test_the_saved_line_already_says_its_zone(new_york):
    assert call(new_york, "question.js", "formatSaved", WINTER) == "Saved Feb 27 at 10:42 AM EST"


@pytest.mark.parametrize("iso", ["today", WINTER])
def test_a_status_lines_time_is_rewritten_in_local_time_with_the_zone(new_york, iso):
    shown = call(new_york, "status.js", "localTime", iso)
    assert ZONE.search(shown), shown
    if iso == WINTER:
        assert shown == "10:42 AM EST on Feb 27"


def test_the_status_widget_shows_the_zone_in_the_line_it_renders(new_york):
    source = (STATIC / "status.js").read_text(encoding="utf-8")
    line = new_york.evaluate(
        """async ([source, iso]) => {
            const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
            const widget = (await import(url)).default;
            const model = {
                get: () => `Handed in at <time datetime="${iso}">${iso}</time>.`,
                on: () => {},
            };
            const el = document.createElement("div");
            widget.render({ model, el });
            return el.textContent;
        }""",
        [source, WINTER],
    )
    assert line == "Handed in at 10:42 AM EST on Feb 27."
