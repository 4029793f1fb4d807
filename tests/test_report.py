"""The report and the progress view: every question shown, answers readable, nothing unsafe.

A small catalogue written here keeps the counts stable while the kit's own catalogue grows;
one test runs against the kit's real catalogue too.
"""

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from diplomatic_cover.answers.catalogue import load_catalogue, parse_catalogue
from diplomatic_cover.answers.state import ANSWERED, INVALID, NOT_ANSWERED
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.report import build_report
from diplomatic_cover.widgets.progress import progress
from tests.sample_answers import ANA, CATALOGUE_TOML, fill_store


@pytest.fixture
def catalogue():
    return parse_catalogue(CATALOGUE_TOML)


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "responses")


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, to check what a browser would load."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}


def test_every_question_of_the_catalogue_is_in_the_report_answered_or_not(store, catalogue):
    fill_store(store)
    page = build_report(ANA, store, catalogue)
    for question_id in catalogue:
        assert f'id="q-{question_id}"' in page
    # 01.one-word and 01.first-step were never answered.
    assert page.count('<p class="missing">not answered</p>') == 2
    assert "answered 2 of 4" in page
    assert "answered 4 of 4" in page
    assert "Answered 6 of 8 questions." in page


def test_notebooks_appear_in_catalogue_order(store, catalogue):
    fill_store(store)
    page = build_report(ANA, store, catalogue)
    assert page.index('id="nb-01_tour"') < page.index('id="nb-02_cover"')
    assert page.index('id="q-02.embassies-open"') < page.index('id="q-02.kinds"')


def test_the_title_names_the_student_and_the_date(store, catalogue):
    page = build_report(
        ANA, store, catalogue, generated_at=datetime(2026, 11, 27, 10, 42, tzinfo=UTC)
    )
    assert "<title>Answers of Ana Silva, 2026-11-27: Diplomatic Cover</title>" in page
    assert "<h1>Answers of <bdi>Ana Silva</bdi></h1>" in page


def test_a_script_typed_as_an_answer_is_shown_as_text_never_run(store, catalogue):
    fill_store(store)
    page = build_report(ANA, store, catalogue)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page
    assert not {"script", "img"} & Tags(page).names()


def test_the_page_loads_nothing_from_anywhere(store, catalogue):
    fill_store(store)
    page = build_report(ANA, store, catalogue)
    tags = Tags(page)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & tags.names()
    for tag, attrs in tags.tags:
        assert "src" not in attrs, tag
    assert "url(" not in page and "@import" not in page
    # Links in prompts stay plain anchors (followed only if clicked); the rest are in-page.
    hrefs = [attrs["href"] for tag, attrs in tags.tags if tag == "a"]
    assert "https://example.org/vienna" in hrefs
    assert all(h.startswith("#") for h in hrefs if h != "https://example.org/vienna")
    policy = [
        a["content"] for t, a in tags.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]


def test_prompts_are_rendered_from_markdown(store, catalogue):
    page = build_report(ANA, store, catalogue)
    assert "Why <strong>expel</strong> diplomats" in page


def test_lists_rankings_and_classifications_read_as_html(store, catalogue):
    fill_store(store)
    page = build_report(ANA, store, catalogue)
    assert "<ul><li>Saved answers</li><li>Notebook text</li></ul>" in page
    assert "<ol><li>News agency</li><li>Ministry statement</li><li>Anonymous post</li></ol>" in page
    assert "<tr><td>Delegations met in Istanbul.</td><td>Reported fact</td></tr>" in page
    assert (
        "<tr><td>Officials said Russia was holding back.</td>"
        '<td><span class="missing">not placed</span></td></tr>'
    ) in page
    assert (
        "Agree (4 of 5); confidence: Quite sure; why: Channels &lt;matter&gt; in a crisis" in page
    )


