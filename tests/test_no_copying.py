"""We cite the article, we do not copy it: no run of ten or more consecutive words of the
article appears anywhere in the kit's teaching text (a quoted phrase is at most a dozen words,
and the kit's quotes are shorter than ten in practice)."""

import json
import re

import pytest

from tests.kit_files import ROOT, kit_texts

ARTICLE = ROOT.parent / "shared" / "reading" / "article.txt"
RUN = 10


def _words(text):
    return re.findall(r"[a-z0-9’']+", text.lower().replace("’", "'"))


def _teaching_texts():
    """Every text file of the kit (tests/kit_files.py: what git tracks, data, templates,
    scripts, README, CHANGELOG and the instructors' exercise copies included); notebooks by
    their cells' sources."""
    for path, text in kit_texts():
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        yield path, text


def _shingles(words):
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.fixture(scope="module")
def article_shingles():
    if not ARTICLE.is_file():
        pytest.skip(f"the shared article is not at {ARTICLE} (it sits beside the kit in CI)")
    return _shingles(_words(ARTICLE.read_text(encoding="utf-8")))


def test_the_check_finds_a_copied_sentence(article_shingles):
    copied = " ".join(_words(ARTICLE.read_text(encoding="utf-8"))[20:35])
    assert _shingles(_words(copied)) & article_shingles


def test_no_teaching_text_copies_ten_words_of_the_article(article_shingles):
    copied = {
        str(path.relative_to(ROOT)): sorted(_shingles(_words(text)) & article_shingles)[:3]
        for path, text in _teaching_texts()
    }
    assert {path: runs for path, runs in copied.items() if runs} == {}


def test_the_scan_covers_the_case_reading_and_every_notebook():
    scanned = {str(path.relative_to(ROOT)) for path, _ in _teaching_texts()}
    assert "readings/case_reading.md" in scanned
    assert "notebooks/01_reading_the_article.ipynb" in scanned


def test_the_scan_covers_every_tracked_text_not_only_the_notebooks():
    scanned = {str(path.relative_to(ROOT)) for path, _ in _teaching_texts()}
    for expected in (
        "README.md",
        "CHANGELOG.md",
        "data/expulsions.csv",
        "readings/case_reading.md",
    ):
        assert expected in scanned
    assert any(name.startswith("instructors/exercises/") for name in scanned)
    assert any(name.startswith("src/diplomatic_cover/pages/templates/") for name in scanned)
