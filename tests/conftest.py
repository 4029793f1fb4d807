"""Fixtures shared by more than one folder of tests."""

from tests.chromium import browser, chromium_path  # noqa: F401  (fixtures, registered here)
