"""Figures carry alternative text and their source, and use the colour-blind-safe palette."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from diplomatic_cover.lessons.figures import OKABE_ITO, Figure, kit_style


def test_a_figure_shows_as_an_image_with_alt_text_and_source():
    with kit_style():
        fig, ax = plt.subplots()
        (line,) = ax.plot([1, 2, 3], [3, 1, 2])
    assert line.get_color().lower() == OKABE_ITO[0].lower()
    shown = Figure(fig, alt="Counts fall then rise, 1 to 3.", source="data/expulsions.csv")
    page = shown._repr_html_()
    assert 'alt="Counts fall then rise, 1 to 3."' in page
    assert "data:image/png;base64," in page
    assert "data/expulsions.csv" in page
    assert "http" not in page.replace("data:image", "")


def test_a_figure_without_alt_text_is_refused():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alternative text"):
        Figure(fig, alt="  ")
    plt.close(fig)
