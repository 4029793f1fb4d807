"""`ChoiceGroup`: an accessible single-choice list for instructors' panels.

Stock ipywidgets RadioButtons neither wrap long labels nor expose a radio group to screen
readers, and their arrow keys leave the widget. This one draws native radio inputs in a
labelled radiogroup; its `value` behaves like RadioButtons' (observe `names="value"`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets

from diplomatic_cover import paths

STATIC = paths.package_path("widgets", "static")


class ChoiceGroup(anywidget.AnyWidget):
    """One labelled group of options, each a (label, value) pair; value None = none chosen."""

    _esm = STATIC / "choice.js"
    _css = STATIC / "question.css"
    title = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.List().tag(sync=True)
    index = traitlets.Int(-1).tag(sync=True)
    value = traitlets.Any(None, allow_none=True)

    def __init__(self, title: str, options: Sequence[tuple[str, Any]], value: Any = None) -> None:
        self.options = [(label, option_value) for label, option_value in options]
        self._values = [option_value for _label, option_value in self.options]
        labels = [{"label": label} for label, _value in self.options]
        index = self._values.index(value) if value in self._values else -1
        super().__init__(title=title, labels=labels, index=index, value=value)
        self.observe(self._on_index, names="index")
        self.observe(self._on_value, names="value")

    def _on_index(self, change: dict[str, Any]) -> None:
        new = self._values[change["new"]] if 0 <= change["new"] < len(self._values) else None
        if new != self.value:
            self.value = new

    def _on_value(self, change: dict[str, Any]) -> None:
        index = self._values.index(change["new"]) if change["new"] in self._values else -1
        if index != self.index:
            self.index = index
