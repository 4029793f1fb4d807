"""The page templates: every one rendered with hostile text stays inert, none can turn
escaping off, and a student's first cells never load Jinja2.

"Hostile" is what a mischievous student (or a careless paste) puts where a name, an answer, a
comment or an id goes: markup, an attribute break-out, a `javascript:` link, a right-to-left
override, a NUL, a megabyte. Each page is parsed and must show those as text: no script, no
image, no event handler, no link that runs code.
"""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jinja2.meta
import pytest

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue, parse_catalogue
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.state import notebook_progress
from diplomatic_cover.grading.classreport import class_report
from diplomatic_cover.grading.config import load_config
from diplomatic_cover.grading.feedback import feedback_page
from diplomatic_cover.grading.results import GRADED, PENDING, ItemResult, StudentResult
from diplomatic_cover.handin.report import build_report
from diplomatic_cover.pages.render import environment, template_folder
from diplomatic_cover.widgets.progress import Progress
from diplomatic_cover.widgets.rubric import _piece
from tests.grading.kit import write_config
from tests.sample_answers import CATALOGUE_TOML

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "diplomatic_cover"

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JS_LINK = "javascript:alert(1)"
RTL = "\u202eevil\u202c"
NUL = "a\x00b"
MEGABYTE = "x" * 1_000_000
HOSTILE = f"{SCRIPT} {BREAKOUT} {JS_LINK} {RTL} {NUL}"


