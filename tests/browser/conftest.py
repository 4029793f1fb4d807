"""Fixtures for browser tests: real JupyterLab, real headless Chromium (Debian's package).

The browser itself (`browser`, `chromium_path`) comes from tests/chromium.py through
tests/conftest.py, shared with the hub's browser test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.labserver import LabServer, running_lab

KIT_ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[LabServer]:
    """JupyterLab serving a scratch copy of the kit's notebooks (outputs never reach git)."""
    root = tmp_path_factory.mktemp("kit")
    shutil.copytree(KIT_ROOT / "notebooks", root / "notebooks")
    shutil.copytree(KIT_ROOT / "exercises", root / "exercises")
    shutil.copytree(KIT_ROOT / "tests" / "fixtures", root / "fixtures")
    home = tmp_path_factory.mktemp("lab-home")
    with running_lab(root, home) as server:
        yield server


@pytest.fixture
def page(browser: object, lab: LabServer) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
