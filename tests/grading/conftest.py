"""The `sandbox` fixture: tests that run students' code in the real sandbox need bubblewrap.

Without it (not Linux, not root, no bwrap or setpriv, no cgroup v1) they skip, saying why;
with DIPLOMATIC_COVER_REQUIRE_SANDBOX=1 (set by .ci/run) the skip becomes a failure, so CI
can never pass without really running them.
"""

from __future__ import annotations

import os

import pytest

from diplomatic_cover.grading.sandbox.bubblewrap import unavailable


@pytest.fixture(scope="session")
def sandbox() -> None:
    reason = unavailable()
    if reason is None:
        return
    message = f"The sandbox for --execute cannot run here: {reason}."
    if os.environ.get("DIPLOMATIC_COVER_REQUIRE_SANDBOX") == "1":
        pytest.fail(message + " DIPLOMATIC_COVER_REQUIRE_SANDBOX=1 forbids skipping.")
    pytest.skip(message)
