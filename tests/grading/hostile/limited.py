"""Run the grader in a child process under a hard memory limit, and read its peak memory.

`walk_limited` does the same for the reading step alone (`Collector.walk`), with a timeout:
a regression that inflates a zip bomb fails in a minute instead of hanging the suite.

A regression that lets one file balloon (a JSON bomb parsed whole, notebooks kept in memory)
then fails at once with MemoryError instead of swapping the test machine for minutes. The
limit is on address space (RLIMIT_AS), which counts what the interpreter maps as well as what
it touches, so it sits well above the peak resident memory the test asserts.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ADDRESS_SPACE_MB = 1024

_CHILD = """
import json, sys
from pathlib import Path
from diplomatic_cover.grading import grade
kwargs = json.loads(sys.argv[1])
for name in ("submissions", "out", "roster", "config"):
    if kwargs.get(name):
        kwargs[name] = Path(kwargs[name])
summary = grade(**kwargs)
peak = 0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) // 1024
print(json.dumps({"graded": summary.graded, "rejected": summary.rejected,
                  "flagged": summary.flagged, "peak_mb": peak, "summary": str(summary)}))
"""


@dataclass
class Run:
    """What the limited grading run reported."""

    graded: int
    rejected: int
    flagged: int
    peak_mb: int
    summary: str
    seconds: float
    stderr: str


def grade_limited(address_space_mb: int = ADDRESS_SPACE_MB, **kwargs: Any) -> Run:
    """`grade(**kwargs)` in a child process limited to `address_space_mb` of address space."""
    import time

    limit = address_space_mb * 2**20

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    plain = {k: str(v) if isinstance(v, Path) else v for k, v in kwargs.items()}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(plain)],
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise AssertionError(
            f"the grader failed under a {address_space_mb} MB limit:\n{done.stderr[-3000:]}"
        )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(seconds=seconds, stderr=done.stderr, **report)


_WALK = """
import json, sys
from pathlib import Path
from diplomatic_cover.grading.ingest import Collector
collector = Collector()
collector.walk(Path(sys.argv[1]))
print(json.dumps({
    "inflated": collector.limits.run_bytes - collector.budget.bytes_left,
    "problems": [
        {"source": p.source, "reason": p.reason, "account": p.account}
        for p in collector.problems
    ],
    "students": [s.student_id for s in collector.submissions],
}))
"""

#: Reading the 38 KB zip of zips takes under a second here; the review's grader took hours.
WALK_TIMEOUT_SECONDS = 60


@dataclass
class Walk:
    """What `Collector.walk` read in the limited child: bytes inflated, problems, students."""

    inflated: int
    problems: list[dict[str, Any]]
    students: list[str]
    seconds: float


def walk_limited(
    folder: Path,
    *,
    timeout: float = WALK_TIMEOUT_SECONDS,
    address_space_mb: int = ADDRESS_SPACE_MB,
) -> Walk:
    """`Collector().walk(folder)` in a child process with a memory cap, killed at `timeout`."""
    import time

    limit = address_space_mb * 2**20

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _WALK, str(folder)],
            preexec_fn=cap,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"reading {folder} took over {timeout:g} s: the archive limits no longer bound it"
        ) from None
    if done.returncode != 0:
        raise AssertionError(f"reading {folder} failed in the child:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Walk(seconds=time.monotonic() - started, **report)
