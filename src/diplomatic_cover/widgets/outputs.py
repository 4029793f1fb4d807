"""Show results in an ipywidgets Output without routing them through the kernel's output.

`with out: display(x)` marks the kernel's output messages with the id of the message being
handled and asks the browser to send messages with that id into `out`. The browser applies
that request asynchronously; when a slider is moved several times in quick succession it can
still be pending when the output arrives, and JupyterLab then puts the output in its log
console (the blue badge in the status bar) instead of under the slider. `show_in` builds the
outputs in the kernel and sets them as the widget's state in one update, which the browser
cannot misroute, and which replaces the old outputs without a flicker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any


def _output(item: Any) -> dict[str, Any]:
    """One object as a Jupyter display_data output (text as a stream, like print)."""
    if isinstance(item, str):
        return {"output_type": "stream", "name": "stdout", "text": item + "\n"}
    from IPython.core.formatters import format_display_data

    data, metadata = format_display_data(item)
    return {"output_type": "display_data", "data": data, "metadata": metadata}


def show_in(out: Any, *items: Any) -> None:
    """Replace what the Output widget `out` shows with `items`, in one state update."""
    out.outputs = tuple(_output(item) for item in items)


def live_results(controls: Mapping[str, Any], compute: Callable[..., Sequence[Any]]) -> Any:
    """The `controls` with an Output below showing `compute(**values)` after each change.

    Takes the place of `ipywidgets.interactive` (children: the controls, then the output)
    but shows its results with `show_in`, so they can never land in the log console.
    `controls` maps each keyword of `compute` to the control that sets it.
    """
    import ipywidgets as widgets

    out = widgets.Output()

    def update(_change: object = None) -> None:
        show_in(out, *compute(**{name: control.value for name, control in controls.items()}))

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return widgets.VBox([*controls.values(), out])
