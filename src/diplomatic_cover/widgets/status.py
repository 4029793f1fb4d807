"""A status line whose times each student sees in their own time zone.

A kernel on a hub runs on the hub's clock, often UTC, while the student sits in another
zone. The kernel builds the line's HTML (every piece escaped with `pages.fragments.esc`)
and marks times as `<time datetime="...">`; the browser (static/status.js) rewrites each as
the student's local time ("10:42"), so "Handed in at 10:42" means 10:42 where they are.
"""

from __future__ import annotations

import anywidget
import traitlets

from diplomatic_cover import paths


class StatusLine(anywidget.AnyWidget):
    """An HTML status line; `value` is HTML the kit built, its times localised in the browser."""

    _esm = paths.package_path("widgets", "static", "status.js")
    value = traitlets.Unicode("").tag(sync=True)
