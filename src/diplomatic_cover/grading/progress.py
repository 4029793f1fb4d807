"""A text progress bar on stderr, for runs long enough to wonder whether anything happens.

On a terminal the bar redraws in place (at most ten times a second); in a log file or CI,
where carriage returns make a mess, it prints a line at each tenth of the way instead.
No dependency: a grader on a bare server has nothing more than this.
"""

from __future__ import annotations

import time
from typing import IO


class ProgressBar:
    """`bar.advance(label)` once per unit of work; `bar.close()` at the end.

    With no stream the bar stays silent (the library default; the command line passes
    stderr).
    """

    def __init__(
        self, total: int, title: str, stream: IO[str] | None = None, width: int = 30
    ) -> None:
        self.total = max(total, 0)
        self.title = title
        self.stream = stream
        self.width = width
        self.done = 0
        self._last_draw = 0.0
        self._last_tenth = -1
        try:
            self.live = stream is not None and stream.isatty()
        except (AttributeError, ValueError):
            self.live = False

    def _line(self, label: str) -> str:
        share = self.done / self.total if self.total else 1.0
        filled = int(self.width * share)
        bar = "#" * filled + "-" * (self.width - filled)
        return f"{self.title} [{bar}] {self.done}/{self.total} {label}"[:120]

    def advance(self, label: str = "") -> None:
        """Count one unit done and redraw if it is time to."""
        self.done += 1
        if not self.total or self.stream is None:
            return
        if self.live:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._last_draw = now
                self.stream.write("\r" + self._line(label).ljust(120))
                self.stream.flush()
            return
        tenth = (10 * self.done) // self.total
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            self.stream.write(self._line("") + "\n")
            self.stream.flush()

    def close(self) -> None:
        """End the bar's line on a terminal."""
        if self.live and self.total and self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()
