"""Figures for the notebooks: one colour-blind-safe style, and alternative text for every plot.

`Figure(fig, alt=..., source=...)` shows a matplotlib figure as an image with a real `alt`
attribute and a caption naming the data's source, so a screen-reader user hears the figure's
takeaway and the range of its data, not just its title. The image is embedded (PNG, base64),
so nothing is fetched from the web.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from diplomatic_cover.pages.fragments import esc

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
        parts = [f"<strong>Figure.</strong> {esc(self.caption)}"] if self.caption else []
        parts.append(f"<em>Description:</em> {esc(self.alt)}")
        if self.source:
            parts.append(f"<em>Source:</em> {esc(self.source)}")
        caption = "<br>".join(parts)
        return (
            f'<figure style="margin:0"><img src="data:image/png;base64,{data}" '
            f'alt="{esc(self.alt)}" style="max-width:100%">'
            f'<figcaption style="font-size:0.9em;max-width:52em">{caption}</figcaption></figure>'
        )

    def __repr__(self) -> str:
        return f"Figure: {self.alt}" + (f" (source: {self.source})" if self.source else "")


# Outweighs JupyterLab's rule that right-aligns every table cell in an output (its selector
# `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td` counts two classes; ours three).
TABLE_STYLE = (
    "<style>.dc-table-wrap table.dc-table{border-collapse:collapse;table-layout:auto;"
    "margin:0.3em 0 0.6em;font-size:0.92em}"
    ".dc-table-wrap table.dc-table.dc-table th,.dc-table-wrap table.dc-table.dc-table td"
    "{text-align:left;vertical-align:top;white-space:normal;max-width:34em;padding:4px 8px;"
    "border:none;border-bottom:1px solid #ccc;line-height:1.4}"
    ".dc-table-wrap table.dc-table.dc-table td.num,.dc-table-wrap table.dc-table.dc-table th.num"
    "{text-align:right;font-variant-numeric:tabular-nums}"
    # A number stays on one line; its column's heading may wrap, or a table with long
    # headings over numbers grows wider than the notebook and scrolls (axe-core flags it).
    ".dc-table-wrap table.dc-table.dc-table td.num{white-space:nowrap}"
    ".dc-table-wrap table.dc-table caption{text-align:left;font-weight:bold;padding:0.2em 0}"
    ".dc-table-wrap .dc-source{font-size:0.9em;margin:0 0 1em}</style>"
)


def _cell(value: Any) -> tuple[str, bool]:
    """A cell's text and whether it is a number (numbers line up on the right)."""
    if value is None or (isinstance(value, float) and value != value):
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int | float) or type(value).__module__ == "numpy":
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value), False
        if number != number:  # NaN
            return "", False
        text = str(int(number)) if number.is_integer() else str(round(number, 2))
        return text, True
    midnight = hasattr(value, "hour") and (value.hour, value.minute, value.second) == (0, 0, 0)
    if midnight and hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d"), False
    return str(value), False


@dataclass
class Table:
    """A table of text shown so it can be read: left-aligned, wrapped, never cut short.

    pandas shows a DataFrame right-aligned and cuts every cell at 50 characters, which hides
    the very wording students are asked to weigh. `Table(frame, caption=..., source=...)`
    shows every cell whole, text on the left and numbers on the right, with a caption and
    the source, as an accessible HTML table (column and row headers with their scope).
    """

    html: str
    text: str

    def __init__(self, frame: Any, *, caption: str = "", source: str = "") -> None:
        shown = frame.reset_index(drop=frame.index.name is None and not frame.index.names[0])
        numeric = [str(kind).startswith(("int", "float", "Int", "Float")) for kind in shown.dtypes]
        number_class = ' class="num"'
        head = "".join(
            f'<th scope="col"{number_class if num else ""}>{esc(name)}</th>'
            for name, num in zip(shown.columns, numeric, strict=True)
        )
        rows = []
        for values in shown.itertuples(index=False):
            cells = []
            for position, value in enumerate(values):
                text, is_number = _cell(value)
                tag = 'th scope="row"' if position == 0 and not numeric[0] else "td"
                css = number_class if is_number else ""
                cells.append(f"<{tag}{css}>{esc(text)}</{tag.split()[0]}>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        title = f"<caption>{esc(caption)}</caption>" if caption else ""
        note = f'<p class="dc-source"><em>Source:</em> {esc(source)}</p>' if source else ""
        self.html = (
            f'{TABLE_STYLE}<div class="dc-table-wrap"><table class="dc-table">{title}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}</div>"
        )
        text = shown.to_string(index=False)
        self.text = "\n".join(
            part for part in (caption, text, source and f"Source: {source}") if part
        )

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.html
