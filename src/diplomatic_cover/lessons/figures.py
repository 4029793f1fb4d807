"""Figures for the notebooks: one colour-blind-safe style, and alternative text for every plot.

`Figure(fig, alt=..., source=...)` shows a matplotlib figure as an image with a real `alt`
attribute and a caption naming the data's source, so a screen-reader user hears the figure's
takeaway and the range of its data, not just its title. The image is embedded (PNG, base64),
so nothing is fetched from the web.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour
# vision deficiency. Order chosen so the first colours also differ in lightness.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

STYLE: dict[str, Any] = {
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
}


@contextmanager
def kit_style() -> Iterator[None]:
    """Use the kit's plot style (Okabe–Ito colours, readable sizes) inside a `with` block."""
    import matplotlib as mpl
    from cycler import cycler

    with mpl.rc_context({**STYLE, "axes.prop_cycle": cycler(color=list(OKABE_ITO))}):
        yield


@dataclass
class Figure:
    """A rendered figure with its alternative text and source; displays as HTML."""

    png: bytes
    alt: str
    source: str = ""
    caption: str = ""

    def __init__(self, fig: Any, *, alt: str, source: str = "", caption: str = "") -> None:
        if not alt.strip():
            raise ValueError("Every figure needs alternative text stating its takeaway.")
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        plt.close(fig)
        self.png, self.alt, self.source, self.caption = buffer.getvalue(), alt, source, caption

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        parts = [f"<strong>Figure.</strong> {html.escape(self.caption)}"] if self.caption else []
        parts.append(f"<em>Description:</em> {html.escape(self.alt)}")
        if self.source:
            parts.append(f"<em>Source:</em> {html.escape(self.source)}")
        caption = "<br>".join(parts)
        return (
            f'<figure style="margin:0"><img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(self.alt, quote=True)}" style="max-width:100%">'
            f'<figcaption style="font-size:0.9em;max-width:52em">{caption}</figcaption></figure>'
        )

    def __repr__(self) -> str:
        return f"Figure: {self.alt}" + (f" (source: {self.source})" if self.source else "")
