"""`check_setup()`: the first code a student runs, telling them whether the kit works here.

It reads package versions from metadata instead of importing pandas or matplotlib, so the
check itself stays fast, and it says in plain words what to do when something is missing.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from diplomatic_cover._version import __version__
from diplomatic_cover.pages.fragments import esc
from diplomatic_cover.paths import responses_dir

REQUIRED = ("jupyterlab", "ipywidgets", "anywidget", "pandas", "matplotlib", "numpy")


@dataclass(frozen=True)
class Check:
    """One line of the set-up report."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class SetupReport:
    """The result of `check_setup()`; shows as a table in a notebook."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(check.ok for check in self.checks)

    def __str__(self) -> str:
        lines = [f"{'ok ' if c.ok else 'NO '} {c.name}: {c.detail}" for c in self.checks]
        verdict = "All set." if self.ok else "Something needs fixing: see the lines marked NO."
        return "\n".join([*lines, verdict])

    def _repr_html_(self) -> str:
        # Words, not emoji: Debian's Chromium has no emoji font and drew the old marks as boxes.
        rows = "".join(
            f"<tr><td>{'OK' if c.ok else '<strong>Fix</strong>'}</td><td>{esc(c.name)}</td>"
            f"<td>{esc(c.detail)}</td></tr>"
            for c in self.checks
        )
        verdict = (
            "<p><strong>All set.</strong> You are ready for notebook 01.</p>"
            if self.ok
            else "<p><strong>Something needs fixing:</strong> see the rows marked Fix "
            "and the README's set-up section.</p>"
        )
        return (
            '<table><thead><tr><th scope="col">Status</th><th scope="col">Check</th>'
            f'<th scope="col">Result</th></tr></thead><tbody>{rows}</tbody></table>{verdict}'
        )


def _python_check() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    detail = version if ok else f"{version}; the kit needs Python 3.11 or newer"
    return Check("Python", ok, detail)


def _package_check(name: str) -> Check:
    from importlib import metadata  # 40 ms to import: only when the check runs

    try:
        return Check(name, True, metadata.version(name))
    except metadata.PackageNotFoundError:
        return Check(name, False, "not installed: run `make lab` from the kit's folder")


def _store_check() -> Check:
    folder = responses_dir()
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if os.access(existing, os.W_OK):
        return Check("Answers saved in", True, str(folder))
    return Check("Answers saved in", False, f"{folder} is not writable; ask your instructor")


def check_setup() -> SetupReport:
    """Check Python, the kit's libraries and the answer folder; return a printable report."""
    checks = [
        _python_check(),
        Check("Diplomatic Cover kit", True, __version__),
        *(_package_check(name) for name in REQUIRED),
        _store_check(),
    ]
    return SetupReport(checks)
