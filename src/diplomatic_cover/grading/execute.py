"""`--execute`: re-run each submitted exercise notebook in a kernel of its own, with limits.

Each notebook runs in a fresh IPython kernel that is

* its own process group (a new session), so it and anything it starts can be killed at once;
* limited in CPU time and address space (`RLIMIT_CPU`, `RLIMIT_AS`) by a tiny launcher that
  sets the limits and then execs the kernel (no `preexec_fn`, which is unsafe in a
  threaded grader);
* started in a temporary working folder, with a cleaned environment (no HOME, tokens or
  other secrets of the instructor; `DIPLOMATIC_COVER_RESPONSES` pointing at a temporary
  store; the student's identity set, so the re-run records its checks under their id);
* connected over Unix-domain sockets in that folder, so it opens no network port.

Cells run one at a time with a wall-clock limit each. A cell over the limit is interrupted
(KeyboardInterrupt); if the kernel is still busy after a short grace period, because the
code swallows interrupts or sits in C code, the whole process group is killed. An
interrupted cell costs only the questions checked in it; after a kill, the remaining cells
cannot run and their questions are marked "not reached". A cell that exhausts memory fails
with MemoryError (or the kernel dies): the same rules apply.

This is NOT a security sandbox: the code runs as the grader's user and can read what that
user can read, use the network, and write anywhere the user may write. Grade code from
people you would let run code on your account, or run the grader in a container or VM.

nbformat is not needed: a notebook is JSON and only its code cells' sources are used here.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover import paths
from diplomatic_cover.answers.identity import IDENTITY_FILE, IDENTITY_SCHEMA

OK = "ok"
FAILED = "error"
INTERRUPTED = "interrupted (time limit)"
KILLED = "killed"
NOT_RUN = "not run"

# Sets the limits, then becomes the kernel: run with `python -I -S -c`.
_LAUNCHER = """
import os, resource, sys
cpu, memory = int(sys.argv[1]), int(sys.argv[2])
def cap(kind, value):
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))
if cpu > 0:
    cap(resource.RLIMIT_CPU, cpu)
if memory > 0:
    try:
        cap(resource.RLIMIT_AS, memory)
    except (ValueError, OSError):  # macOS does not enforce address-space limits
        pass
cap(resource.RLIMIT_CORE, 0)
os.execv(sys.argv[3], sys.argv[3:])
"""


@dataclass(frozen=True)
class ExecuteSettings:
    """Limits for one re-run. The defaults suit the kit's exercises with a wide margin."""

    cell_timeout: float = 30.0
    interrupt_grace: float = 3.0
    memory_mb: int = 2048
    cpu_seconds: int = 300
    startup_timeout: float = 60.0


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


def _font_cache() -> Path | None:
    """Matplotlib's cache folder of the grader, to seed the kernels' (saves a font scan)."""
    configured = os.environ.get("MPLCONFIGDIR")
    candidates = [Path(configured)] if configured else []
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates.append(Path(cache_home) / "matplotlib")
    return next((c for c in candidates if any(c.glob("fontlist-*.json"))), None)


