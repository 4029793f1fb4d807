"""`--no-isolation`: the same runner as a plain child process, where no sandbox can be built.

The notebooks run the same way as in the sandbox (same runner, same class copy first on the
path, same per-cell and per-process limits), so grades do not depend on the backend. But
nothing stops the student's code from reading or changing what the grader's user can: the
open kit, the `--out` folder, other students' files, the network. Every row graded this way
is marked unisolated in grades.csv and the class report.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from diplomatic_cover.grading.sandbox import JobReport, Limits, Places, Runtime


class UnisolatedJob:
    """A runner started as the grader's own user, in a session of its own."""

    def __init__(self, process: subprocess.Popen[bytes], places: Places, work: Path) -> None:
        self.process = process
        self.places = places
        self.work = work

    def close(self) -> JobReport:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        shutil.rmtree(self.work, ignore_errors=True)
        return JobReport()


class Unisolated:
    """Jobs as plain child processes (see the module's docstring)."""

    name = "unisolated"
    isolated = False

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def close(self) -> None:
        """Nothing is held between jobs."""

    def start(self, inputs: Path, limits: Limits) -> UnisolatedJob:
        python = self.runtime.python
        work = inputs.parent / "work"
        work.mkdir(parents=True, exist_ok=True)
        places = Places(
            python=str(python.executable),
            site=tuple(str(p) for p in python.site_dirs),
            kit=str(self.runtime.kit),
            inputs=str(inputs),
            work=str(work),
            runner=str(self.runtime.runner),
        )
        environment = {
            "PATH": os.pathsep.join([str(python.executable.parent), "/usr/bin", "/bin"]),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "HOME": str(work / "home"),
        }
        process = subprocess.Popen(
            [places.python, "-S", "-s", "-P", places.runner],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            env=environment,
            close_fds=True,
            start_new_session=True,
        )
        return UnisolatedJob(process, places, work)
