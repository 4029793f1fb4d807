"""Session-wide test set-up shared by unit tests and nbval notebook runs.

nbval starts kernels that inherit this process's environment, so pointing the answer store
at a temporary folder here keeps test runs from writing into the kit's real `responses/`.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Fixture notebooks are inputs to tests (one raises on purpose), not notebooks for nbval.
collect_ignore = ["tests/fixtures"]

_STORE_ENV = "DIPLOMATIC_COVER_RESPONSES"
_created: list[str] = []


# Run off a hub even in a hub's terminal: a test must never hand in to, or share answers
# with, a real course (tests that need a course service pass their own).
_HUB_ENV = ("JUPYTERHUB_API_TOKEN", "DIPLOMATIC_COVER_SERVICE_URL")


def pytest_configure(config: pytest.Config) -> None:
    for name in _HUB_ENV:
        os.environ.pop(name, None)
    if not os.environ.get(_STORE_ENV):
        folder = tempfile.mkdtemp(prefix="dc-test-")
        _created.append(folder)
        # A private parent, so `submissions/` beside the store stays private too.
        os.environ[_STORE_ENV] = os.path.join(folder, "responses")


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _created:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A notebook cell run by nbval fails if it shows a DataFrame whose text pandas cut short
    (`tests/cut_off_tables.py`): such tables go through `figures.Table`."""
    result = yield
    outputs = getattr(item, "test_outputs", None) if type(item).__name__ == "IPyNbCell" else None
    if outputs:
        from tests.cut_off_tables import cut_off_cells

        cut = cut_off_cells(outputs)
        if cut:
            raise AssertionError(
                f"this cell shows a DataFrame whose text pandas cut at 50 characters: {cut[:3]}; "
                "show it with Table(...) (diplomatic_cover.figures), which never cuts"
            )
    return result
