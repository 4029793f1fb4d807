"""The bubblewrap backend: each submission in namespaces of its own, as an unused uid.

What a job is (all measured on Debian 12 with bubblewrap 0.8 and cgroup v1, as root):

* **Who.** `bwrap` runs as root **without** a user namespace, builds the mounts, then
  `setpriv` drops to an unused uid and gid (never in /etc/passwd, /etc/group or any subuid
  range, and owning no process) with no groups, no capabilities (inheritable and bounding
  sets cleared) and `no_new_privs`. (`bwrap --unshare-user --uid N` would not do: as root
  that uid maps to root outside, and it could read /etc/shadow.) Each job that runs at the
  same time gets its own uid.
* **What it sees.** A fresh tmpfs root holding only: the interpreter's prefix
  (`/opt/dc/python`), the site-packages (`/opt/dc/site/N`, with any copy of the kit
  covered), the class copy of the kit (`/kit`), the job's inputs (`/in`: the notebooks and a
  font list), the system libraries the interpreter links against (`/usr/lib`,
  `/usr/lib64`), `setpriv` itself, `/etc/ld.so.cache`, and a two-line passwd and group.
  All read-only. Never `/`: not the open kit, the grader's `--out` folder, the submissions,
  other students' jobs, /root or /etc/shadow.
* **Where it writes.** Only `/work`, a tmpfs of `scratch_bytes` (its pages count against
  the job's memory); `/tmp` is a link into it. Nothing the job writes outlives it.
* **Namespaces.** New PID namespace, in which the runner is PID 1: nothing of the grader is
  visible, the student's code cannot kill or stop the runner (PID 1 gets no signal it does
  not handle), and when the runner exits every process in the namespace dies, `setsid` or
  not. New network (a loopback of its own, nothing else), IPC, UTS and cgroup namespaces;
  `--die-with-parent` and a new session.
* **Limits.** A v1 memory group and pids group hold the job and everything it starts
  (`cgroups.py`); the runner adds `RLIMIT_AS`, `RLIMIT_CPU` and `RLIMIT_FSIZE` per process.
  The grader enforces the wall time and removes the groups after killing what is left.

Mount sources' paths show in the job's /proc/self/mountinfo; their contents outside the
mounts do not.
"""

from __future__ import annotations

import contextlib
import grp
import itertools
import os
import pwd
import queue
import subprocess
import sys
import threading
from pathlib import Path

from diplomatic_cover.grading.sandbox import (
    JobReport,
    Limits,
    Places,
    Runtime,
    SandboxUnavailable,
)
from diplomatic_cover.grading.sandbox.cgroups import JobGroup, remove_stale, v1_unavailable

BWRAP = "/usr/bin/bwrap"
SETPRIV = "/usr/bin/setpriv"
PYTHON = "/opt/dc/python"
SITE = "/opt/dc/site"
RUNNER = "/opt/dc/runner.py"
KIT = "/kit"
INPUTS = "/in"
WORK = "/work"
FIRST_UID = 2_100_000_000  # far above any passwd entry or usual subuid range
GROUP_PREFIX = "job"
# Joins the job's cgroups before anything of the job runs, then becomes bwrap.
_JOIN = 'echo $$ > "$1" && echo $$ > "$2" && shift 2 && exec "$@"'


def unavailable(bwrap: str | None = None, setpriv: str | None = None) -> str | None:
    """Why this backend cannot run here, in one line (None when it can)."""
    bwrap, setpriv = bwrap or BWRAP, setpriv or SETPRIV
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux (bubblewrap); this is {sys.platform}"
    if not Path(bwrap).is_file():
        return f"bubblewrap is not installed ({bwrap}; Debian: apt-get install bubblewrap)"
    if not Path(setpriv).is_file():
        return f"setpriv is not installed ({setpriv}; Debian: apt-get install util-linux)"
    if os.geteuid() != 0:
        return (
            "the sandbox must be started as root, to run students' code as an unused uid "
            "and limit it through a cgroup"
        )
    return v1_unavailable()


