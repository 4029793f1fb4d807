"""A piece drawn once for a whole class (`pages.render.remembered`) is the piece drawn anew.

The grader draws each feedback card through `remembered`, so most cards of a class are drawn
once. That is safe only if an equal card gives the same HTML, a different card never gets
another's, and long pieces are not kept.
"""

from dataclasses import replace

from diplomatic_cover.grading.feedback import Card, Criterion
from diplomatic_cover.pages import render
from diplomatic_cover.pages.render import environment, remembered

CARD = Card(
    id="02.arrest-or-expel",
    title="Arrest or expel?",
    kind="auto",
    points=1.0,
    max_points=1.0,
    status="graded",
    score_class="full",
    answer="Immunity <b>rules out</b> an arrest",
    criteria=(Criterion("Explains immunity", 2.0, 2.0),),
    hint="",
    feedback="Right.",
    comment="",
)


def card_macro():
    return environment().get_template("feedback_item.html").module.card


def test_an_equal_card_is_drawn_once_and_reads_the_same():
    render._remembered.clear()
    fresh = str(card_macro()(CARD))
    first = remembered(card_macro(), CARD)
    again = remembered(card_macro(), replace(CARD))  # equal, not the same object
    assert again is first and str(first) == fresh
    assert "Immunity &lt;b&gt;rules out&lt;/b&gt; an arrest" in fresh


def test_a_different_card_is_drawn_for_itself():
    other = replace(CARD, points=0.0, score_class="none", answer="Evidence")
    assert "Evidence" in remembered(card_macro(), other)
    assert "Evidence" not in remembered(card_macro(), CARD)


def test_long_pieces_are_drawn_every_time_not_kept():
    render._remembered.clear()
    essay = replace(CARD, kind="manual", answer="word " * 5000)
    assert "word word" in remembered(card_macro(), essay)
    assert render._remembered == {}
