"""Files that survive crashes, shared folders and two writers at once: atomic writes and locks.

Students' answers, their saved name and the grader's outputs all live on file systems that
may be network home directories (NFS on JupyterHub), where SQLite and `fcntl` locks are
unreliable. So everything here uses only operations that hold on such systems:

* A lock file created with `O_CREAT | O_EXCL` beside the protected file. It records pid, host
  and time; a waiter breaks it when it is older than `stale_seconds`, or at once when its
  owner is a process on this machine that no longer exists (a kernel killed mid-save).
  Breaking renames the lock to a unique name first, so two breakers cannot both win.
* A new version is written to a temporary file in the same folder, flushed and fsynced,
  then `os.replace`d onto the target, and the folder is fsynced. A crash leaves the old or
  the new version, never a half-written one. `before_replace` lets a writer check, just
  before the swap, that its lock is still its own.
* A file that cannot be read is renamed to `<name>.unreadable-<UTC stamp>` (`set_aside`),
  never deleted or overwritten.
* Students' files are private: `private_folder` makes folders only their owner can open
  (0700) and the store writes its files 0600 (`atomic_write_bytes(..., mode=PRIVATE_FILE)`),
  so on a shared machine, where Debian makes home folders 0755, classmates cannot read each
  other's answers.

Used by the answer store (`answers.store`), the student's identity file, the hand-in and the
grader. Standard library only. Its errors are `StoreError`s, named for the answer store,
their first user, whose messages (and `except StoreError`) they keep.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import random
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_STALE_LOCK_SECONDS = 30.0
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# Create-or-fail, in binary mode (without O_BINARY, Windows would turn "\n" into "\r\n").
_CREATE_NEW = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)


class StoreError(Exception):
    """An answer could not be saved or read; the message says what to do."""


# "No space left" and "quota exceeded": the same thing to a student (EDQUOT is POSIX only).
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def cannot_save(error: OSError, folder: Path, otherwise: str) -> StoreError:
    """The StoreError for a write that failed: a full disk says so, and what to do now.

    A full disk (or quota) is the one failure a student can act on at once: nothing more
    will be saved until space is freed, so the text they typed lives only in the browser.
    Any other error gets `otherwise`, the caller's message.
    """
    if error.errno in _DISK_FULL:
        return StoreError(
            f"Your answer is NOT saved: the disk is full ({folder}: "
            f"{error.strerror or error}). To keep it, copy your text (select it, Ctrl+C) "
            "into a file elsewhere, and tell your instructor. Answers saved earlier are safe."
        )
    return StoreError(otherwise)


# ---------------------------------------------------------------------------------------
# Time


def utc_now() -> str:
    """The current time as ISO-UTC with milliseconds, e.g. "2026-11-27T10:42:05.123Z"."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _file_stamp() -> str:
    """A UTC stamp safe in file names on every system (no colons)."""
    now = datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S.") + f"{now.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------------------------------
# Files that survive crashes


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); Windows and some file systems cannot."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _temporary_name(path: Path) -> Path:
    # Dot-prefixed, so it can never be mistaken for a notebook's document.
    return path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:12]}")


def atomic_write_bytes(
    path: Path,
    data: bytes,
    *,
    before_replace: Callable[[], None] | None = None,
    mode: int = 0o666,
) -> None:
    """Replace `path` by `data` so that a crash leaves the old or the new file, never a mix.

    `before_replace` runs after the new bytes are on disk and just before the swap; it may
    raise to abandon the write (the temporary file is removed and the old file kept).
    `mode` is the new file's permissions (less what the umask removes): `PRIVATE_FILE` for
    a student's files.
    """
    temporary = _temporary_name(path)
    try:
        fd = os.open(temporary, _CREATE_NEW, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        _replace(temporary, path)
    except BaseException:
        unlink_quietly(temporary)
        raise
    _fsync_folder(path.parent)


def _replace(source: Path, target: Path) -> None:
    """`os.replace`, retried briefly on Windows, where a reader holding the file blocks it."""
    for attempt in range(40):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 39:
                raise
            time.sleep(0.025)


def private_folder(folder: Path) -> None:
    """Make sure `folder` exists and only its owner can list or enter it (0700).

    Missing parents are created as usual (a parent such as `~/.local/share` is not ours to
    close). A folder that already exists and belongs to this user is tightened, so a store
    made before files were private becomes private too; someone else's folder (a course
    folder a hub administrator set up) is left as it is. Windows has no such modes.
    """
    try:
        folder.mkdir(mode=PRIVATE_FOLDER)
    except FileNotFoundError:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_FOLDER)
    except FileExistsError:
        pass
    if os.name == "nt":
        return
    info = folder.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        os.chmod(folder, PRIVATE_FOLDER)


def set_aside(path: Path) -> Path:
    """Rename `path` to `<name>.unreadable-<UTC stamp>` (never overwriting); return the name.

    Call it while holding the file's lock, so two kernels cannot set aside the same file.
    """
    stamp = _file_stamp()
    for counter in range(1, 1000):
        suffix = "" if counter == 1 else f"-{counter}"
        kept = path.with_name(f"{path.name}.unreadable-{stamp}{suffix}")
        if os.path.lexists(kept):
            continue
        try:
            os.rename(path, kept)
        except OSError as error:
            raise StoreError(
                f"{path} could not be read, and could not be set aside either "
                f"({error.strerror or error}). Tell your instructor."
            ) from error
        _fsync_folder(path.parent)
        return kept
    raise StoreError(f"{path} could not be read and could not be set aside. Tell your instructor.")


# ---------------------------------------------------------------------------------------
# The lock