class Page(HTMLParser):
    """What a browser would build from a page: its tags, attributes and text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(page: str) -> Page:
    parsed = Page(page)
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    for tag, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for key in ("href", "src", "action", "formaction"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:text", "vbscript:")), (tag, attrs)
    text = "".join(parsed.text)
    assert SCRIPT in text and BREAKOUT in text  # shown to the reader, as text
    return parsed


# -- One builder per page, each fed hostile text wherever a person's words go -----------------

HOSTILE_STUDENT = Student(id=f"id-{HOSTILE}", name=f"Name {HOSTILE}")


def _report() -> str:
    catalogue = parse_catalogue(CATALOGUE_TOML)
    answers = {
        "01.why-expel": {"value": f"{HOSTILE} {MEGABYTE}", "saved_at": HOSTILE},
        "01.one-word": {"value": HOSTILE, "saved_at": "2026-11-27T10:42:05Z"},
        "01.first-step": {"value": HOSTILE},
        "01.survives": {"value": [HOSTILE, "answers"]},
        f"01.{HOSTILE}": {"value": HOSTILE},  # an id the catalogue does not know
    }
    more = {
        "02.expelled": {"value": {"raw": HOSTILE, "number": None}, "raw": HOSTILE, "valid": False},
        "02.sources": {"value": {"not": HOSTILE}},  # a value of the wrong shape
        "02.kinds": {"value": {"met": HOSTILE, HOSTILE: "fact"}},
    }
    checks = {
        HOSTILE: {
            "value": {
                "__type__": "Calls",
                "name": HOSTILE,
                "calls": [{"args": [HOSTILE], "output": HOSTILE}],
            },
            "passed": True,
            "saved_at": HOSTILE,
        },
    }
    documents = {
        "01_tour": {"answers": answers, "checks": checks},
        "02_cover": {"answers": more},
        HOSTILE: {"answers": {"x.y": {"value": HOSTILE}}, "checks": {"c": {"value": HOSTILE}}},
    }
    return build_report(HOSTILE_STUDENT, catalogue=catalogue, documents=documents)


def _results(name: str) -> StudentResult:
    items = [
        ItemResult("guided", "00.tour-text", "manual", 2, points=1, status=GRADED,
                   answer=HOSTILE, comment=HOSTILE, feedback=HOSTILE, hint=HOSTILE,
                   criteria=[{"title": HOSTILE, "points": 1, "max_points": 2}]),
        ItemResult("guided", "00.tour-single", "auto", 1, points=0, status=HOSTILE,
                   answer=HOSTILE, hint=HOSTILE),
        ItemResult("ex1_pandas_record", "ex1.by-decade", "check", 2, status=PENDING,
                   hint=HOSTILE),
    ]  # fmt: skip
    opinions = {"00.tour-short": f"{HOSTILE} {name}", "06.rank-options": [HOSTILE]}
    return StudentResult(key=name, name=f"{name} {HOSTILE}", items=items, opinions=opinions)


def _feedback(tmp_path) -> str:
    config = load_config(write_config(tmp_path), load_catalogue(), load_answer_key())
    return feedback_page(_results("ana"), config, load_catalogue(), course=HOSTILE)


def _class_report(tmp_path) -> str:
    config = load_config(write_config(tmp_path), load_catalogue(), load_answer_key())
    students = {f"s{n}": _results(f"s{n}") for n in range(6)}  # enough to show opinions
    return class_report(students, config, load_catalogue(), course=HOSTILE)


def _progress() -> str:
    catalogue = parse_catalogue(CATALOGUE_TOML)
    documents = {"01_tour": {"answers": {"01.why-expel": {"value": HOSTILE, "saved_at": HOSTILE}}}}
    return Progress(HOSTILE_STUDENT, notebook_progress(documents, catalogue))._repr_html_()


def _rubric() -> str:
    return "".join(
        [
            _piece("heading"),
            _piece("where", 1, 2, 0),
            _piece("prompt", HOSTILE, 2, HOSTILE),
            _piece("answer", f"{HOSTILE} {MEGABYTE}", 1, HOSTILE),
            _piece("no_answers"),
            _piece("saved", HOSTILE),
            _piece("failed", HOSTILE),
            _piece("not_graded_yet", HOSTILE),
        ]
    )


PAGES = {
    "report.html": lambda tmp_path: _report(),
    "feedback.html": _feedback,
    "class_report.html": _class_report,
    "progress.html": lambda tmp_path: _progress(),
    "rubric.html": lambda tmp_path: _rubric(),
}


def _templates() -> set[str]:
    return {p.name for p in Path(template_folder()).iterdir() if p.is_file()}


def _reached_from(name: str) -> set[str]:
    """`name` and every template it extends, imports or includes, recursively."""
    env = environment()
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source = env.loader.get_source(env, current)[0]
        todo += [t for t in jinja2.meta.find_referenced_templates(env.parse(source)) if t]
    return seen


def test_every_template_is_rendered_by_the_hostile_test():
    reached = set().union(*(_reached_from(name) for name in PAGES))
    assert reached == _templates()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_hostile_text_is_shown_as_text_and_never_runs(name, tmp_path):
    page = PAGES[name](tmp_path)
    parsed = assert_inert(page)
    text = "".join(parsed.text)
    assert RTL in text and JS_LINK in text


def test_a_megabyte_answer_is_kept_whole():
    assert MEGABYTE in _report()


def test_a_students_name_is_isolated_from_the_text_around_it(tmp_path):
    # A right-to-left override in a name must not reverse the words after it.
    for page in (_report(), _feedback(tmp_path), _progress()):
        assert re.search(r"<bdi>[^<]*&lt;script&gt;alert\(1\)&lt;/script&gt;", page)


# -- No template can turn escaping off --------------------------------------------------

UNSAFE = re.compile(r"\|\s*safe\b|autoescape\s+(false|off|no)|\bMarkup\b|\{%\s*autoescape")


def test_no_template_turns_escaping_off():
    for path in sorted(Path(template_folder()).iterdir()):
        text = path.read_text(encoding="utf-8")
        assert not UNSAFE.search(text), f"{path.name}: {UNSAFE.search(text).group(0)!r}"


def test_the_unsafe_pattern_catches_what_it_should():
    for bad in ["{{ x|safe }}", "{{ x | safe }}", "{% autoescape false %}", "{% autoescape off %}"]:
        assert UNSAFE.search(bad), bad


def test_only_the_markdown_renderer_hands_templates_ready_html():
    # Markup() tells Jinja2 "already safe": only pages/render.py may say that, and only of
    # the kit's sanitising Markdown renderer's output.
    users = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if re.search(r"\bMarkup\(", p.read_text(encoding="utf-8"))
    )
    assert users == ["pages/render.py"]


def test_the_environment_escapes_everything():
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x=SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"


# -- A student's first cells stay light --------------------------------------------------

FIRST_CELLS = """
import sys
import diplomatic_cover as dc
session = dc.start("00_start_here")
session._repr_html_()
from diplomatic_cover.checks import check
feedback = check("ex1.by-decade", None)
feedback._repr_html_()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("jinja2", "markupsafe"))
print(loaded)
"""


def _modules_loaded_by(script: str, tmp_path) -> str:
    env = {"DIPLOMATIC_COVER_RESPONSES": str(tmp_path / "responses"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_students_first_cell_and_check_never_import_jinja2(tmp_path):
    assert _modules_loaded_by(FIRST_CELLS, tmp_path) == "[]"


def test_the_import_check_would_see_jinja2(tmp_path):
    script = FIRST_CELLS.replace("loaded =", "import diplomatic_cover.pages.render\nloaded =")
    assert "jinja2" in _modules_loaded_by(script, tmp_path)


# -- Nothing the kit shows needs an emoji font ------------------------------------------

# Characters drawn as emoji by default (Unicode's Emoji_Presentation) that fall outside the
# supplementary planes: Debian's Chromium has no emoji font, so each shows as an empty box.
EMOJI_IN_BMP = set(
    "⌚⌛⏩⏪⏫⏬⏰⏳◽◾☔☕♈♉♊♋♌♍♎♏♐♑♒♓♿⚓⚡⚪⚫⚽⚾⛄⛅⛎⛔⛪⛲⛳⛵⛺⛽✅✊✋✨❌❎❓❔❕❗➕➖➗➰➿⬛⬜⭐⭕"
)
SHOWN = [
    *ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("exercises/*.ipynb"),
    # The glossary opens beside the notebooks; the guides are read in JupyterLab or a browser.
    *ROOT.glob("notebooks/*.md"), *ROOT.glob("instructors/*.md"),
    *(p for p in SRC.rglob("*") if p.suffix in {".py", ".js", ".css", ".toml", ".html"}),
]  # fmt: skip


def _emoji(text: str) -> list[str]:
    return sorted({c for c in text if ord(c) >= 0x1F000 or c in EMOJI_IN_BMP})


def test_nothing_the_kit_shows_needs_an_emoji_font():
    found = {
        str(p.relative_to(ROOT)): _emoji(p.read_text(encoding="utf-8"))
        for p in SHOWN
        if _emoji(p.read_text(encoding="utf-8"))
    }
    assert found == {}


def test_the_emoji_check_knows_an_emoji_from_a_text_symbol():
    assert _emoji("💬 ✅ ❌ 📝 ✓ ✗ ✏ → …") == sorted("💬✅❌📝")
