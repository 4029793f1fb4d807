"""One headless Chromium (Debian's package) for every browser test of the session.

tests/browser and the hub's browser test share it through tests/conftest.py: Playwright's
sync API cannot start a second instance while the first one's event loop is alive, so a
test that started its own failed whenever the browser suite had run before it.

Without Chromium the tests skip, saying how to install it; with
DIPLOMATIC_COVER_REQUIRE_BROWSER=1 (set by .ci/run) the skip becomes a failure, so CI can
never pass without really running them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("DIPLOMATIC_COVER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


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
