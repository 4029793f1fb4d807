"""Fill the page templates: one Jinja2 environment, autoescaping on, one stylesheet.

`render("report.html", **data)` returns the page as text. Every value placed in a template
is escaped by Jinja2; no template may turn that off (`|safe` or `autoescape false`:
tests/test_pages.py reads every template and fails on either). The one kind of pre-rendered
HTML a page shows is a catalogue prompt or model answer in Markdown: `markdown()` renders it
with the kit's sanitising renderer (raw HTML in the source is escaped, harmful link schemes
are dropped) and hands the template a `Markup` object, so the template never needs `|safe`.

Instructors can restyle or translate a page by copying a template (or `kit.css`) into a
folder named by `DIPLOMATIC_COVER_TEMPLATES`: files there are used before the kit's own.
Jinja2 is imported here only; widgets' small pieces use `fragments.esc` instead.

A page drawn for a whole class repeats itself: the grader writes a feedback page per
student, and most of their items (a right answer, a question left blank) look the same on
every page. `remembered(macro, value)` lets a template draw such a piece once per run: a
macro imported without context depends on its argument alone, so its output for an equal,
hashable `value` (a frozen dataclass) is the same and is reused. Only small pieces are kept
(`_REMEMBER_CHARS`, at most `_REMEMBER_PIECES` of them), so a class of long answers costs
no memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from diplomatic_cover import paths
from diplomatic_cover._version import __version__
from diplomatic_cover.answers.catalogue import render_markdown
from diplomatic_cover.pages.fragments import local_time

TEMPLATES_ENV = "DIPLOMATIC_COVER_TEMPLATES"

# Standalone pages load nothing: no fonts, images, stylesheets, scripts or frames.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def template_folder() -> str:
    """The kit's own templates (package data)."""
    return str(paths.package_path("pages", "templates"))


@cache
def _environment(override: str) -> jinja2.Environment:
    folders = [override, template_folder()] if override else [template_folder()]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["local_time"] = local_time
    environment.filters["points"] = points_text
    environment.globals.update(
        csp=CONTENT_SECURITY_POLICY, version=__version__, remembered=remembered
    )
    return environment


_REMEMBER_CHARS = 4096
_REMEMBER_PIECES = 4096
_remembered: dict[tuple[Callable[..., Any], Hashable], Any] = {}


def remembered(macro: Callable[..., Any], value: Hashable) -> Any:
    """`macro(value)`, drawn once for equal values (see the module docstring)."""
    key = (macro, value)
    found = _remembered.get(key)
    if found is None:
        found = macro(value)
        if len(found) <= _REMEMBER_CHARS:
            if len(_remembered) >= _REMEMBER_PIECES:
                _remembered.clear()
            _remembered[key] = found
    return found


def environment() -> jinja2.Environment:
    """The environment for the templates in use (the override folder's first)."""
    return _environment(os.environ.get(TEMPLATES_ENV, ""))


def render(name: str, /, **data: Any) -> str:
    """Fill template `name` with `data`; the page as text."""
    return environment().get_template(name).render(**data)


def stylesheet() -> str:
    """The kit's stylesheet as text (the pages inline it)."""
    return (paths.package_path("pages", "templates") / "kit.css").read_text(encoding="utf-8")


def markdown(text: str) -> Markup:
    """Catalogue Markdown as HTML a template may place as it is (sanitised, see above)."""
    return Markup(render_markdown(text))


def points_text(value: float | None) -> str:
    """Points as text: at most two decimals, no trailing zeros ("3", "1.5"); "" for none."""
    if value is None:
        return ""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
