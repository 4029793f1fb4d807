"""The handed-in report opens in a browser with the network cut off, and shows the answers.

Every request the page makes is recorded and, unless it is the report file itself, blocked:
a report that needed a font, a stylesheet or a script from the web would fail here, and so
would a student's answer that slipped through unescaped as an <img> or <script>.
"""

from datetime import UTC, datetime

import pytest

from diplomatic_cover.answers.catalogue import parse_catalogue
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.report import build_report
from tests.sample_answers import ANA, CATALOGUE_TOML, SCRIPT_ANSWER, fill_store


@pytest.fixture
def report_file(tmp_path):
    store = ResponseStore(tmp_path / "responses")
    fill_store(store)
    page = build_report(
        ANA,
        store,
        parse_catalogue(CATALOGUE_TOML),
        generated_at=datetime(2026, 11, 27, 10, 42, tzinfo=UTC),
    )
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def open_offline(browser, path):
    """Open `path` in a page that may load that file and nothing else; record every attempt.

    The page's own Content-Security-Policy is bypassed, so what is tested is the markup:
    anything it tries to fetch reaches the route below, is recorded, and is aborted.
    """
    context = browser.new_context(bypass_csp=True)
    attempted: list[str] = []
    dialogs: list[str] = []
    url = path.as_uri()

    def only_the_file(route):
        attempted.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.on("request", lambda request: attempted.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # give any late request (a lazy image, a font) time to show
    return context, page, attempted, dialogs


@pytest.fixture
def offline_page(browser, report_file):
    context, page, attempted, dialogs = open_offline(browser, report_file)
    yield page, attempted, dialogs, report_file.as_uri()
    context.close()


def test_the_check_would_catch_a_page_that_fetches_something(browser, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text(
        '<!DOCTYPE html><link rel="stylesheet" href="https://fonts.example.com/a.css">'
        '<p>hello</p><img src="http://example.invalid/pixel.png">'
    )
    context, _page, attempted, _dialogs = open_offline(browser, leaky)
    context.close()
    assert "https://fonts.example.com/a.css" in attempted
    assert "http://example.invalid/pixel.png" in attempted


def test_the_report_requests_nothing_but_itself(offline_page):
    _page, attempted, _dialogs, report_url = offline_page
    assert set(attempted) == {report_url}


def test_the_typed_answers_are_visible_offline(offline_page):
    page, *_ = offline_page
    assert page.title() == "Answers of Ana Silva, 2026-11-27: Diplomatic Cover"
    body = page.locator("body")
    assert page.get_by_role("heading", name="Answers of Ana Silva").is_visible()
    assert "Answered 6 of 8 questions." in body.inner_text()
    expel = page.locator('[id="q-01.why-expel"] .answer')
    assert not expel.is_visible()  # each notebook's section opens folded
    for summary in page.locator("details.notebook > summary").all():
        summary.click()  # a reader opens them; no script is needed
    assert expel.is_visible()
    assert SCRIPT_ANSWER in expel.inner_text()  # the student's text, shown as text
    ranking = page.locator('[id="q-02.sources"] ol li')
    assert ranking.all_inner_texts() == ["News agency", "Ministry statement", "Anonymous post"]
    number = page.locator('[id="q-02.expelled"]')
    assert "“abc” (not a number)" in number.inner_text()
    assert number.locator(".badge.invalid").first.is_visible()
    assert page.locator('[id="q-01.one-word"]').get_by_text("not answered").first.is_visible()


def test_a_script_in_an_answer_never_runs(offline_page):
    page, _attempted, dialogs, _url = offline_page
    assert dialogs == []
    assert page.locator("script, img").count() == 0
