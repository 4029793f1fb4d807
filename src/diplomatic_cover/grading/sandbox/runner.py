"""The program that runs inside a submission's sandbox: one warm interpreter, a fork per notebook.

Start-up dominates a re-run (the interpreter, IPython, pandas and matplotlib take about a
second to import), so this program imports them once per submission and then runs each of
that student's notebooks in a fresh process forked from the warm one. Each notebook starts
from the same clean state, as in a new kernel, and nothing of one student is ever shared
with another: every submission gets its own sandbox and its own warm interpreter.

A notebook runs the way JupyterLab runs it: its code cells in order through IPython's
`InteractiveShell` (magics, `display`, the inline matplotlib backend that closes figures at
the end of each cell), in the notebook's folder, with the answer store and identity the
student's kit would use. Outputs are thrown away; what counts is what the notebook's
`check(...)` calls record in the store.

The warm process supervises each notebook's process: it enforces the per-cell time limit
(an interrupt, then a kill after a short grace) and the notebook's wall-time limit, then
reads the store the notebook wrote and reports the recorded values as one JSON line on its
standard output. It is made non-dumpable, so the student's code (the same uid) cannot read
its file descriptors or attach a debugger to it; what a notebook could still forge is only
its own student's report, which is worth no more than what `check()` records.

Protocol: one JSON line on standard input (the job), JSON lines on standard output
(`ready`, then one `notebook` per notebook, then `done`). The grader reads them with size
limits (`channel.py`). This file imports only the standard library at start (it also runs
the preparation job, before any package is on the path), so the grader can import its
constants too.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import resource
import select
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

OK = "ok"
FAILED = "error"
INTERRUPTED = "interrupted (time limit)"
KILLED = "killed"
NOT_RUN = "not run"
CELL_STATUSES = (OK, FAILED, INTERRUPTED, KILLED, NOT_RUN)

MAX_JOB_BYTES = 64 * 2**20  # the job line (notebook sources included)
MAX_STORE_FILE = 64 * 2**20  # a store document larger than this is not read
MAX_ERROR = 500  # characters of a cell's error kept
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def send(channel: Any, event: dict[str, Any]) -> None:
    """Write one event line to the grader."""
    channel.write(json.dumps(event, ensure_ascii=True).encode("ascii") + b"\n")
    channel.flush()


# ---------------------------------------------------------------------------------------
# Setting up the warm interpreter


def _limit(kind: int, value: int) -> None:
    if value <= 0:
        return
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    with contextlib.suppress(ValueError, OSError):  # macOS does not enforce RLIMIT_AS
        resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))


def _not_dumpable() -> None:
    """Keep the student's code (same uid) out of this process's memory and descriptors."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4


def _dumpable() -> None:
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)


def _set_paths(job: dict[str, Any]) -> None:
    """The class copy's package first, then the site-packages (their .pth files included)."""
    import site

    for folder in job["site"]:
        site.addsitedir(folder)
    sys.path.insert(0, os.path.join(job["kit"], "src"))


