"""Fixtures for browser tests: real JupyterLab, real headless Chromium (Debian's package).

Without Chromium these tests skip, saying how to install it; with
DIPLOMATIC_COVER_REQUIRE_BROWSER=1 (set by .ci/run) the skip becomes a failure, so CI can
never pass without really running them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.labserver import LabServer, running_lab

CHROMIUM = Path(os.environ.get("DIPLOMATIC_COVER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
KIT_ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = (
        f"Chromium not found at {CHROMIUM}: install Debian's package with "
        "`apt-get install -y chromium` (or set DIPLOMATIC_COVER_CHROMIUM)."
    )
    if os.environ.get("DIPLOMATIC_COVER_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " DIPLOMATIC_COVER_REQUIRE_BROWSER=1 forbids skipping.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


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
