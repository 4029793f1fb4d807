"""`Slider`: a labelled slider that screen readers can name, for the lessons' explorers.

ipywidgets' sliders draw a `div role="slider"` with no accessible name (axe-core:
`aria-input-field-name`), so a screen reader announced "slider, 120" with no hint of what
it sets, and a long description was cut short with "…". This one is a native range input
with a `<label>` and an `<output>`: the name and value are announced, the arrow keys move
it, the label wraps, and every slider of a group has the same label width so the tracks line
up. Its Python side behaves like IntSlider/FloatSlider where the kit uses them: `value`,
`min`, `max`, `step`, `description`, `observe(..., names="value")`.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from diplomatic_cover import paths

STATIC = paths.package_path("widgets", "static")


class Slider(anywidget.AnyWidget):
    """A labelled slider; `integer=True` keeps `value` an int (like IntSlider)."""

    _esm = STATIC / "slider.js"
    _css = STATIC / "slider.css"
    value = traitlets.Union([traitlets.Int(), traitlets.Float()], default_value=0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    description_width = traitlets.Unicode("14em").tag(sync=True)
    readout_format = traitlets.Unicode("").tag(sync=True)
    continuous_update = traitlets.Bool(False).tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    integer = traitlets.Bool(False)

    def __init__(self, **kwargs: Any) -> None:
        integer = bool(kwargs.pop("integer", False))
        super().__init__(integer=integer, **kwargs)

    @traitlets.validate("value")
    def _keep_in_range(self, proposal: dict[str, Any]) -> float:
        value = min(max(float(proposal["value"]), self.min), self.max)
        return round(value) if self.integer else value

    def __repr__(self) -> str:
        return f"Slider({self.description}: {self.value})"
