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


def test_a_table_of_text_is_shown_whole_left_aligned_with_numbers_on_the_right():
    import pandas as pd

    from diplomatic_cover.lessons.figures import Table

    frame = pd.DataFrame(
        {"Option": ["<b>Restore</b>", "Wait"], "Why": ["word " * 30, "x"], "Score": [3.25, 4]}
    )
    page = Table(frame, caption="A & B", source="Kit").html
    assert page.count("word") == 30  # the whole cell, not cut off with '...'
    assert "&lt;b&gt;Restore" in page and "<b>" not in page
    assert "<caption>A &amp; B</caption>" in page
    assert '<th scope="row">&lt;b&gt;Restore&lt;/b&gt;</th>' in page  # each row has a header
    assert '<td class="num">3.25</td>' in page and '<td class="num">4</td>' in page
    assert "text-align:left" in page  # JupyterLab would right-align every cell
    assert "Score" in repr(Table(frame))  # readable as text in a terminal too
