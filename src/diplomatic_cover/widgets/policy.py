"""Notebook 06's controls: sliders for the decision matrix and a picker for the role cards.

The matrix arithmetic, the options, criteria and role cards are `lessons.policy`. Stock
ipywidgets, imported when a control is drawn, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from diplomatic_cover.lessons.policy import (
    CRITERIA,
    DEFAULT_SCORES,
    DEFAULT_WEIGHTS,
    OPTIONS,
    ROLE_CARDS,
    SCORE_MAX,
    SCORE_MIN,
    WEIGHT_MAX,
    WEIGHT_MIN,
    display_flips,
    display_table,
    flip_points,
    plot_totals,
    role_card,
    totals_alt,
    weighted_scores,
)
from diplomatic_cover.widgets.outputs import show_in
from diplomatic_cover.widgets.slider import Slider


class MatrixExplorer:
    """Labelled sliders for the seven weights and for one option's scores at a time.

    The current values stay on the object (`explorer.weights`, `explorer.scores`), so later
    cells can use the student's own matrix: `flip_points(explorer.weights, explorer.scores)`.
    Stock ipywidgets only; updates happen when a slider is released, so a small JupyterHub
    stays responsive. The table and figure below the sliders carry the same numbers as text.

    `weights_only=True` shows the weight sliders and nothing else: no scores, no totals. Notebook
    06 uses it so students commit to what matters to them before they see which option the
    default scores favour (anchoring on the totals is the risk), then starts the full explorer
    from those weights: `MatrixExplorer(weights=first.weights)`.
    """

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        scores: Mapping[str, Mapping[str, float]] | None = None,
        *,
        weights_only: bool = False,
    ) -> None:
        self.weights: dict[str, float] = dict(weights or DEFAULT_WEIGHTS)
        self.scores: dict[str, dict[str, float]] = {
            o: dict(row) for o, row in (scores or DEFAULT_SCORES).items()
        }
        self.weights_only = weights_only
        self._widget: Any = None

    @property
    def widget(self) -> Any:
        """The ipywidgets box (built on first use)."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def reset(self) -> None:
        """Back to equal weights and the default scores."""
        self.weights = dict(DEFAULT_WEIGHTS)
        self.scores = {o: dict(row) for o, row in DEFAULT_SCORES.items()}
        if self._widget is not None:
            self._sync_sliders()
            self._update()

    def _build(self) -> Any:
        import ipywidgets as widgets

        # One label width for every slider (long enough for the longest label, which wraps
        # rather than being cut off): the tracks line up.
        label_width = "19em"
        style = {"description_width": label_width}
        layout = widgets.Layout(width="40em")
        self._weight_sliders = {
            c.id: Slider(
                value=int(self.weights[c.id]),
                min=WEIGHT_MIN,
                max=WEIGHT_MAX,
                integer=True,
                description=f"{c.label} (weight)",
                description_width=label_width,
            )
            for c in CRITERIA
        }
        self._option_picker = widgets.Dropdown(
            options=[(o.label, o.id) for o in OPTIONS],
            value=OPTIONS[0].id,
            description="Scores of option",
            style=style,
            layout=layout,
        )
        self._score_sliders = {
            c.id: Slider(
                value=int(self.scores[OPTIONS[0].id][c.id]),
                min=SCORE_MIN,
                max=SCORE_MAX,
                integer=True,
                description=f"{c.label} (score)",
                description_width=label_width,
                tooltip=f"5 = {c.high}; 1 = {c.low}",
            )
            for c in CRITERIA
        }
        reset = widgets.Button(description="Reset to defaults", icon="undo")
        self._out = widgets.Output()
        self._syncing = False

        def on_weight(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            for cid, slider in self._weight_sliders.items():
                self.weights[cid] = slider.value
            self._update()

        def on_score(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            option = self._option_picker.value
            for cid, slider in self._score_sliders.items():
                self.scores[option][cid] = slider.value
            self._render()

        def on_pick(change: dict[str, Any]) -> None:
            self._sync_sliders()

        for slider in self._weight_sliders.values():
            slider.observe(on_weight, names="value")
        for slider in self._score_sliders.values():
            slider.observe(on_score, names="value")
        self._option_picker.observe(on_pick, names="value")
        reset.on_click(lambda _button: self.reset())

        weights_box = widgets.VBox(
            [
                widgets.HTML(
                    "<b>Your weights</b> (0 = ignore this criterion, 10 = most important)"
                ),
                *self._weight_sliders.values(),
            ]
        )
        if self.weights_only:
            self._update()
            return widgets.VBox([weights_box, reset, self._out])
        scores_box = widgets.VBox(
            [
                widgets.HTML(
                    "<b>Your scores</b> (1 = worst, 5 = best on that criterion; "
                    "pick an option, then move its sliders)"
                ),
                self._option_picker,
                *self._score_sliders.values(),
            ]
        )
        self._render()
        return widgets.VBox([weights_box, scores_box, reset, self._out])

    def _update(self) -> None:
        """Redraw what this explorer shows: the full results, or only the weights."""
        if self.weights_only:
            self._show_weights()
        else:
            self._render()

    def _show_weights(self) -> None:
        """The weights in words, highest first: no score and no total (weights-only mode).

        Set as the Output's state in one step, not printed inside `with self._out:` (nor
        through `clear_output`, which enters it), so the text cannot stray into the log
        console when sliders move quickly."""
        if sum(self.weights.values()) <= 0:
            text = "All weights are 0: give at least one criterion a weight above 0.\n"
        else:
            ranked = sorted(CRITERIA, key=lambda c: -self.weights[c.id])
            listed = "; ".join(f"{c.label} {self.weights[c.id]:g}" for c in ranked)
            text = f"Your weights, highest first: {listed}.\n"
        self._out.outputs = ({"output_type": "stream", "name": "stdout", "text": text},)

    def _sync_sliders(self) -> None:
        self._syncing = True
        try:
            for cid, slider in self._weight_sliders.items():
                slider.value = int(self.weights[cid])
            option = self._option_picker.value
            for cid, slider in self._score_sliders.items():
                slider.value = int(self.scores[option][cid])
        finally:
            self._syncing = False

    def _render(self) -> None:
        # The outputs are set in one go (`show_in`), never printed inside `with self._out:`:
        # that context manager tags output messages for the browser to route into the
        # widget, and when sliders moved quickly the browser sometimes had not yet applied
        # the tag, so the table went to JupyterLab's log console instead (issue 15).
        from diplomatic_cover.lessons.figures import Figure, Table, kit_style

        if sum(self.weights.values()) <= 0:
            show_in(self._out, "All weights are 0: give at least one criterion a weight above 0.")
            return
        table = weighted_scores(self.weights, self.scores)
        with kit_style():
            fig = plot_totals(table, title="Your weighted scores")
        figure = Figure(
            fig, alt=totals_alt(table), source="Your weights and scores: a judgement, not data."
        )
        flips = Table(display_flips(flip_points(self.weights, self.scores)))
        show_in(self._out, display_table(table), figure, flips)


def role_card_picker() -> Any:
    """A labelled drop-down that shows the chosen role's card below it."""
    import ipywidgets as widgets

    picker = widgets.Dropdown(
        options=[(c.title, c.id) for c in ROLE_CARDS.values()],
        value=next(iter(ROLE_CARDS)),
        description="Show the card of",
        style={"description_width": "140px"},
        layout=widgets.Layout(width="460px"),
    )
    shown = widgets.HTML(str(role_card(picker.value)))

    def on_pick(change: dict[str, Any]) -> None:
        shown.value = str(role_card(change["new"]))

    picker.observe(on_pick, names="value")
    return widgets.VBox([picker, shown])
