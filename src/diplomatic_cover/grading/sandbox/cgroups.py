"""Memory and process limits for a whole job through a cgroup (v1 memory and pids, as root).

`RLIMIT_AS` and `RLIMIT_NPROC` are per process or per user, so four children of 900 MB each
pass a "2 GB" limit, and a fork bomb counts against every process of that uid. A cgroup
bounds the job as a whole, all its processes together, and lists every process in it so
that none survives the run: the grader kills what is left and removes the group.

Only cgroup v1 (the `memory` and `pids` hierarchies, writable by root) is implemented,
because that is what the machines this was built and tested on offer. They are hybrid: a
cgroup2 hierarchy is mounted (`/sys/fs/cgroup/unified`, and `mount -t cgroup2` works), but its
`cgroup.controllers` lists only `hugetlb`, because the kernel binds `memory` and `pids` to
their v1 hierarchies and a controller lives in one hierarchy at a time. So a v2 version (a
delegated subtree, `memory.max`, `pids.max`, `cgroup.kill`, fitting the same three calls)
could not be run here, and is not shipped untested: on a v2-only machine `v1_unavailable`
says so and what the instructor can do instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PARENT = "diplomatic-cover"


#: What an instructor can do where the limits cannot be set (the grader adds --no-isolation).
WHERE_INSTEAD = (
    "run the grader as root on a Linux machine or VM with cgroup v1 memory and pids "
    "hierarchies (instructors/grading.md, 'Where no sandbox can be built')"
)


def v1_unavailable(root: Path = ROOT) -> str | None:
    """Why v1 memory and pids groups cannot be made here (None when they can), in one line
    that ends with what to do instead."""
    missing = [name for name in ("memory", "pids") if not (root / name / "cgroup.procs").is_file()]
    if missing:
        if (root / "cgroup.controllers").is_file():
            return (
                "this machine has cgroup v2 only, and the sandbox can limit a job's memory and "
                "processes only through cgroup v1 (v2 is not supported: it could not be tested "
                f"on a machine that has it); {WHERE_INSTEAD}"
            )
        return f"no cgroup v1 {' or '.join(missing)} hierarchy under {root}; {WHERE_INSTEAD}"
    if not all(os.access(root / name, os.W_OK) for name in ("memory", "pids")):
        return f"the cgroup hierarchies under {root} are not writable (run the grader as root)"
    return None


class JobGroup:
    """A memory group and a pids group for one job, named `name` under diplomatic-cover/."""

    def __init__(self, name: str, *, memory_bytes: int, processes: int, root: Path = ROOT) -> None:
        self.memory = root / "memory" / PARENT / name
        self.pids = root / "pids" / PARENT / name
        for group in (self.memory, self.pids):
            group.mkdir(parents=True, exist_ok=True)
        try:
            _write(self.memory / "memory.limit_in_bytes", memory_bytes)
            # Where swap is accounted, the same limit for memory plus swap.
            if (self.memory / "memory.memsw.limit_in_bytes").exists():
                _write(self.memory / "memory.memsw.limit_in_bytes", memory_bytes)
            _write(self.pids / "pids.max", processes)
        except OSError:
            self.remove()
            raise

    @property
    def procs_files(self) -> list[Path]:
        """Files a process writes its pid into to join the job's groups."""
        return [self.memory / "cgroup.procs", self.pids / "cgroup.procs"]

    def members(self) -> set[int]:
        """Every process still in either group."""
        found: set[int] = set()
        for path in self.procs_files:
            with contextlib.suppress(OSError, ValueError):
                found |= {int(line) for line in path.read_text().split()}
        return found

    def kill_all(self, timeout: float = 10.0) -> int:
        """SIGKILL every process in the job until none is left; how many were found."""
        killed: set[int] = set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            members = self.members()
            if not members:
                break
            for pid in members:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            killed |= members
            time.sleep(0.01)
        return len(killed)

    def out_of_memory(self) -> bool:
        """Whether the kernel killed a process of the job for going over its memory."""
        try:
            for line in (self.memory / "memory.oom_control").read_text().splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1]) > 0
        except (OSError, ValueError, IndexError):
            pass
        with contextlib.suppress(OSError, ValueError):
            return int((self.memory / "memory.failcnt").read_text()) > 0
        return False

    def peak_memory(self) -> int:
        """The job's highest memory use, in bytes (0 when unknown)."""
        with contextlib.suppress(OSError, ValueError):
            return int((self.memory / "memory.max_usage_in_bytes").read_text())
        return 0

    def remove(self) -> None:
        """Remove both groups (they must be empty: call `kill_all` first)."""
        for group in (self.memory, self.pids):
            for _attempt in range(50):
                try:
                    group.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # busy for a moment after the last process died
                    time.sleep(0.02)


def remove_stale(prefix: str, root: Path = ROOT) -> None:
    """Remove groups left by a grader that died (`prefix-<pid>-…` whose pid is gone)."""
    for hierarchy in ("memory", "pids"):
        parent = root / hierarchy / PARENT
        if not parent.is_dir():
            continue
        for group in parent.glob(f"{prefix}-*"):
            try:
                owner = int(group.name.split("-")[1])
            except (IndexError, ValueError):
                continue
            if owner == os.getpid() or Path(f"/proc/{owner}").exists():
                continue
            stale = JobGroup.__new__(JobGroup)
            stale.memory = root / "memory" / PARENT / group.name
            stale.pids = root / "pids" / PARENT / group.name
            stale.kill_all(timeout=2.0)
            stale.remove()


def _write(path: Path, value: int) -> None:
    path.write_text(f"{int(value)}\n")