def _environment(job: dict[str, Any]) -> None:
    """What the student's kit would have: a home, a temporary folder, the inline backend."""
    work = job["work"]
    os.environ.update(
        {
            "HOME": os.path.join(work, "home"),
            "TMPDIR": os.path.join(work, "tmp"),
            "MPLCONFIGDIR": os.path.join(work, "matplotlib"),
            "MPLBACKEND": INLINE_BACKEND,
            "IPYTHONDIR": os.path.join(work, "ipython"),
            "JUPYTER_CONFIG_DIR": os.path.join(work, "jupyter"),
            "JUPYTER_DATA_DIR": os.path.join(work, "jupyter"),
            "JUPYTER_RUNTIME_DIR": os.path.join(work, "jupyter", "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "JUPYTERHUB_USER": job["student"]["id"],
            "USER": "student",
            "LOGNAME": "student",
        }
    )


def _prepare_work(job: dict[str, Any]) -> None:
    """Lay out the scratch folder: the notebooks beside a link to the class copy's data."""
    work, inputs = Path(job["work"]), Path(job["inputs"])
    for name in ("home", "tmp", "matplotlib", "ipython", "jupyter/runtime", "exercises", "runs"):
        (work / name).mkdir(parents=True, exist_ok=True)
    for font_list in sorted((inputs / "matplotlib").glob("fontlist-*.json")):
        shutil.copyfile(font_list, work / "matplotlib" / font_list.name)
    for notebook in job["notebooks"]:
        source = inputs / "notebooks" / f"{notebook['name']}.ipynb"
        if source.is_file():
            shutil.copyfile(source, work / "exercises" / source.name)
    data = Path(job["kit"]) / "data"
    if data.is_dir() and not (work / "data").exists():
        (work / "data").symlink_to(data)


def _warm(job: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    """Start IPython's shell and import what notebooks use; the shell and any failures."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "plain"
    shell = InteractiveShell.instance(config=config)
    failed = {}
    gc.disable()  # imports make no garbage worth collecting, only work for the collector
    try:
        for name in job.get("warm", []):
            try:
                importlib.import_module(name)
            except Exception as error:  # reported; a notebook that needs it fails the same way
                failed[name] = f"{type(error).__name__}: {error}"[:MAX_ERROR]
    finally:
        gc.enable()
    # What is loaded now lasts the whole job: kept out of the collector's sight, so that a
    # notebook's collections do not touch (and copy) the pages it shares with this process.
    gc.freeze()
    return shell, failed


# ---------------------------------------------------------------------------------------
# One notebook, in a forked process


def _child(shell: Any, job: dict[str, Any], sources: list[str], store: Path, events: int) -> None:
    """Run the cells in order, telling the supervisor when each starts and ends."""
    os.setpgid(0, 0)
    _dumpable()
    with contextlib.suppress(OSError):  # out of memory, the kernel kills this before the runner
        Path("/proc/self/oom_score_adj").write_text("500")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.environ["DIPLOMATIC_COVER_RESPONSES"] = str(store)
    os.environ["DIPLOMATIC_COVER_SUBMISSIONS"] = os.path.join(job["work"], "tmp")
    os.chdir(os.path.join(job["work"], "exercises"))
    if "" not in sys.path:
        sys.path.insert(0, "")  # as in a kernel: the notebook's folder is importable
    sys.argv = [""]
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _limit(resource.RLIMIT_CPU, int(job["limits"]["cpu_seconds"]))
    pipe = os.fdopen(events, "wb", buffering=0)
    for index, source in enumerate(sources):
        pipe.write(json.dumps({"start": index}).encode() + b"\n")
        error = None
        if source.strip():
            result = shell.run_cell(source, store_history=True)
            error = result.error_before_exec or result.error_in_exec
        status = OK
        text = ""
        if error is not None:
            status = INTERRUPTED if isinstance(error, KeyboardInterrupt) else FAILED
            text = f"{type(error).__name__}: {error}"[:MAX_ERROR]
        pipe.write(json.dumps({"end": index, "status": status, "error": text}).encode() + b"\n")


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        reasons = {
            "SIGXCPU": "CPU time limit",
            "SIGKILL": "killed: out of memory or over a limit",
        }
        return f"the notebook's process died ({name}: {reasons.get(name, 'signal')})"
    return f"the notebook's process exited (code {os.WEXITSTATUS(status)})"


class _Supervisor:
    """Watches one notebook's process: per-cell and wall-time limits, then how each cell went."""

    def __init__(self, pid: int, events: int, count: int, limits: dict[str, Any]) -> None:
        self.pid = pid
        self.events = events
        self.cells: list[dict[str, Any]] = [
            {"index": i, "status": NOT_RUN, "seconds": 0.0, "error": ""} for i in range(count)
        ]
        self.cell_timeout = float(limits["cell_timeout"])
        self.grace = float(limits["interrupt_grace"])
        self.wall = time.monotonic() + float(limits["notebook_seconds"])
        self.current: int | None = None
        self.started = 0.0
        self.deadline = self.wall
        self.interrupted = False
        self.stopped_at: int | None = None

    def _event(self, event: dict[str, Any]) -> None:
        now = time.monotonic()
        if "start" in event:
            index = int(event["start"])
            if not 0 <= index < len(self.cells):
                return  # the pipe is the student's too: ignore what no cell could have sent
            self.current = index
            self.started, self.interrupted = now, False
            self.deadline = min(now + self.cell_timeout, self.wall)
        elif "end" in event and self.current is not None:
            cell = self.cells[self.current]
            cell["seconds"] = round(now - self.started, 3)
            status = event.get("status")
            cell["status"] = status if status in (OK, FAILED, INTERRUPTED) else FAILED
            cell["error"] = str(event.get("error", ""))[:MAX_ERROR]
            if self.interrupted:
                cell["status"] = INTERRUPTED
                cell["error"] = f"stopped after {self.cell_timeout:g} s (time limit)"
            self.current, self.deadline = None, self.wall

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def _over_time(self) -> bool:
        """A limit passed: interrupt, or kill. True when the process was killed."""
        if self.current is not None and not self.interrupted and time.monotonic() < self.wall:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGINT)
            self.interrupted = True
            self.deadline = min(time.monotonic() + self.grace, self.wall)
            return False
        self._kill()
        if self.current is not None:
            cell = self.cells[self.current]
            cell["status"] = KILLED
            cell["seconds"] = round(time.monotonic() - self.started, 3)
            if time.monotonic() >= self.wall:
                cell["error"] = "the notebook's wall-time limit was reached: it was killed"
            else:
                cell["error"] = (
                    f"still running after {self.cell_timeout:g} s and did not stop when "
                    "interrupted: the notebook's process was killed"
                )
            self.stopped_at = self.current
        return True

    def _read(self, buffer: bytes) -> tuple[bytes, bool]:
        """Take what the process wrote; (rest of the buffer, whether the pipe closed)."""
        data = os.read(self.events, 65536)
        buffer += data
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            with contextlib.suppress(ValueError, TypeError, KeyError, IndexError):
                self._event(json.loads(line))
        return buffer, not data

    def _reap(self) -> int | None:
        """Collect ended processes (orphans come to the runner when it is PID 1).

        The notebook's own wait status once it has ended, else None.
        """
        while True:
            try:
                pid, code = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return None
            if pid == 0:
                return None
            if pid == self.pid:
                return code

    def watch(self) -> None:
        """Follow the cells until the process ends (or is killed), then note how it ended."""
        try:
            exited = os.pidfd_open(self.pid)  # readable once the process has ended
        except (AttributeError, OSError):
            exited = None
        buffer, killed, status, pipe_open = b"", False, None, True
        try:
            while status is None:
                status = self._reap()
                if status is not None:
                    break
                left = self.deadline - time.monotonic()
                if left <= 0:
                    if self._over_time():
                        killed = True
                        status = os.waitpid(self.pid, 0)[1]
                    continue
                watched = [self.events] if pipe_open else []
                if exited is not None:
                    watched.append(exited)
                # Without a pidfd, look at the process every 50 ms.
                wait = left if exited is not None else min(left, 0.05)
                ready, _, _ = select.select(watched, [], [], wait) if watched else ([], [], [])
                if not watched:
                    time.sleep(wait)
                if self.events in ready:
                    buffer, closed = self._read(buffer)
                    pipe_open = not closed
        finally:
            if exited is not None:
                os.close(exited)
        # The last lines written before it ended (a process it started may hold the pipe
        # open, so read only what is there).
        for _ in range(16):
            if not pipe_open or not select.select([self.events], [], [], 0)[0]:
                break
            buffer, closed = self._read(buffer)
            pipe_open = not closed
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # what the notebook started, if still there
        if not killed and self.current is not None:
            cell = self.cells[self.current]
            cell["status"], cell["error"] = KILLED, _death(status)
            cell["seconds"] = round(time.monotonic() - self.started, 3)
            self.stopped_at = self.current


def recorded_checks(folder: Path) -> dict[str, dict[str, Any]]:
    """Every check the notebook recorded (latest save wins): the value and when, nothing else.

    A notebook that writes the store itself gains nothing: only `value` is graded, and any
    plain JSON value can be recorded through `check()` anyway.
    """
    found: dict[str, dict[str, Any]] = {}
    if not folder.is_dir() or folder.is_symlink():
        return found
    for path in sorted(folder.glob("*.json")):
        try:
            if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_STORE_FILE:
                continue
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            continue
        checks = document.get("checks") if isinstance(document, dict) else None
        if not isinstance(checks, dict):
            continue
        for check_id, entry in checks.items():
            if not isinstance(entry, dict):
                continue
            saved = str(entry.get("saved_at", ""))
            if saved >= found.get(check_id, {}).get("saved_at", ""):
                found[str(check_id)] = {"value": entry.get("value"), "saved_at": saved}
    return found


def run_notebook(shell: Any, job: dict[str, Any], number: int, notebook: dict[str, Any]) -> dict:
    """Fork, run one notebook, and report how its cells went and what it recorded."""
    started = time.monotonic()
    store = Path(job["work"]) / "runs" / str(number) / "responses"
    store.mkdir(parents=True)
    identity = job["identity"]
    (store / identity["file"]).write_text(json.dumps(identity["content"]), encoding="utf-8")
    sources = [str(s) for s in notebook["sources"]]
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child never returns)
        code = 0
        try:
            os.close(read_end)
            os.close(job["channel_fd"])  # the grader's channel stays with the supervisor
            _child(shell, job, sources, store, write_end)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    supervisor = _Supervisor(pid, read_end, len(sources), job["limits"])
    try:
        supervisor.watch()
    finally:
        os.close(read_end)
    checks = recorded_checks(store / job["student"]["id"])
    shutil.rmtree(store.parent, ignore_errors=True)
    return {
        "event": "notebook",
        "name": notebook["name"],
        "cells": supervisor.cells,
        "stopped_at": supervisor.stopped_at,
        "checks": checks,
        "seconds": round(time.monotonic() - started, 3),
    }


