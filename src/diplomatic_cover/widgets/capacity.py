"""Notebook 04's sliders: try the coverage model's four assumptions by hand.

The model, its assumptions and their ranges are `lessons.capacity_model`. ipywidgets is
imported when the sliders are drawn, so importing this module stays cheap.
"""

from __future__ import annotations

from typing import Any

from diplomatic_cover.lessons.capacity_model import (
    BASELINE,
    LABELS,
    Assumptions,
    coverage,
    describe,
)
from diplomatic_cover.widgets.outputs import live_results
from diplomatic_cover.widgets.slider import Slider


def coverage_explorer(baseline: Assumptions = BASELINE) -> Any:
    """Labelled sliders for the four assumptions, with a sentence and a bar that update.

    The kit's labelled sliders (`widgets.slider`, named by the labels in `LABELS`; results
    shown by `outputs.live_results`), updating when a slider is released rather than while it
    is dragged, so the notebook stays responsive on a small JupyterHub. The result is plain
    text plus a one-bar chart with alt text, so a screen-reader user gets the same numbers.
    """
    from diplomatic_cover.lessons.figures import Figure, kit_style

    steps = {"officers": 5, "agents": 50, "agents_per_target": 1, "other_work_pct": 5}
    limits = {
        "officers": (10, 500),
        "agents": (0, 5000),
        "agents_per_target": (1, 40),
        "other_work_pct": (0, 95),
    }
    sliders = {
        name: Slider(
            value=getattr(baseline, name),
            min=limits[name][0],
            max=limits[name][1],
            step=steps[name],
            integer=True,
            description=LABELS[name] + (" (%)" if name == "other_work_pct" else ""),
            description_width="15em",
        )
        for name in LABELS
    }

    def show(**values: int) -> list[Any]:
        import matplotlib.pyplot as plt

        a = Assumptions(**values)
        c = coverage(a)
        with kit_style():
            fig, ax = plt.subplots(figsize=(7, 2.0), layout="constrained")
            ax.barh([0], [c.percent_covered], color="#0072B2", label="watched full-time")
            ax.barh(
                [0],
                [100 - c.percent_covered],
                left=[c.percent_covered],
                color="#E69F00",
                label="not watched full-time",
            )
            ax.set_xlim(0, 100)
            ax.set_yticks([])
            ax.set_xlabel("Share of officers (%)")
            fig.legend(loc="outside lower center", ncol=2)
        figure = Figure(
            fig,
            alt=(
                f"{c.percent_covered:.0f}% of officers watched full-time, "
                f"{100 - c.percent_covered:.0f}% not (scale 0 to 100%)."
            ),
            source="Coverage model with the assumptions on the sliders (illustrative).",
        )
        return [describe(a), figure]

    return live_results(sliders, show)
