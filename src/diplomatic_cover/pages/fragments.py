"""The one escaping helper for small HTML pieces built in code, and readable times.

A check's result line, a figure's caption, the setup table: pieces too small for a template,
shown inside a notebook. Everything that is not markup goes through `esc`. Whole pages are
templates (`render.py`). Standard library only, so a student's first cell and `check()`
never import Jinja2 (tests/test_pages.py runs that import in a fresh interpreter).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime


def esc(text: object) -> str:
    """`text` made safe to place in HTML, as content or as a quoted attribute value."""
    return html.escape(str(text), quote=True)


def local_time(stamp: object, *, seconds: bool = False) -> str:
    """A saved-at stamp ("2026-11-27T10:42:05.123Z") as local time with its zone.

    "2026-11-27 11:42 CET": the kit shows every time the same way, in the zone of the
    machine that shows it, and says which zone that is. Text that is not a time comes back
    unchanged.
    """
    moment = parse_time(stamp)
    if moment is None:
        return str(stamp or "")
    local = moment.astimezone()
    zone = local.strftime("%Z") or local.strftime("UTC%z")
    return f"{local:%Y-%m-%d %H:%M{':%S' if seconds else ''}} {zone}"


def parse_time(stamp: object) -> datetime | None:
    """A stamp (ISO text or datetime) as an aware datetime; None when it is not one."""
    if isinstance(stamp, datetime):
        moment = stamp
    else:
        try:
            moment = datetime.fromisoformat(str(stamp or ""))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