def test_a_number_saved_as_not_valid_is_marked_and_shows_what_was_typed(store, catalogue):
    fill_store(store)
    page = build_report(ANA, store, catalogue)
    article = page[page.index('id="q-02.expelled"') :].split("</article>")[0]
    assert '<span class="badge invalid">invalid</span>' in article
    assert "“abc” (not a number)" in article


def test_a_number_outside_its_range_shows_the_range(store, catalogue):
    value = {"raw": "5000", "number": 5000.0}
    store.save_answer(ANA, "02_cover", "02.expelled", value, valid=False, raw="5000")
    page = build_report(ANA, store, catalogue)
    assert "5000 people (typed as “5000”; allowed: 0 to 1000 people)" in page


def test_each_answer_shows_when_it_was_saved(store, catalogue):
    entry = store.save_answer(ANA, "01_tour", "01.one-word", "illegal")
    page = build_report(ANA, store, catalogue)
    assert f'<time datetime="{entry["saved_at"]}">' in page


def test_recorded_checks_are_listed(store, catalogue):
    fill_store(store)
    page = build_report(ANA, store, catalogue)
    assert "Recorded checks" in page
    assert '<code>expelled-total</code>: <span class="passed">passed</span> · 60' in page


def test_an_answer_of_an_unexpected_shape_is_shown_raw_instead_of_failing(store, catalogue):
    store.save_answer(ANA, "02_cover", "02.sources", "wire first, then ministry")
    store.save_answer(ANA, "01_tour", "01.dropped-question", "kept from an older kit")
    page = build_report(ANA, store, catalogue)
    assert "wire first, then ministry" in page
    assert "kept from an older kit" in page and "not in this kit" in page


def test_a_student_with_no_answers_gets_a_report_saying_so(store, catalogue):
    page = build_report(ANA, store, catalogue)
    assert "Nothing answered yet: 0 of 8 questions" in page
    assert page.count('<p class="missing">not answered</p>') == 8


def test_the_kits_own_catalogue_reports_every_question(store):
    page = build_report(ANA, store)
    for question_id in load_catalogue():
        assert f'id="q-{question_id}"' in page


# -- My progress ------------------------------------------------------------------------


def test_progress_lists_every_question_with_its_state(store, catalogue):
    fill_store(store)
    overview = progress(ANA, store, catalogue)
    states = {q.question.id: q.state for nb in overview.notebooks for q in nb.questions}
    assert states == {
        "01.why-expel": ANSWERED,
        "01.one-word": NOT_ANSWERED,
        "01.first-step": NOT_ANSWERED,
        "01.survives": ANSWERED,
        "02.embassies-open": ANSWERED,
        "02.expelled": INVALID,
        "02.sources": ANSWERED,
        "02.kinds": ANSWERED,
    }
    assert (overview.answered, overview.total) == (6, 8)


def test_progress_reads_as_text_in_a_terminal(store, catalogue):
    fill_store(store)
    text = str(progress(ANA, store, catalogue))
    assert text.startswith("Progress of Ana Silva (ana-silva): 6 of 8 questions answered")
    assert "01 · Tour: 2 of 4 answered" in text
    assert "  [ ] 01.one-word  One word" in text
    assert "  [!] 02.expelled  How many expelled  (saved, not valid)" in text
    assert "  [x] 01.survives  Survives a restart: Saved answers; Notebook text" in text


def test_progress_shows_as_a_table_in_a_notebook_with_the_answers_escaped(store, catalogue):
    fill_store(store)
    page = progress(ANA, store, catalogue)._repr_html_()
    assert "<caption" in page and "01 · Tour: 2 of 4 answered" in page
    assert "✗ not answered" in page
    assert "<script" not in page and "&lt;script&gt;" in page


def test_progress_before_anything_is_saved_lists_everything_as_not_answered(store, catalogue):
    overview = progress(ANA, store, catalogue)
    assert overview.answered == 0
    assert str(overview).count("[ ]") == 9  # eight questions and the legend
