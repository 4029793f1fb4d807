"""Reading what a sandboxed job reports: plain JSON lines, size-capped, parsed with limits.

Everything on this channel was written by a process the student's code could have
tampered with, so it is read as hostile data: no pickle, a cap on each line and on the
whole job, a cap on nesting and on the number of values, and a deadline. The job's log
(standard error) is kept only as a short tail for error messages.
"""

from __future__ import annotations

import json
import os
import selectors
import time
from typing import IO, Any


class ChannelError(Exception):
    """The job's report broke a limit or is not JSON; the message says which."""


def check_shape(value: Any, max_depth: int, max_nodes: int) -> None:
    """Raise ChannelError when `value` nests deeper or holds more values than allowed."""
    stack = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise ChannelError(f"more than {max_nodes:,} values")
        if depth > max_depth:
            raise ChannelError(f"nested deeper than {max_depth} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def decode_event(line: bytes, max_depth: int = 64, max_nodes: int = 2_000_000) -> dict[str, Any]:
    """One JSON object from one line, within the limits (ChannelError otherwise)."""
    try:
        event = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ChannelError(f"not a JSON line ({type(error).__name__})") from error
    if not isinstance(event, dict):
        raise ChannelError("not a JSON object")
    check_shape(event, max_depth, max_nodes)
    return event


class Channel:
    """Events from a job's standard output and the tail of its standard error."""

    def __init__(
        self,
        stdout: IO[bytes],
        stderr: IO[bytes] | None,
        *,
        max_line: int,
        max_total: int,
        log_tail: int = 4000,
    ) -> None:
        self.max_line = max_line
        self.max_total = max_total
        self.log_tail = log_tail
        self.total = 0
        self._buffer = b""
        self._log = b""
        self._lines: list[bytes] = []
        self._streams = (stdout, stderr)  # kept open as long as the channel is read
        self._selector = selectors.DefaultSelector()
        self._stdout = stdout.fileno()
        self._open = {self._stdout}
        self._selector.register(self._stdout, selectors.EVENT_READ)
        if stderr is not None:
            self._open.add(stderr.fileno())
            self._selector.register(stderr.fileno(), selectors.EVENT_READ)

    @property
    def log(self) -> str:
        """The end of the job's standard error, on one line."""
        return " ".join(self._log.decode("utf-8", "replace").split())[-self.log_tail :]

    def close(self) -> None:
        self._selector.close()

    def _take(self, fd: int) -> None:
        data = os.read(fd, 1 << 16)
        if not data:
            self._selector.unregister(fd)
            self._open.discard(fd)
            return
        if fd != self._stdout:
            self._log = (self._log + data)[-self.log_tail * 2 :]
            return
        self.total += len(data)
        if self.total > self.max_total:
            raise ChannelError(f"the job reported more than {self.max_total // 2**20} MB")
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        self._lines.extend(line for line in lines if line.strip())
        if len(self._buffer) > self.max_line:
            raise ChannelError(f"a report line longer than {self.max_line // 2**20} MB")

    def next_event(self, deadline: float) -> dict[str, Any] | None:
        """The next event; None once the job closed its output; TimeoutError at `deadline`."""
        while not self._lines:
            if self._stdout not in self._open:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            for key, _mask in self._selector.select(timeout=left):
                self._take(key.fd)  # type: ignore[arg-type]
        line = self._lines.pop(0)
        if len(line) > self.max_line:
            raise ChannelError(f"a report line longer than {self.max_line // 2**20} MB")
        return decode_event(line)

    def drain_log(self, seconds: float = 0.5) -> None:
        """Read what is left of standard error, briefly (for a message after a failure)."""
        if self._stdout in self._open:
            self._selector.unregister(self._stdout)
            self._open.discard(self._stdout)
        deadline = time.monotonic() + seconds
        while self._open:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for key, _mask in self._selector.select(timeout=left):
                self._take(key.fd)  # type: ignore[arg-type]
