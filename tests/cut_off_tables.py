"""Finds text that pandas cut short in a notebook's displayed DataFrames.

pandas shows a DataFrame as an HTML table that cuts every cell at `display.max_colwidth`
characters (50) and ends it with "...": the wording students are asked to weigh disappears.
The kit shows such tables through `figures.Table`, which never cuts. nbval already runs every
notebook and exercise in `make test`, so `conftest.py` hands each cell's outputs to
`cut_off_cells` and the cell fails if pandas cut any text: the check costs no extra run.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

# pandas' default `display.max_colwidth`; the kit never changes it.
MAX_COLWIDTH = 50
CUT = "..."


class _DataFrameCells(HTMLParser):
    """The text of every cell of every `<table class="dataframe">` in an HTML output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._tables = 0  # depth inside dataframe tables
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and "dataframe" in (dict(attrs).get("class") or "").split():
            self._tables += 1
        elif tag in {"td", "th"} and self._tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._tables:
            self._tables -= 1
        elif tag in {"td", "th"} and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def cut_off_cells(outputs: list[dict[str, Any]], width: int = MAX_COLWIDTH) -> list[str]:
    """The cells pandas cut short in these outputs (nbformat output dicts): a cut cell ends
    with "..." at the length pandas cuts to (49 characters in pandas 3, 50 in pandas 1)."""
    cut = []
    for output in outputs:
        html = (output.get("data") or {}).get("text/html")
        if not html:
            continue
        parser = _DataFrameCells()
        parser.feed(html if isinstance(html, str) else "".join(html))
        cut += [c for c in parser.cells if len(c) in {width - 1, width} and c.endswith(CUT)]
    return cut