class Executor:
    """Re-runs notebooks; one instance per grading run (it owns a scratch folder).

    Use as a context manager; `run()` is safe to call from several threads at once.
    """

    def __init__(self, settings: ExecuteSettings | None = None) -> None:
        self.settings = settings or ExecuteSettings()
        self.scratch = Path(tempfile.mkdtemp(prefix="dc-execute-"))
        self.mpl = self.scratch / "matplotlib"
        self.mpl.mkdir()
        cache = _font_cache()
        if cache is not None:
            for font_list in cache.glob("fontlist-*.json"):
                with contextlib.suppress(OSError):
                    shutil.copy2(font_list, self.mpl / font_list.name)
        root = paths.kit_root()
        self.data = root / "data" if root is not None else None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *_exc: object) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    # -- one notebook -------------------------------------------------------------------

    def run(
        self, student_id: str, student_name: str, exercise: str, notebook: bytes
    ) -> RerunResult:
        """Re-run one exercise notebook of one student; never raises for the student's code."""
        started = time.monotonic()
        result = RerunResult(exercise)
        try:
            result.sources = code_cells(notebook)
        except ValueError as error:
            result.problem = f"exercises/{exercise}.ipynb is {error}"
            return result
        folder = Path(tempfile.mkdtemp(prefix="run-", dir=self.scratch))
        try:
            self._prepare(folder, student_id, student_name, exercise, notebook)
            _Run(self.settings, folder, self._environment(folder, student_id), result).go()
            result.checks = _recorded_checks(folder / "responses" / student_id)
        except Exception as error:  # a broken kernel start must not stop the class
            result.problem = (
                result.problem or f"the re-run failed ({type(error).__name__}: {error})"
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            result.seconds = time.monotonic() - started
        return result

    def _prepare(
        self, folder: Path, student_id: str, student_name: str, exercise: str, notebook: bytes
    ) -> None:
        for name in (
            "work/exercises",
            "home",
            "tmp",
            "ipython",
            "jupyter",
            "runtime",
            "ipc",
            f"responses/{student_id}",
        ):
            (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / "work" / "exercises" / f"{exercise}.ipynb").write_bytes(notebook)
        if self.data is not None and self.data.is_dir():
            shutil.copytree(self.data, folder / "work" / "data")
        identity = {"schema": IDENTITY_SCHEMA, "id": student_id, "name": student_name}
        (folder / "responses" / IDENTITY_FILE).write_text(json.dumps(identity), encoding="utf-8")

    def _environment(self, folder: Path, student_id: str) -> dict[str, str]:
        """Only what a kernel needs: nothing inherited from the grader's environment."""
        bin_dir = str(Path(sys.executable).parent)
        return {
            "PATH": os.pathsep.join([bin_dir, "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": str(folder / "home"),
            "TMPDIR": str(folder / "tmp"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(self.mpl),
            "IPYTHONDIR": str(folder / "ipython"),
            "JUPYTER_CONFIG_DIR": str(folder / "jupyter"),
            "JUPYTER_DATA_DIR": str(folder / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            paths.RESPONSES_ENV: str(folder / "responses"),
            paths.SUBMISSIONS_ENV: str(folder / "tmp"),
            "JUPYTERHUB_USER": student_id,
        }


def _recorded_checks(folder: Path) -> dict[str, dict[str, Any]]:
    """Every check the re-run recorded, from the temporary store (latest save wins)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        checks = document.get("checks") if isinstance(document, dict) else None
        for check_id, entry in (checks or {}).items():
            if isinstance(entry, dict) and str(entry.get("saved_at", "")) >= str(
                found.get(check_id, {}).get("saved_at", "")
            ):
                found[check_id] = entry
    return found


class _Run:
    """One kernel's life: start it with limits, run the cells, kill it, whatever happens."""

    def __init__(
        self, settings: ExecuteSettings, folder: Path, env: dict[str, str], result: RerunResult
    ) -> None:
        self.settings = settings
        self.folder = folder
        self.env = env
        self.result = result
        self.process: subprocess.Popen[bytes] | None = None
        self.client: Any = None

    def go(self) -> None:
        try:
            self._start()
            for index, source in enumerate(self.result.sources):
                if self.result.stopped_at is not None:
                    self.result.cells.append(CellOutcome(index, NOT_RUN))
                    continue
                self.result.cells.append(self._cell(index, source))
        finally:
            self._stop()

    # -- the kernel -----------------------------------------------------------------------

    def _start(self) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        connection, _info = write_connection_file(
            str(self.folder / "kernel.json"), transport="ipc", ip=str(self.folder / "ipc" / "k")
        )
        memory = self.settings.memory_mb * 2**20 if self.settings.memory_mb > 0 else 0
        command = [
            sys.executable, "-I", "-S", "-c", _LAUNCHER,
            str(int(self.settings.cpu_seconds)), str(memory),
            sys.executable, "-m", "ipykernel_launcher", "-f", connection,
            "--HistoryManager.enabled=False", "--IPKernelApp.log_level=ERROR",
        ]  # fmt: skip
        log = open(self.folder / "kernel.log", "wb")  # noqa: SIM115 (closed in _stop)
        self._log = log
        self.process = subprocess.Popen(
            command,
            cwd=self.folder / "work" / "exercises",
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
        client = BlockingKernelClient(connection_file=connection)
        client.load_connection_file()
        client.start_channels()
        self.client = client
        deadline = time.monotonic() + self.settings.startup_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the kernel exited at start: {self._log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError("the kernel did not start in time")
            client.kernel_info()
            try:
                reply = client.get_shell_msg(timeout=1.0)
            except Exception:  # queue.Empty: not ready yet (a busy machine may take seconds)
                continue
            # A reply to any of the requests sent so far shows the kernel is up; the others'
            # replies are skipped later, as replies to no cell.
            if reply.get("msg_type") == "kernel_info_reply":
                break
        self._drain_iopub()

    def _log_tail(self) -> str:
        try:
            text = (self.folder / "kernel.log").read_bytes()[-2000:].decode("utf-8", "replace")
        except OSError:
            return "no log"
        return " ".join(text.split())[-400:]

    def _alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def _stop(self) -> None:
        self._kill()
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.stop_channels()
        if getattr(self, "_log", None) is not None:
            self._log.close()

    def _drain_iopub(self, limit: int = 10_000) -> None:
        """Discard the kernel's outputs (a cell printing without end cannot fill memory)."""
        with contextlib.suppress(Exception):
            for _ in range(limit):
                if not self.client.iopub_channel.msg_ready():
                    break
                self.client.iopub_channel.get_msg(timeout=0)

    # -- one cell -------------------------------------------------------------------------

    def _wait_done(self, msg_id: str, until: float, outcome: CellOutcome) -> bool:
        """Wait for the cell's execute_reply (True) until `until` passes or the kernel dies.

        The reply comes on the shell channel, which never drops messages; IOPub (outputs,
        busy/idle) can lose its first messages before the subscription is up, so it is only
        drained here, never waited on.
        """
        while True:
            self._drain_iopub()
            left = until - time.monotonic()
            if left <= 0 or not self._alive():
                return False
            try:
                reply = self.client.get_shell_msg(timeout=min(left, 0.1))
            except Exception:  # queue.Empty
                continue
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            content = reply.get("content", {})
            if content.get("status") == "error" and not outcome.error:
                outcome.error = f"{content.get('ename', '')}: {content.get('evalue', '')}"[:500]
            elif content.get("status") == "aborted":
                outcome.error = "aborted by the kernel"
            return True

    def _cell(self, index: int, source: str) -> CellOutcome:
        outcome = CellOutcome(index, OK)
        started = time.monotonic()
        if not source.strip():
            return outcome
        msg_id = self.client.execute(
            source, silent=False, store_history=False, allow_stdin=False, stop_on_error=False
        )
        finished = self._wait_done(msg_id, started + self.settings.cell_timeout, outcome)
        if finished:
            outcome.status = FAILED if outcome.error else OK
        elif not self._alive():
            outcome.status = KILLED
            outcome.error = outcome.error or _death(self.process)
            self.result.stopped_at = index
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGINT)  # type: ignore[union-attr]
            grace = time.monotonic() + self.settings.interrupt_grace
            if self._wait_done(msg_id, grace, outcome):
                outcome.status = INTERRUPTED
                outcome.error = f"stopped after {self.settings.cell_timeout:g} s (time limit)"
            else:
                self._kill()
                outcome.status = KILLED
                outcome.error = (
                    f"still running after {self.settings.cell_timeout:g} s and did not stop "
                    "when interrupted: the kernel was killed"
                )
                self.result.stopped_at = index
        outcome.seconds = time.monotonic() - started
        return outcome


def _death(process: subprocess.Popen[bytes] | None) -> str:
    code = process.poll() if process is not None else None
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        reasons = {"SIGXCPU": "CPU time limit", "SIGKILL": "killed, likely out of memory"}
        return f"the kernel died ({name}: {reasons.get(name, 'signal')})"
    return f"the kernel died (exit code {code})"


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


def describe(value: Any, limit: int = 60) -> str:
    """A short text of a recorded value, for a flag ("[1, 2, 3]", "DataFrame 5×3")."""
    if isinstance(value, dict) and value.get("__type__") == "DataFrame":
        rows, columns = len(value.get("data") or []), len(value.get("columns") or [])
        return f"DataFrame {rows}×{columns}"
    if isinstance(value, dict) and value.get("__type__") in ("Series", "Figure"):
        size = len(value.get("values") or value.get("axes") or [])
        return f"{value['__type__']} of {size}"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
