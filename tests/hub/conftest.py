"""A real JupyterHub for the hub tests, started once per test session.

Tests that use the `hub` fixture are in the long suite: they run when `CI=true` (as
`.ci/run` sets it) or `DIPLOMATIC_COVER_LONG=1`, and are skipped with that reason otherwise.
They need root (to create Linux users), Debian's /usr/bin/python3 with venv, and npm.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub import class_repo, hubenv, linux_users, realhub

STUDENTS = ["s1", "s2", "s3", "s4", "s5"]
INSTRUCTOR = "teacher"


def long_suite_enabled() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true" or os.environ.get("DIPLOMATIC_COVER_LONG") == "1"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="long suite: runs with CI=true or DIPLOMATIC_COVER_LONG=1")
    here = Path(__file__).parent
    for item in items:
        # The hook sees every test of the session: only this folder's `hub` is the real hub.
        if here in Path(item.path).parents and "hub" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.long)
            if not long_suite_enabled():
                item.add_marker(skip)


class Accounts:
    """The run's users: `student(1)`..`student(5)`, the `instructor`, `everyone`, `assistant`."""

    def __init__(self, run_id: str) -> None:
        self.prefix = f"{linux_users.PREFIX}{run_id}-"
        self.students = [self.prefix + s for s in STUDENTS]
        self.instructor = self.prefix + INSTRUCTOR
        self.everyone = [*self.students, self.instructor]
        # A teaching assistant who teaches through a hub role, not the group; a hub user
        # only (never spawns a server, so no Linux account).
        self.assistant = self.prefix + "ta"

    def student(self, number: int) -> str:
        return self.students[number - 1]


@pytest.fixture(scope="session")
def hub() -> Iterator[realhub.RealHub]:
    if os.geteuid() != 0:
        pytest.fail("the hub tests create Linux users: run them as root (CI does)")
    notes: list[str] = []
    swept = realhub.sweep()
    if swept:
        notes.append(f"swept {len(swept)} leftover test users")
    started = time.monotonic()
    environment = hubenv.ensure_environment(notes)
    hubenv.ensure_proxy()
    notes.append(f"environment ready in {time.monotonic() - started:.1f} s")
    run_id, folder = linux_users.new_run()
    accounts = Accounts(run_id)
    the_hub = realhub.RealHub(env=environment, folder=folder, run_id=run_id)
    the_hub.accounts = accounts  # type: ignore[attr-defined]
    try:
        # Users and groups exist before anything spawns.
        for name in accounts.everyone:
            linux_users.create(name)
        seconds = the_hub.start(
            [*accounts.everyone, accounts.assistant], [accounts.instructor], [accounts.assistant]
        )
        notes.append(f"hub answered through the proxy {seconds:.1f} s after start")
        the_hub.notes = notes  # type: ignore[attr-defined]
        yield the_hub
    finally:
        the_hub.stop()
        for name in accounts.everyone:
            linux_users.remove(name)
        shutil.rmtree(folder, ignore_errors=True)
        print("\n[hub fixture] " + "; ".join(notes))


@pytest.fixture(scope="session")
def class_copy_repo(hub: realhub.RealHub) -> str:
    """The course's class-copy repository, built and committed by `release --out`.

    Owned by root, readable by all; students pull it with nbgitpuller as they would from
    the course's repository.
    """
    repo = hub.folder / "class-copy"
    class_repo.release(repo)
    return str(repo)


@pytest.fixture(scope="session")
def accounts(hub: realhub.RealHub) -> Accounts:
    return hub.accounts  # type: ignore[attr-defined]
