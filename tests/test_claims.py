"""The claims map of notebook 01 agrees with its questions, and its numbers are right."""

import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue
from diplomatic_cover.lessons import claims

CLASSIFY = "01.classify-statements"


def test_the_classify_question_asks_about_the_claims_maps_statements_word_for_word():
    question = load_catalogue()[CLASSIFY]
    assert [s.id for s in question.statements] == list(claims.CLASSIFY_IDS)
    for statement in question.statements:
        assert statement.label == claims.by_id(statement.id).paraphrase, statement.id


def test_the_classify_labels_are_the_four_kinds():
    question = load_catalogue()[CLASSIFY]
    assert {label.id: label.label for label in question.labels} == claims.KINDS


def test_the_answer_key_gives_each_statement_the_kind_the_claims_map_gives_it():
    key = load_answer_key()[CLASSIFY].correct
    assert key == {sid: claims.by_id(sid).kind for sid in claims.CLASSIFY_IDS}


def test_the_classify_question_has_six_to_eight_statements_and_uses_every_kind():
    assert 6 <= len(claims.CLASSIFY_IDS) <= 8
    assert {claims.by_id(sid).kind for sid in claims.CLASSIFY_IDS} == set(claims.KINDS)


def test_the_chart_question_explains_what_the_claims_map_counts():
    # 4 statements rest on unnamed officials and 3 on no source at all. The answer can be read
    # off the chart, so the question is practice: its explanation is public, never graded.
    assert claims.unnamed_or_unsourced("rewrite") == 7
    question = load_catalogue()["01.unnamed-count"]
    assert question.practice and not question.points
    assert question.explain.startswith(f"**{claims.unnamed_or_unsourced()}**:")
    assert "01.unnamed-count" not in load_answer_key()


def test_the_original_rests_fewer_of_the_same_statements_on_unnamed_or_no_sources():
    assert claims.unnamed_or_unsourced("original") == 5
    with pytest.raises(ValueError, match="rewrite"):
        claims.unnamed_or_unsourced("draft")


def test_the_ranking_key_orders_statements_by_the_checkability_of_their_source():
    order = list(claims.SOURCE_TYPES)
    ranked = load_answer_key()["01.evidence-rank"].correct
    ranks = [order.index(claims.by_id(sid).source_type) for sid in ranked]
    assert ranks == sorted(ranks)


def test_statement_ids_are_unique_and_every_statement_is_filled_in():
    ids = [s.id for s in claims.CLAIMS]
    assert len(ids) == len(set(ids)) == 15
    for s in claims.CLAIMS:
        assert s.paraphrase and s.speaker and s.evidence and s.check and s.original_speaker


def test_an_unknown_kind_or_source_type_is_refused():
    with pytest.raises(ValueError, match="kind"):
        claims.Statement("x", "p", "rumour", "s", "none", "e", "c", "o", "none")
    with pytest.raises(ValueError, match="source type"):
        claims.Statement("x", "p", "fact", "s", "absent", "e", "c", "o", "none")


def test_the_added_conclusion_is_editorial_and_absent_from_the_original():
    editorial = [s for s in claims.CLAIMS if s.kind == "editorial"]
    assert [s.id for s in editorial] == ["security-concerns", "vigilant", "outcome"]
    assert all(s.original_source_type == "absent" for s in editorial)


def test_the_comparison_shows_two_us_officials_becoming_reportedly():
    table = claims.comparison_table(changed_only=True)
    row = table.loc["stalling"]
    assert "Two US officials" in row["Original CNN report: who says it"]
    assert "reportedly" in row["Rewrite: who says it"]
    assert "former President" in table.loc["agreed", "What changed"]
    assert "istanbul" not in table.index  # "Turkey" and "Istanbul" are both in the original


def test_source_type_counts_add_up_to_every_statement_in_both_texts():
    counts = claims.count_source_types()
    assert list(counts.columns) == ["Original", "Rewrite"]
    assert (counts.sum() == len(claims.CLAIMS)).all()
    assert counts.loc["The writer's own judgement", "Rewrite"] == 3
    assert counts.loc["The writer's own judgement", "Original"] == 0


def test_claims_table_filters_by_kind_and_refuses_unknown_kinds():
    facts = claims.claims_table("fact")
    assert list(facts.index) == ["agreed", "istanbul"]
    assert len(claims.claims_table()) == len(claims.CLAIMS)
    with pytest.raises(ValueError, match="kind"):
        claims.claims_table("rumour")


def test_show_renders_wrapping_escaped_html_without_truncating_text():
    frame = pd.DataFrame({"Text": ["<b>Moscow</b> " + "word " * 40]})
    page = claims.show(frame, caption="A & B")._repr_html_()
    assert "&lt;b&gt;Moscow" in page
    assert page.count("word") == 40  # the whole cell, not cut off with '...'
    assert "A &amp; B" in page


def test_date_checks_work_out_the_weekday_the_timestamp_and_the_inauguration_gap():
    answers = list(claims.date_checks()["Answer"])
    assert answers[0] == "It was a Thursday."
    assert answers[1].startswith("28 February 2025, 09:05 UTC")
    assert "10 days earlier" in answers[2]
    assert "23 days earlier" in answers[3]


def test_quoted_phrases_in_the_claims_data_are_at_most_a_dozen_words():
    texts = [
        value
        for s in claims.CLAIMS
        for value in (s.paraphrase, s.speaker, s.evidence, s.check, s.original_speaker, s.change)
    ] + [
        value for c in claims.REWRITE_CHANGES for value in (c.original, c.rewrite, c.why_it_matters)
    ]
    quotes = [q for text in texts for q in re.findall(r'"([^"]+)"', text)]
    assert quotes, "expected some quoted phrases"
    for quote in quotes:
        assert len(quote.split()) <= 12, quote


def test_every_change_to_the_whole_report_names_its_sources():
    assert all(c.sources.strip() for c in claims.REWRITE_CHANGES)
    assert len(claims.rewrite_changes_table()) == len(claims.REWRITE_CHANGES)


def test_the_chart_has_alt_text_with_the_counts_it_shows():
    figure = claims.plot_who_stands_behind()
    assert "7 rest on unnamed officials or no source" in figure.alt
    assert "against 5" in figure.alt
    assert "range from 0 to 4" in figure.alt
