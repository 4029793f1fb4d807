"""Where `--execute` runs a student's code: a sandbox per submission, behind a small interface.

A backend starts one job per submission: the warm interpreter of `runner.py`, which runs that
student's notebooks one after another, each in a process forked from it. The backend decides
what the job can see and do; the grader talks to the job only through its standard input
(the job, as one JSON line) and standard output (JSON lines, read with limits by
`channel.py`).

Backends:

* `bubblewrap` (Linux, as root): namespaces, a few read-only mounts, an unused uid with no
  capabilities, no network, cgroup limits for the whole job. The only isolated backend.
* `unisolated` (`--no-isolation`): the same runner as a plain child process with resource
  limits, where no sandbox can be built. Its grades are marked unisolated everywhere.

A Docker or Podman backend would implement `Backend` the same way: map `Places` into the
container, apply `Limits` to it, and hand back its process as a `Job`.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class SandboxUnavailable(Exception):
    """No sandbox can be built here; the message is one line saying why."""


@dataclass(frozen=True)
class Limits:
    """Limits for one job (one submission), all its processes together."""

    memory_bytes: int
    processes: int
    scratch_bytes: int


@dataclass(frozen=True)
class Places:
    """Where the job sees the interpreter, its packages, the class copy, inputs and scratch."""

    python: str
    site: tuple[str, ...]
    kit: str
    inputs: str
    work: str
    runner: str


@dataclass
class JobReport:
    """What the backend learnt about a job once it ended."""

    out_of_memory: bool = False
    peak_memory: int = 0
    survivors: int = 0


class Job(Protocol):
    """A started job: its process (pipes to its standard streams) and where it sees things."""

    places: Places
    process: subprocess.Popen[bytes]

    def close(self) -> JobReport:
        """Kill whatever is left of the job, free what it held, say what happened."""
        ...


class Backend(Protocol):
    """Starts jobs; one instance per grading run."""

    name: str
    isolated: bool

    def start(self, inputs: Path, limits: Limits) -> Job:
        """Start the runner for one submission whose inputs are in the folder `inputs`."""
        ...

    def close(self) -> None:
        """Free what the backend holds for the run."""
        ...


@dataclass(frozen=True)
class PythonLayout:
    """The grader's interpreter: its installation prefix and the site-packages it uses."""

    prefix: Path
    executable: Path
    site_dirs: tuple[Path, ...]
    version: str


@dataclass
class Runtime:
    """What every job of a run shares, built once in the run's cache folder."""

    cache: Path
    kit: Path
    runner: Path
    python: PythonLayout
    open_kit: Path | None = None
    hidden: list[Path] = field(default_factory=list)


__all__ = [
    "Backend",
    "Job",
    "JobReport",
    "Limits",
    "Places",
    "PythonLayout",
    "Runtime",
    "SandboxUnavailable",
]
