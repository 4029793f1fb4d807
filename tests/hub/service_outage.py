"""Take the test hub's course service down for a moment, as a crash would, and wait it back.

The hub started the service (a managed service), and the hub restarts it when it finds it
gone (JupyterHub polls its services every 30 s). Only the service process of this run's hub
is ended, found by its command line, which names this run's storage folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from tests.hub.realhub import RealHub

RESTART_TIMEOUT = 120.0


def service_pids(hub: RealHub) -> list[int]:
    """Pids of the course service this hub runs (its command names the run's storage)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            parts = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"diplomatic_cover.hub.service" in parts and str(hub.storage).encode() in parts:
            found.append(int(proc.name))
    return found


def _running(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for the hub to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _answers(hub: RealHub) -> int:
    try:
        return hub.request("GET", f"{hub.service_url}api/me", timeout=5).status
    except OSError:
        return 0


@contextlib.contextmanager
def service_down(hub: RealHub) -> Iterator[float]:
    """Stop the service; inside the block it is down; after it, wait until it is back.

    Yields the seconds the hub has had it down when the block starts.
    """
    pids = service_pids(hub)
    if not pids:
        raise RuntimeError(f"no course service process found for {hub.storage}")
    stopped = time.monotonic()
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in pids) or _answers(hub) == 401:
        if time.monotonic() > deadline:
            raise TimeoutError("the course service did not stop")
        time.sleep(0.1)
    try:
        yield time.monotonic() - stopped
    finally:
        deadline = time.monotonic() + RESTART_TIMEOUT
        while _answers(hub) != 401:  # 401: the service is back (and wants a token)
            if time.monotonic() > deadline:
                raise TimeoutError(f"the hub did not restart the course service:\n{hub.tail()}")
            time.sleep(0.5)
