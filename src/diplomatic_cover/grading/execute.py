"""`--execute`: re-run each submission's exercise notebooks in a sandbox of its own, with limits.

For each submission the grader starts one job in a sandbox (`sandbox/`): a warm interpreter
that has already imported IPython, pandas, matplotlib and the kit, and that runs each of the
student's notebooks in a fresh process forked from it (`sandbox/runner.py`). A job sees the
interpreter, its site-packages, the **class copy** of the kit that `release` builds into
this run's cache (so the hidden checks, the answer key and the open kit are not there to
import or read), the data, and its own scratch folder, the only place it can write. It runs
as an unused uid, without network, in its own PID namespace (nothing survives it), with
memory and process limits for the job as a whole, a time limit per cell and a wall-time
limit (see `sandbox/bubblewrap.py` for the details). Students never share a job.

Where no sandbox can be built (no bubblewrap, not root, no cgroup, not Linux), `--execute`
refuses with the reason, unless `--no-isolation` is given: then the same runner runs as a
plain child process, and every row it graded is marked unisolated.

A cell over its time limit is interrupted (KeyboardInterrupt); if it is still busy after a
short grace, because the code swallows interrupts or sits in C code, the notebook's process
is killed. An interrupted cell costs only the questions checked in it; after a kill, the
remaining cells do not run and their questions are "not reached". A cell that exhausts
memory fails with MemoryError, or its process is killed: the same rules apply.

What comes back from a job is plain JSON, size-capped and parsed with limits
(`sandbox/channel.py`): for each notebook, how each cell went and the values its `check()`
calls recorded. Only those values are graded, by the hidden checks, in the grader's process.

nbformat is not needed: a notebook is JSON and only its code cells' sources are used here.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.identity import IDENTITY_FILE, IDENTITY_SCHEMA
from diplomatic_cover.answers.recorded import summarise
from diplomatic_cover.grading.sandbox import (
    Backend,
    JobReport,
    Limits,
    Places,
    SandboxUnavailable,
)
from diplomatic_cover.grading.sandbox.channel import Channel, ChannelError
from diplomatic_cover.grading.sandbox.runner import (
    CELL_STATUSES,
    FAILED,
    INTERRUPTED,
    KILLED,
    NOT_RUN,
    OK,
)
from diplomatic_cover.grading.sandbox.runtime import build_runtime

__all__ = [
    "FAILED",
    "INTERRUPTED",
    "KILLED",
    "NOT_RUN",
    "OK",
    "CellOutcome",
    "ExecuteSettings",
    "Executor",
    "RerunResult",
    "SandboxUnavailable",
    "code_cells",
    "describe",
    "same_value",
]

#: Imported once per submission, before any of its notebooks runs: what the exercises use,
#: through the public paths they import (which load the package's rooms).
WARM = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "IPython.display",
    "ipywidgets",
    "diplomatic_cover",
    "diplomatic_cover.checks",
    "diplomatic_cover.data",
    "diplomatic_cover.record",
    "diplomatic_cover.capacity_model",
    "diplomatic_cover.figures",
    "diplomatic_cover.widgets.session",
    "diplomatic_cover.widgets.question",
    "diplomatic_cover.widgets.choice",
    "diplomatic_cover.widgets.handin",
)
#: Without these a re-run means nothing: the run stops before grading if a job lacks them.
REQUIRED = ("pandas", "matplotlib.pyplot", "diplomatic_cover", "diplomatic_cover.checks")
_MAX_CHECKS = 2_000
RUNNER_ROOM_MB = 256  # the warm runner (about 110 MB) and the files it has read
_MAX_ID = 200


@dataclass(frozen=True)
class ExecuteSettings:
    """Limits for re-runs. The defaults suit the kit's exercises with a wide margin.

    `memory_mb`, `processes` and `scratch_mb` bound one submission's job, all its processes
    together; `cpu_seconds` one notebook's process; `notebook_seconds` one notebook's wall
    time. `isolation=False` is `--no-isolation`.

    Each process may also map at most `process_memory_mb` (`RLIMIT_AS`), which leaves room
    under the job's limit for the warm runner: a single cell that asks for too much gets a
    MemoryError (that cell's questions lose their points) instead of a kill.
    """

    cell_timeout: float = 30.0
    interrupt_grace: float = 3.0
    memory_mb: int = 2048
    cpu_seconds: int = 300
    startup_timeout: float = 60.0
    notebook_seconds: float = 600.0
    processes: int = 64
    scratch_mb: int = 512
    report_mb: int = 16
    isolation: bool = True

    @property
    def process_memory_mb(self) -> int:
        """The address-space limit of one process: the job's, less room for the runner."""
        return max(self.memory_mb - RUNNER_ROOM_MB, self.memory_mb // 2)


@dataclass
class CellOutcome:
    """How one code cell went."""

    index: int
    status: str
    seconds: float = 0.0
    error: str = ""


@dataclass
class RerunResult:
    """What a re-run produced: the checks it recorded and how each cell went."""

    exercise: str
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    cells: list[CellOutcome] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    stopped_at: int | None = None
    problem: str = ""
    seconds: float = 0.0

    def cell_of(self, check_id: str) -> int | None:
        """The code cell (0-based, code cells only) whose source checks `check_id`."""
        for quote in ('"', "'"):
            needle = f"{quote}{check_id}{quote}"
            for index, source in enumerate(self.sources):
                if needle in source:
                    return index
        return None

    def outcome(self, check_id: str) -> CellOutcome | None:
        """How the cell that checks `check_id` went (None if no cell mentions it)."""
        index = self.cell_of(check_id)
        return self.cells[index] if index is not None and index < len(self.cells) else None


def code_cells(notebook: bytes) -> list[str]:
    """The sources of a notebook's code cells, in order (ValueError if it is not a notebook)."""
    try:
        document = json.loads(notebook.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError, ValueError) as error:
        raise ValueError(f"not a readable notebook ({error})") from error
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook (no list of cells)")
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


# ---------------------------------------------------------------------------------------
# Reading a job's report (hostile data: anything malformed is refused)


def _cells(raw: Any, count: int) -> list[CellOutcome]:
    if not isinstance(raw, list) or len(raw) != count:
        raise ChannelError("the cells do not match the notebook")
    cells = []
    for index, cell in enumerate(raw):
        if not isinstance(cell, dict) or cell.get("index") != index:
            raise ChannelError("a cell out of order")
        status, seconds, error = cell.get("status"), cell.get("seconds", 0), cell.get("error", "")
        if status not in CELL_STATUSES or not isinstance(error, str):
            raise ChannelError("a cell with an unknown status")
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise ChannelError("a cell without a time")
        cells.append(CellOutcome(index, status, float(seconds), error[:500]))
    return cells


def _checks(raw: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict) or len(raw) > _MAX_CHECKS:
        raise ChannelError("the recorded checks are not a mapping of a sane size")
    checks = {}
    for check_id, entry in raw.items():
        if not isinstance(entry, dict) or len(check_id) > _MAX_ID:
            continue
        checks[check_id] = {
            "value": entry.get("value"),
            "saved_at": str(entry.get("saved_at"))[:64],
        }
    return checks


def _notebook_result(event: dict[str, Any], exercise: str, sources: list[str]) -> RerunResult:
    if event.get("event") != "notebook" or event.get("name") != exercise:
        raise ChannelError(f"expected the report of {exercise}")
    result = RerunResult(exercise, sources=sources)
    result.cells = _cells(event.get("cells"), len(sources))
    stopped = event.get("stopped_at")
    if stopped is not None and (not isinstance(stopped, int) or not 0 <= stopped < len(sources)):
        raise ChannelError("a stop at a cell that does not exist")
    result.stopped_at = stopped
    result.checks = _checks(event.get("checks"))
    seconds = event.get("seconds", 0)
    result.seconds = float(seconds) if isinstance(seconds, int | float) else 0.0
    return result


# ---------------------------------------------------------------------------------------
# The executor


def _death_note(result: RerunResult, memory_mb: int) -> None:
    """A killed cell in a job that went over its memory limit says so."""
    for cell in result.cells:
        if cell.status == KILLED and "time" not in cell.error:
            cell.error = (
                f"the notebook's process was killed: the submission went over its memory "
                f"limit ({memory_mb} MB)"
            )


@dataclass
class _JobOutcome:
    """What one job reported: its ready event, one event per notebook, a problem."""

    ready: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""
    report: JobReport = field(default_factory=JobReport)


class Executor:
    """Re-runs notebooks; one instance per grading run (it owns the run's cache folder).

    Building it builds the class copy and starts a first, empty job, which proves the
    sandbox works here (SandboxUnavailable otherwise, with the reason in one line). Use it as
    a context manager; `run_submission()` is safe to call from several threads at once.
    """

    def __init__(self, settings: ExecuteSettings | None = None) -> None:
        self.settings = settings or ExecuteSettings()
        if self.settings.isolation:
            from diplomatic_cover.grading.sandbox.bubblewrap import unavailable

            reason = unavailable()
            if reason:  # said before anything is built
                raise SandboxUnavailable(reason)
        self.cache = Path(tempfile.mkdtemp(prefix="dc-execute-"))
        self._numbers = itertools.count()
        self.font_lists: dict[str, str] = {}
        try:
            self.runtime = build_runtime(self.cache)
            self.backend = self._backend()
            self.font_lists = self._prepare()
        except BaseException:
            shutil.rmtree(self.cache, ignore_errors=True)
            raise

    def _backend(self) -> Backend:
        if self.settings.isolation:
            from diplomatic_cover.grading.sandbox.bubblewrap import Bubblewrap

            return Bubblewrap(self.runtime)
        from diplomatic_cover.grading.sandbox.unisolated import Unisolated

        return Unisolated(self.runtime)

    @property
    def isolated(self) -> bool:
        """Whether jobs run in a sandbox (False under --no-isolation)."""
        return self.backend.isolated

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.backend.close()
        shutil.rmtree(self.cache, ignore_errors=True)

    # -- one job --------------------------------------------------------------------------

    def _limits(self) -> Limits:
        mb = 2**20
        return Limits(
            memory_bytes=self.settings.memory_mb * mb,
            processes=self.settings.processes,
            scratch_bytes=self.settings.scratch_mb * mb,
        )

    def _inputs(self, folder: Path, notebooks: Mapping[str, bytes]) -> Path:
        """The job's read-only inputs: its notebooks and matplotlib's font list."""
        inputs = folder / "in"
        for name in ("notebooks", "matplotlib"):
            (inputs / name).mkdir(parents=True)
        for name, data in notebooks.items():
            (inputs / "notebooks" / f"{name}.ipynb").write_bytes(data)
        for name, text in self.font_lists.items():
            (inputs / "matplotlib" / name).write_text(text, encoding="utf-8")
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        return inputs

    def _payload(
        self,
        places: Places,
        student: tuple[str, str],
        notebooks: list[tuple[str, list[str], bytes]],
        prepare: bool,
    ) -> dict[str, Any]:
        """The job, as the runner reads it on its standard input."""
        settings = self.settings
        return {
            "kit": places.kit,
            "site": list(places.site),
            "inputs": places.inputs,
            "work": places.work,
            "student": {"id": student[0], "name": student[1]},
            "identity": {
                "file": IDENTITY_FILE,
                "content": {"schema": IDENTITY_SCHEMA, "id": student[0], "name": student[1]},
            },
            "notebooks": [{"name": name, "sources": sources} for name, sources, _ in notebooks],
            "limits": {
                "memory_bytes": settings.process_memory_mb * 2**20,
                "file_bytes": settings.scratch_mb * 2**20,
                "cpu_seconds": settings.cpu_seconds,
                "cell_timeout": settings.cell_timeout,
                "interrupt_grace": settings.interrupt_grace,
                "notebook_seconds": settings.notebook_seconds,
            },
            "warm": list(WARM),
            "prepare": prepare,
        }

    def _read(self, channel: Channel, outcome: _JobOutcome, notebooks: int) -> None:
        """The job's events into `outcome`, within the start-up and wall-time limits."""
        settings = self.settings
        ready = channel.next_event(time.monotonic() + settings.startup_timeout)
        if ready is None or ready.get("event") != "ready":
            channel.drain_log()
            outcome.problem = f"the re-run did not start ({channel.log or 'no message'})"
            return
        outcome.ready = ready
        wall = notebooks * (settings.notebook_seconds + settings.interrupt_grace + 5)
        deadline = time.monotonic() + wall
        while len(outcome.events) < notebooks:
            event = channel.next_event(deadline)
            if event is None:
                channel.drain_log()
                outcome.problem = f"the re-run stopped before its end ({channel.log[-300:]})"
                return
            outcome.events.append(event)

    def _job(
        self,
        student: tuple[str, str],
        notebooks: list[tuple[str, list[str], bytes]],
        prepare: bool = False,
    ) -> _JobOutcome:
        """Run one job in the backend, whatever happens in it; what it reported."""
        folder = self.cache / "jobs" / str(next(self._numbers))
        inputs = self._inputs(folder, {name: data for name, _sources, data in notebooks})
        job = self.backend.start(inputs, self._limits())
        outcome = _JobOutcome()
        limit = self.settings.report_mb * 2**20
        channel = Channel(job.process.stdout, job.process.stderr, max_line=limit, max_total=limit)  # type: ignore[arg-type]
        try:
            payload = self._payload(job.places, student, notebooks, prepare)
            with contextlib.suppress(OSError):  # a job that died at once: reading says so
                job.process.stdin.write(json.dumps(payload).encode() + b"\n")  # type: ignore[union-attr]
                job.process.stdin.close()  # type: ignore[union-attr]
            self._read(channel, outcome, len(notebooks))
        except TimeoutError:
            outcome.problem = "the re-run went over its wall-time limit and was stopped"
        except ChannelError as error:
            outcome.problem = f"the re-run's report was refused: {error}"
        finally:
            outcome.report = job.close()
            channel.close()
            shutil.rmtree(folder, ignore_errors=True)
        if outcome.problem and outcome.report.out_of_memory:
            outcome.problem += (
                f"; the submission went over its memory limit ({self.settings.memory_mb} MB)"
            )
        return outcome

    def _prepare(self) -> dict[str, str]:
        """An empty first job: it proves the sandbox works and builds matplotlib's font list."""
        outcome = self._job(("sandbox-check", "Sandbox check"), [], prepare=True)
        ready = outcome.ready
        if ready is None:
            raise SandboxUnavailable(f"a test job failed: {outcome.problem}")
        failed = ready.get("failed") if isinstance(ready.get("failed"), dict) else {}
        missing = [f"{name} ({failed[name]})" for name in REQUIRED if name in failed]
        if missing:
            raise SandboxUnavailable(f"a job cannot import {', '.join(missing)}")
        import sys

        if ready.get("python") != sys.version:
            raise SandboxUnavailable(
                f"the job's Python ({ready.get('python')}) is not the grader's ({sys.version})"
            )
        lists = ready.get("font_lists")
        if not isinstance(lists, dict):
            return {}
        return {
            name: text
            for name, text in lists.items()
            if isinstance(text, str) and name.startswith("fontlist-") and "/" not in name
        }

    # -- a submission ---------------------------------------------------------------------

    def run_submission(
        self, student_id: str, student_name: str, notebooks: Mapping[str, bytes]
    ) -> dict[str, RerunResult]:
        """Re-run a student's notebooks in one job; never raises for the student's code."""
        started = time.monotonic()
        results: dict[str, RerunResult] = {}
        runnable: list[tuple[str, list[str], bytes]] = []
        for exercise, data in notebooks.items():
            result = results[exercise] = RerunResult(exercise)
            try:
                result.sources = code_cells(data)
            except ValueError as error:
                result.problem = f"exercises/{exercise}.ipynb is {error}"
                continue
            runnable.append((exercise, result.sources, data))
        if not runnable:
            return results
        try:
            outcome = self._job((student_id, student_name), runnable)
        except SandboxUnavailable as error:
            outcome = _JobOutcome(problem=f"the re-run could not start ({error})")
        problem, report = outcome.problem, outcome.report
        for number, (exercise, sources, _data) in enumerate(runnable):
            event = outcome.events[number] if number < len(outcome.events) else None
            result = results[exercise]
            if event is None:
                result.problem = problem or "the re-run ended early"
                continue
            try:
                results[exercise] = result = _notebook_result(event, exercise, sources)
            except ChannelError as error:
                result.problem = f"the re-run's report was refused: {error}"
                continue
            if report.out_of_memory:
                _death_note(result, self.settings.memory_mb)
        elapsed = time.monotonic() - started
        share = elapsed / max(len(runnable), 1)
        for exercise, _sources, _data in runnable:
            results[exercise].seconds = share
        return results

    def run(
        self, student_id: str, student_name: str, exercise: str, notebook: bytes
    ) -> RerunResult:
        """Re-run one exercise notebook of one student (a job of its own)."""
        return self.run_submission(student_id, student_name, {exercise: notebook})[exercise]


# ---------------------------------------------------------------------------------------
# Comparing a recorded value with the re-run's


def same_value(a: Any, b: Any) -> bool:
    """Whether two recorded values are the same, floats within a relative 1e-9."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def describe(value: Any, limit: int = 100) -> str:
    """A recorded value in words, for a flag ("coverage_share on 3 test inputs: ...").

    The flags column of grades.csv is read by a person in a spreadsheet: readable text cut at
    a word, never a cut-off piece of JSON (`answers.recorded.summarise`).
    """
    return summarise(value, limit)