# ---------------------------------------------------------------------------------------
# The job


def _font_lists(work: str) -> dict[str, str]:
    folder = Path(work) / "matplotlib"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("fontlist-*.json"))}


def main() -> int:
    """Read the job, warm up, run every notebook, report; 0 unless the job could not start."""
    channel_fd = os.dup(1)
    os.dup2(2, 1)  # stray prints go to the log, never into the channel
    channel = os.fdopen(channel_fd, "wb")
    job = json.loads(sys.stdin.buffer.readline(MAX_JOB_BYTES))
    job["channel_fd"] = channel_fd
    limits = job["limits"]
    _limit(resource.RLIMIT_AS, int(limits["memory_bytes"]))
    _limit(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    started = time.monotonic()
    _environment(job)
    _prepare_work(job)
    _set_paths(job)
    shell, failed = _warm(job)
    ready = {
        "event": "ready",
        "seconds": round(time.monotonic() - started, 3),
        "failed": failed,
        "python": sys.version,
        "uid": os.getuid(),
    }
    if job.get("prepare"):
        ready["font_lists"] = _font_lists(job["work"])
    send(channel, ready)
    _not_dumpable()
    # The runner may be PID 1 of the sandbox: it ignores interrupts (the notebooks' processes
    # get the default handler back) and outlives anything the student starts.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number, notebook in enumerate(job["notebooks"]):
        send(channel, run_notebook(shell, job, number, notebook))
    send(channel, {"event": "done"})
    return 0


if __name__ == "__main__":
    code = main()
    # Straight out: tearing down an interpreter that holds pandas and matplotlib takes a
    # few tenths of a second, and nothing is left to save.
    os._exit(code)
