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
from diplomatic_cover.widgets.slider import Slider


def interactive_estimate() -> Any:
    """Labelled sliders for the three assumptions, with the estimate printed below them.

    The kit's labelled sliders (`widgets.slider`): a screen reader announces each one's name
    and value, and one label width for all three makes the tracks line up.
    """
    lo, hi = published_share_range()
    width = "19em"
    posts = Slider(
        value=3,
        min=1,
        max=8,
        integer=True,
        description_width=width,
        description="Posts open (embassy and consulates)",
    )
    staff = Slider(
        value=73,
        min=10,
        max=150,
        integer=True,
        description_width=width,
        description="Staff per post (people)",
    )
    share = Slider(
        value=0.33, min=0.0, max=0.8, step=0.01, readout_format=".0%", description_width=width,
        description="Share of staff who are officers",
    )  # fmt: skip

    def show(posts: int, staff_per_post: int, share: float) -> list[str]:
        est = officers_under_cover(posts, float(staff_per_post), share)
        below = [e for e in PUBLISHED_SHARES if e.value <= share]
        return [
            est.summary(),
            f"Your share is at or above {len(below)} of the {len(PUBLISHED_SHARES)} published "
            f"estimates (they run from {lo:.0%} to {hi:.0%}; all are contested).",
        ]

    return live_results({"posts": posts, "staff_per_post": staff, "share": share}, show)