@functools.cache
def _process_namespace() -> str:
    """Identify this machine's boot and pid namespace, so a lock's pid can be checked.

    A pid only means something inside the pid namespace (container) and boot that issued
    it; two containers can share a host name and a network home. Linux only: elsewhere
    this is empty and locks are broken by age alone.
    """
    if not sys.platform.startswith("linux"):
        return ""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return ""
    return f"{boot}:{namespace}"


def _read_lock(path: Path) -> tuple[os.stat_result, dict[str, Any] | None] | None:
    """The lock's stat and owner record, or None if there is no lock.

    The owner record is None when the file holds no JSON (its writer was killed between
    creating the file and writing it).
    """
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            raw = handle.read(4096)
    except FileNotFoundError:
        return None
    try:
        owner = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        owner = None
    return stat, owner if isinstance(owner, dict) else None


def _owner_is_gone(owner: dict[str, Any] | None) -> bool:
    """True only when the lock's owner is certainly a process that no longer exists."""
    here = _process_namespace()
    if not owner or not here or owner.get("namespace") != here:
        return False
    if owner.get("host") != socket.gethostname():
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


class FileLock:
    """An exclusive lock on one file that works on network file systems.

    The lock is a file `.<name>.lock` beside the protected file, created with O_EXCL. It is
    not re-entrant. Use `file_lock()` as a context manager rather than this class directly.
    """

    def __init__(
        self,
        target: Path,
        *,
        stale_seconds: float = DEFAULT_STALE_LOCK_SECONDS,
        timeout: float | None = None,
    ) -> None:
        self.path = target.with_name(f".{target.name}.lock")
        self.stale_seconds = stale_seconds
        # Long enough for a stale lock to age out and be broken, with room to spare.
        self.timeout = timeout if timeout is not None else 2 * stale_seconds + 10
        self.token = uuid.uuid4().hex

    def acquire(self) -> None:
        """Wait for the lock (breaking it if stale); StoreError if it never comes free."""
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "namespace": _process_namespace(),
            "time": utc_now(),
            "token": self.token,
        }
        payload = json.dumps(owner).encode("utf-8")
        deadline = time.monotonic() + self.timeout
        delay = 0.001
        while True:
            try:
                # The lock names pid and host: the owner's business only.
                fd = os.open(self.path, _CREATE_NEW, PRIVATE_FILE)
            except FileExistsError:
                pass
            except OSError as error:
                # Windows reports a lock file being deleted as "access denied": wait.
                if not (os.name == "nt" and isinstance(error, PermissionError)):
                    raise cannot_save(
                        error,
                        self.path.parent,
                        f"Your answers could not be saved: {self.path.parent} cannot be "
                        f"written ({error.strerror or error}). Tell your instructor.",
                    ) from error
            else:
                try:
                    os.write(fd, payload)
                except OSError as error:
                    os.close(fd)
                    unlink_quietly(self.path)
                    raise cannot_save(
                        error,
                        self.path.parent,
                        f"Your answers could not be saved: the lock in {self.path.parent} "
                        f"could not be written ({error.strerror or error}). Tell your "
                        "instructor.",
                    ) from error
                os.close(fd)
                return
            retry_now = self._break_if_stale()
            if time.monotonic() > deadline:
                raise StoreError(
                    f"Your answer could not be saved: {self.path.parent} stayed busy for "
                    f"{self.timeout:.3g} s (another notebook kept it locked). Try again; if "
                    "this keeps happening, tell your instructor."
                )
            if not retry_now:
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 0.01)

    def _break_if_stale(self) -> bool:
        """Remove the lock if its owner is gone or it is too old; True if worth retrying now."""
        try:
            seen = _read_lock(self.path)
        except OSError:
            return False
        if seen is None:
            return True
        stat, owner = seen
        age = time.time() - stat.st_mtime
        if age < self.stale_seconds and not _owner_is_gone(owner):
            return False
        # Rename first: of several waiters breaking the same lock only one rename succeeds.
        aside = self.path.with_name(f"{self.path.name}.broken-{uuid.uuid4().hex[:12]}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        try:
            taken = _read_lock(aside)
        except OSError:
            taken = None
        if taken is not None and not _same_lock(taken, seen):
            # Between our look and our rename, someone else broke the stale lock and took a
            # fresh one, which we just moved. Put it back if the place is still free; if
            # not, its owner sees the loss before writing (`still_held`) and starts over.
            with contextlib.suppress(OSError):
                os.link(aside, self.path)
        unlink_quietly(aside)
        return True

    def still_held(self) -> bool:
        """True if the lock file is still ours (not broken by a waiter who thought us dead)."""
        try:
            seen = _read_lock(self.path)
        except OSError:
            return False
        return seen is not None and seen[1] is not None and seen[1].get("token") == self.token

    def release(self) -> None:
        """Remove the lock if it is still ours (never someone else's)."""
        if self.still_held():
            unlink_quietly(self.path)


def _same_lock(
    a: tuple[os.stat_result, dict[str, Any] | None], b: tuple[os.stat_result, dict[str, Any] | None]
) -> bool:
    return (a[0].st_ino, a[0].st_mtime_ns, a[0].st_size, a[1]) == (
        b[0].st_ino,
        b[0].st_mtime_ns,
        b[0].st_size,
        b[1],
    )


@contextlib.contextmanager
def file_lock(
    target: Path,
    *,
    stale_seconds: float = DEFAULT_STALE_LOCK_SECONDS,
    timeout: float | None = None,
) -> Iterator[FileLock]:
    """Hold the lock on `target` (which need not exist; its folder must) for a `with` block."""
    lock = FileLock(target, stale_seconds=stale_seconds, timeout=timeout)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()
