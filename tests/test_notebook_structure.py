"""Every guided notebook follows the kit's shape (CONTRIBUTING.md): objectives and a time
budget first, questions from the catalogue, discussion prompts, key points, an exit ticket,
references and a hand-in button at the end."""

import json
import re
from pathlib import Path

import pytest

from diplomatic_cover.answers.catalogue import load_catalogue
from diplomatic_cover.instructor.timing import STATED

ROOT = Path(__file__).resolve().parents[1]
GUIDED = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.stem[:2] != "00")
ALL = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ASK = re.compile(r"""\bdc\.ask\(\s*["']([^"']+)["']""")
GLOSSARY_LINK = re.compile(r"glossary\.md#([a-z0-9-]+)")
QUOTE = re.compile(r"[“\"]([^”\"\n]{3,400})[”\"]")


def _cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def _markdown(path):
    return "\n\n".join(src for kind, src in _cells(path) if kind == "markdown")


def _asked(path):
    return [qid for kind, src in _cells(path) if kind == "code" for qid in ASK.findall(src)]


def _minutes(first_cell):
    found = STATED.search(first_cell)
    return int(found.group(1)) if found else 0


def test_there_are_guided_notebooks():
    assert GUIDED, "no guided notebooks found"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_opens_with_objectives_questions_and_a_time_budget(path):
    kind, first = _cells(path)[0]
    assert kind == "markdown"
    assert first.startswith(f"# {path.stem[:2]} · ")
    assert "Questions this notebook answers" in first
    assert "By the end you will be able to" in first
    assert _minutes(first) > 0


@pytest.mark.parametrize("path", GUIDED, ids=lambda p: p.stem)
def test_guided_notebook_shape(path):
    cells = _cells(path)
    first = cells[0][1]
    # One class session (45), one with reading before it (60) or two sessions (90): the
    # timing model (tests/test_timing.py) checks that the notebook's core fits.
    assert _minutes(first) in (45, 60, 90), "a guided notebook states 45, 60 or 90 minutes"
    assert "**Facts current to:**" in first
    code = [src for kind, src in cells if kind == "code"]
    assert f'dc.start("{path.stem}")' in code[0]
    assert "dc.submit_button()" in code[-1]
    text = _markdown(path)
    for heading in ("## Key points", "## Exit ticket", "## References"):
        assert heading in text, heading
    references = text.split("## References", 1)[1]
    assert "http" in references


@pytest.mark.parametrize("path", GUIDED, ids=lambda p: p.stem)
def test_discussion_prompts_say_task_time_who_and_debrief(path):
    prompts = [s for k, s in _cells(path) if k == "markdown" and "### Discussion" in s]
    assert len(prompts) >= 2
    for prompt in prompts:
        for part in ("**Task:**", "**Time:**", "**Who:**", "**Debrief:**"):
            assert part in prompt, f"{part} missing in: {prompt[:60]}"


@pytest.mark.parametrize("path", GUIDED, ids=lambda p: p.stem)
def test_questions_come_from_the_catalogue_and_match_it(path):
    catalogue = load_catalogue()
    asked = _asked(path)
    assert len(asked) == len(set(asked)), "a question is shown twice"
    assert len(asked) >= 6
    for qid in asked:
        assert catalogue[qid].notebook == path.stem, qid
    assert set(asked) == {q.id for q in catalogue.for_notebook(path.stem)}
    assert len({catalogue[q].type for q in asked}) >= 3
    number = path.stem[:2]
    assert asked[-2:] == [f"{number}.exit-1", f"{number}.exit-2"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_glossary_links_point_to_entries_that_exist(path):
    glossary = (ROOT / "notebooks" / "glossary.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', glossary))
    linked = set(GLOSSARY_LINK.findall(_markdown(path)))
    assert linked <= anchors, sorted(linked - anchors)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_quotations_stay_short(path):
    """We cite, we do not copy: a quoted phrase is a dozen words at most.

    Titles of cited works may be longer; a long quotation passes only if it is the title of
    a work listed in the notebook's references.
    """
    text = _markdown(path)
    references = text.split("## References", 1)[1] if "## References" in text else ""
    body = text.split("## References", 1)[0]
    long_quotes = [
        q for q in QUOTE.findall(body) if len(q.split()) > 12 and q.strip() not in references
    ]
    assert long_quotes == []


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_no_dollar_sign_turns_prose_into_math(path):
    # JupyterLab hands rendered Markdown to MathJax, which reads the text between two $ signs
    # as math ("$545 million ... $1 billion" became a line of italic letters), and a
    # backslash does not stop it there. Amounts are written "545 million dollars".
    for kind, source in _cells(path):
        if kind == "markdown":
            assert "$" not in source, source[:80]


def test_the_glossarys_fisa_entry_cites_the_sections_notebook_04_explains_fisa_with():
    """Notebook 04 explains who needs a court order under FISA from the statute itself; the
    glossary entry a student opens from there must rest on the same sections, not on fewer."""
    glossary = (ROOT / "notebooks" / "glossary.md").read_text(encoding="utf-8")
    entry = glossary.split('<a id="fisa"></a>', 1)[1].split("<a id=", 1)[0]
    notebook = _markdown(ROOT / "notebooks" / "04_counterintelligence_capacity.ipynb")
    section = notebook.split("## Going further: watching diplomats", 1)[1].split("\n## ", 1)[0]
    explained = set(re.findall(r"§ (18\d\d)\b", section))
    assert explained, "notebook 04 no longer cites FISA's sections: update this test"
    cited = set(re.findall(r"title50-section(18\d\d)&", entry))
    assert explained <= cited, sorted(explained - cited)
