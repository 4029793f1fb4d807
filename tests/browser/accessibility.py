"""axe-core inside the browser tests: the kit's own DOM in JupyterLab, and its pages in full.

axe-core (carried by the `axe-playwright-python` package, read from its file: nothing is
fetched) checks what a machine can check of WCAG 2.0, 2.1 and 2.2 at levels A and AA. In
JupyterLab only what the kit draws is checked: the rendered Markdown of its notebooks and
every output area (widget roots included). JupyterLab's own interface around them is left
out; ACCESSIBILITY.md lists what is known about it upstream.

Every rule switched off is in DISABLED_RULES with its reason; nothing else is skipped.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

#: The kit's areas of a notebook page: rendered Markdown and output areas (widgets inside).
KIT_AREAS = [".jp-Notebook .jp-RenderedMarkdown", ".jp-Notebook .jp-OutputArea-output"]

#: Rules switched off, with the reason. Keep this the only place a rule is disabled.
DISABLED_RULES: dict[str, str] = {}


def audit(page: Any, include: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on `page` (or only inside the `include` selectors)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    options = {
        "runOnly": {"type": "tag", "values": TAGS},
        "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
        "resultTypes": ["violations"],
        "preload": False,
    }
    context = {"include": [[selector] for selector in include]} if include else None
    found = page.evaluate("([c, o]) => axe.run(c || document, o)", [context, options])
    return found["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations as lines a person can act on: rule, impact, and where."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Any, include: list[str] | None = None) -> None:
    """Fail with a readable list if axe-core finds any violation in the audited area."""
    violations = audit(page, include)
    assert not violations, "axe-core found:\n" + describe(violations)


def assert_kit_areas_accessible(page: Any) -> None:
    """axe-core on the kit's areas of the open notebook (after Run All)."""
    assert_accessible(page, KIT_AREAS)
