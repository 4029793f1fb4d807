"""Real Linux accounts for the test hub's students and instructor.

Each run makes its own accounts named `dchub<6 hex>-<role>` (the run id is random), records
its pid in the run folder, and deletes its accounts (with their homes) at the end. A run that
crashed leaves accounts behind: the next run sweeps every `dchub…` account whose run's
process is gone, first ending that account's leftover processes by pid.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

PREFIX = "dchub"
RUNS = Path("/tmp/diplomatic-cover-hub-test")
_OURS = re.compile(rf"^{PREFIX}([0-9a-f]{{6}})-[a-z0-9]+$")


def new_run() -> tuple[str, Path]:
    """A fresh run id and its folder (0755, so test users can reach the kit copy in it)."""
    RUNS.mkdir(mode=0o755, exist_ok=True)
    RUNS.chmod(0o755)
    run_id = os.urandom(3).hex()
    folder = RUNS / run_id
    folder.mkdir(mode=0o755)
    (folder / "pid").write_text(str(os.getpid()))
    return run_id, folder


def create(name: str) -> pwd.struct_passwd:
    """Create a Linux user with a home folder (useradd -m); return its passwd entry."""
    subprocess.run(
        ["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name],
        check=True,
        capture_output=True,
    )
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)  # as a hub admin would: classmates cannot read each other's homes
    return pwd.getpwnam(name)


def remove(name: str) -> None:
    """End the account's processes (by pid) and delete it with its home."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    _end_processes_of(uid)
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    raise RuntimeError(f"could not delete test user {name}")


def _end_processes_of(uid: int) -> None:
    """Send TERM, then KILL, to every process whose real uid is `uid`, each by its pid."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = [pid for pid in _pids() if _uid_of(pid) == uid]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_uid_of(p) == uid for p in pids):
            time.sleep(0.1)


def _pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _uid_of(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def sweep_leftovers() -> list[str]:
    """Delete accounts and folders of earlier runs whose process is gone; return the names."""
    swept = []
    for entry in pwd.getpwall():
        match = _OURS.match(entry.pw_name)
        if match and not run_alive(match.group(1)):
            remove(entry.pw_name)
            swept.append(entry.pw_name)
    if RUNS.is_dir():
        for folder in RUNS.iterdir():
            if folder.is_dir() and not run_alive(folder.name):
                shutil.rmtree(folder, ignore_errors=True)
    return swept


def run_alive(run_id: str) -> bool:
    try:
        pid = int((RUNS / run_id / "pid").read_text())
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return pid == os.getpid() or Path(f"/proc/{pid}/cmdline").exists()