def _taken_ranges() -> list[range]:
    ranges = []
    for name in ("/etc/subuid", "/etc/subgid"):
        with contextlib.suppress(OSError):
            for line in Path(name).read_text().splitlines():
                parts = line.split(":")
                with contextlib.suppress(IndexError, ValueError):
                    ranges.append(range(int(parts[1]), int(parts[1]) + int(parts[2])))
    return ranges


def _uid_in_use(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        pass
    try:
        grp.getgrgid(uid)
        return True
    except KeyError:
        pass
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    return True
    return False


class UidPool:
    """Unused uids, one per job running at the same time."""

    def __init__(self, first: int = FIRST_UID) -> None:
        self._free: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._next = first
        self._lock = threading.Lock()
        self._taken = _taken_ranges()

    def take(self) -> int:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            while True:
                uid = self._next
                self._next += 1
                if not any(uid in r for r in self._taken) and not _uid_in_use(uid):
                    return uid

    def give_back(self, uid: int) -> None:
        self._free.put(uid)


class _Mounts:
    """bwrap's arguments for the mounts, creating every parent folder readable (0755).

    bwrap makes the parents of a mount point mode 0700, which an unprivileged uid cannot
    cross; each parent is made explicitly first.
    """

    def __init__(self) -> None:
        self.args: list[str] = []
        self._made = {"/"}

    def _parents(self, dest: str) -> None:
        parts = Path(dest).parent.parts
        for depth in range(2, len(parts) + 1):
            folder = str(Path(*parts[:depth]))
            if folder not in self._made:
                self.args += ["--dir", folder]
                self._made.add(folder)

    def bind(self, source: Path | str, dest: str) -> None:
        self._parents(dest)
        self.args += ["--ro-bind", str(source), dest]
        self._made.add(dest)

    def cover(self, dest: str, empty_file: Path, is_dir: bool) -> None:
        """Hide what is at `dest` (inside an earlier mount) behind an empty folder or file."""
        if is_dir:
            self.args += ["--tmpfs", dest]
        else:
            self.args += ["--ro-bind", str(empty_file), dest]

    def link(self, target: str, dest: str) -> None:
        self._parents(dest)
        self.args += ["--symlink", target, dest]
        self._made.add(dest)


def _system_mounts(mounts: _Mounts) -> None:
    """The libraries the interpreter links against and `setpriv`; nothing else of the host."""
    for folder in ("/usr/lib", "/usr/lib64"):
        if Path(folder).is_dir():
            mounts.bind(folder, folder)
    for folder in ("/lib", "/lib64", "/lib32", "/libx32"):
        path = Path(folder)
        if path.is_symlink():
            mounts.link(os.readlink(path), folder)
        elif path.is_dir():
            mounts.bind(folder, folder)
    mounts.bind(SETPRIV, SETPRIV)
    if Path("/etc/ld.so.cache").is_file():
        mounts.bind("/etc/ld.so.cache", "/etc/ld.so.cache")


class BubblewrapJob:
    """One running job and what it holds: its process, cgroups and uid."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        places: Places,
        group: JobGroup,
        uid: int,
        backend: Bubblewrap,
    ) -> None:
        self.process = process
        self.places = places
        self.group = group
        self.uid = uid
        self._backend = backend

    def close(self) -> JobReport:
        try:
            # Once the runner (PID 1 of the job) has exited, the kernel kills everything
            # else in the namespace and bwrap exits when all of it is gone.
            self.process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()  # bwrap: the runner dies with it, then the namespace
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        report = JobReport(
            out_of_memory=self.group.out_of_memory(), peak_memory=self.group.peak_memory()
        )
        report.survivors = self.group.kill_all()
        self.group.remove()
        self._backend.uids.give_back(self.uid)
        return report


class Bubblewrap:
    """Jobs in bubblewrap sandboxes (see the module's docstring)."""

    name = "bubblewrap"
    isolated = True

    def __init__(self, runtime: Runtime) -> None:
        reason = unavailable()
        if reason:
            raise SandboxUnavailable(reason)
        self.runtime = runtime
        self.bwrap = BWRAP
        self.uids = UidPool()
        self._count = itertools.count()
        self._empty = runtime.cache / "empty"
        self._empty.write_bytes(b"")
        self._empty.chmod(0o644)
        remove_stale(GROUP_PREFIX)

    def close(self) -> None:
        """Nothing is held between jobs."""

    def _etc(self, folder: Path, uid: int) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        passwd, group = folder / "passwd", folder / "group"
        passwd.write_text(f"student:x:{uid}:{uid}:student:{WORK}/home:/nonexistent\n")
        group.write_text(f"student:x:{uid}:\n")
        for path in (folder, passwd, group):
            path.chmod(0o755 if path.is_dir() else 0o644)
        return passwd, group

    def places(self) -> Places:
        python = self.runtime.python
        site = tuple(f"{SITE}/{i}" for i in range(len(python.site_dirs)))
        inside = python.executable.relative_to(python.prefix)
        return Places(f"{PYTHON}/{inside}", site, KIT, INPUTS, WORK, RUNNER)

    def arguments(self, inputs: Path, uid: int, limits: Limits) -> list[str]:
        """bwrap's command line for one job (every mount is listed here, and only here)."""
        python = self.runtime.python
        places = self.places()
        mounts = _Mounts()
        _system_mounts(mounts)
        mounts.bind(python.prefix, PYTHON)
        for version_dir in sorted(python.prefix.glob("lib/python3*/site-packages")):
            # The base installation's own packages are not the grader's environment.
            if version_dir not in python.site_dirs:
                mounts.cover(
                    f"{PYTHON}/{version_dir.relative_to(python.prefix)}", self._empty, True
                )
        for host, inside in zip(python.site_dirs, places.site, strict=True):
            mounts.bind(host, inside)
            for entry in self.runtime.hidden:
                if entry.parent == host:
                    mounts.cover(f"{inside}/{entry.name}", self._empty, entry.is_dir())
        mounts.bind(self.runtime.runner, RUNNER)
        mounts.bind(self.runtime.kit, KIT)
        mounts.bind(inputs, INPUTS)
        passwd, group = self._etc(inputs.parent / "etc", uid)
        mounts.bind(passwd, "/etc/passwd")
        mounts.bind(group, "/etc/group")
        environment = {
            "PATH": f"{PYTHON}/bin",
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
            "HOME": f"{WORK}/home",
        }
        if any(python.prefix.glob("lib/libpython*")):
            # The interpreter's RUNPATH names its real prefix, which is not mounted.
            environment["LD_LIBRARY_PATH"] = f"{PYTHON}/lib"
        setenv = [arg for key, value in environment.items() for arg in ("--setenv", key, value)]
        return [
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup", "--hostname", "sandbox", "--as-pid-1", "--die-with-parent",
            "--new-session",
            "--clearenv", *setenv,
            *mounts.args,
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "01777", "--size", str(limits.scratch_bytes), "--tmpfs", WORK,
            "--symlink", f"{WORK}/tmp", "/tmp",
            "--chdir", WORK,
            "--", SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
            "--", places.python, "-S", "-s", "-P", RUNNER,
        ]  # fmt: skip

    def start(self, inputs: Path, limits: Limits) -> BubblewrapJob:
        uid = self.uids.take()
        name = f"{GROUP_PREFIX}-{os.getpid()}-{next(self._count)}"
        try:
            group = JobGroup(name, memory_bytes=limits.memory_bytes, processes=limits.processes)
        except OSError as error:
            self.uids.give_back(uid)
            raise SandboxUnavailable(f"the job's cgroup could not be made: {error}") from error
        command = [
            "/bin/sh", "-c", _JOIN, "dc-sandbox",
            *[str(p) for p in group.procs_files],
            self.bwrap, *self.arguments(inputs, uid, limits),
        ]  # fmt: skip
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"},
                close_fds=True,
                start_new_session=True,
            )
        except OSError as error:
            group.remove()
            self.uids.give_back(uid)
            raise SandboxUnavailable(f"bubblewrap could not be started: {error}") from error
        return BubblewrapJob(process, self.places(), group, uid, self)
