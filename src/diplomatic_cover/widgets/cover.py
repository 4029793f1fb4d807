"""Notebook 02's sliders: the cover model's three assumptions, the estimate printed below.

The model and the published estimates it is judged against are `lessons.cover_model`.
ipywidgets is imported when the sliders are drawn, so importing this module stays cheap.
"""

from __future__ import annotations

from typing import Any

from diplomatic_cover.lessons.cover_model import (
    PUBLISHED_SHARES,
    officers_under_cover,
    published_share_range,
)
from diplomatic_cover.widgets.outputs import live_results


def interactive_estimate() -> Any:
    """Labelled sliders for the three assumptions, with the estimate printed below them.

    Stock ipywidgets, so it works in any Jupyter front end; each slider has a description
    that a screen reader announces. One description width for all three, wide enough for the
    longest, so the tracks line up and have the same length.
    """
    import ipywidgets as widgets

    lo, hi = published_share_range()
    style = {"description_width": "260px"}
    layout = widgets.Layout(width="560px")
    posts = widgets.IntSlider(
        value=3,
        min=1,
        max=8,
        description="Posts open (embassy and consulates)",
        style=style,
        layout=layout,
    )
    staff = widgets.IntSlider(
        value=73, min=10, max=150, description="Staff per post (people)", style=style, layout=layout
    )
    share = widgets.FloatSlider(
        value=0.33,
        min=0.0,
        max=0.8,
        step=0.01,
        readout_format=".0%",
        description="Share of staff who are officers",
        style=style,
        layout=layout,
    )

    def show(posts: int, staff_per_post: int, share: float) -> list[str]:
        est = officers_under_cover(posts, float(staff_per_post), share)
        below = [e for e in PUBLISHED_SHARES if e.value <= share]
        return [
            est.summary(),
            f"Your share is at or above {len(below)} of the {len(PUBLISHED_SHARES)} published "
            f"estimates (they run from {lo:.0%} to {hi:.0%}; all are contested).",
        ]

    return live_results({"posts": posts, "staff_per_post": staff, "share": share}, show)
