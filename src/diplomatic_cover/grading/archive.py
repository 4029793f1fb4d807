"""Reading zips and JSON from students' files with every cost counted before it is paid.

A submission is a few dozen kilobytes; what arrives can be anything. Three kinds of cap keep
one file from taking the grader's memory or time:

* **Per member.** A member is refused on its declared size before a byte is inflated, and
  again while it inflates (a declared size can lie). What a member may hold depends on what
  it is: a response document is JSON of a couple of megabytes at most, a notebook more.
* **Per run.** One `Budget` is shared by everything read in a grading run: the bytes
  inflated in all, and the containers (zips holding zips) opened in all. A zip of zips of
  zips (42.zip) spends that one budget, so it is refused in a fraction of a second instead
  of getting a fresh allowance at every level.
* **Per JSON document.** Its size and its number of values are counted on the raw bytes
  (strings skipped) before `json.loads` sees them: sixty megabytes of `{},{},...` would
  otherwise become twenty million dictionaries.

Everything refused raises `TooBig` with a plain reason; callers turn it into a problem for
that one file and carry on with the class.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

_CHUNK = 1 << 16

MB = 2**20


class TooBig(Exception):
    """A file or the run went over a cap; the message says which, in plain words."""


@dataclass(frozen=True)
class Limits:
    """Caps on what the grader reads; a file over a cap is refused, never extracted.

    The submission caps are far above a real hand-in (tens of kilobytes of answers, a few
    hundred of notebooks). `run_bytes` and `containers` bound a whole grading run: a class
    of 300 inflates about 20 MB and opens one container (the LMS's bulk download).
    """

    submission_bytes: int = 64 * MB
    submission_members: int = 500
    json_bytes: int = 2 * MB
    json_values: int = 50_000
    manifest_bytes: int = 1 * MB
    notebook_bytes: int = 64 * MB
    other_bytes: int = 16 * MB
    submission_json_bytes: int = 4 * MB
    submission_json_values: int = 100_000
    container_members: int = 100_000
    depth: int = 4
    nested_ratio: int = 50
    run_bytes: int = 2 * 2**30
    containers: int = 1_000


class Budget:
    """What a whole run may still inflate and open; shared by every file of the run."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.bytes_left = limits.run_bytes
        self.containers_left = limits.containers

    def spend(self, count: int) -> None:
        """Count `count` inflated bytes against the run (TooBig once it is spent)."""
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise TooBig(
                f"the run's reading budget ({self.limits.run_bytes // MB} MB inflated in all) "
                "is spent; this and the remaining files were not read"
            )

    def open_container(self) -> None:
        """Count one zip opened inside another (TooBig past the run's cap)."""
        self.containers_left -= 1
        if self.containers_left < 0:
            raise TooBig(
                f"more than {self.limits.containers} zips inside zips in this run; "
                "the rest were not opened"
            )

    @property
    def spent(self) -> bool:
        """True once nothing more may be read."""
        return self.bytes_left <= 0 or self.containers_left < 0


def read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    cap: int,
    budget: Budget,
    what: str,
    ratio: int = 0,
) -> tuple[bytes, str]:
    """(bytes, sha256) of a member, refusing it past `cap` bytes or the run's budget.

    The declared size is checked first, so a member that says it is huge costs nothing.
    With `ratio`, a member that inflates more than that many times its compressed size is
    refused as it inflates: a zip inside a zip is already compressed and barely shrinks
    again, so only a zip built to explode (42.zip) gets past a ratio of 50.
    """
    if info.file_size > cap:
        raise TooBig(f"{what} would expand to {_size(info.file_size)}, over its {_size(cap)} cap")
    if ratio:
        cap = min(cap, ratio * info.compress_size + _CHUNK)
        if info.file_size > cap:
            raise TooBig(
                f"{what} would expand {info.file_size // max(info.compress_size, 1):,} times "
                "its size: a zip inside a zip does not shrink like that (a zip bomb?)"
            )
    out = bytearray()
    digest = hashlib.sha256()
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            budget.spend(len(chunk))
            out += chunk
            if len(out) > cap:
                raise TooBig(f"{what} expands past its {_size(cap)} cap")
            digest.update(chunk)
    return bytes(out), digest.hexdigest()


def hash_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, budget: Budget, what: str
) -> str:
    """The SHA-256 of a member, read in chunks and not kept (same caps as `read_member`)."""
    if info.file_size > cap:
        raise TooBig(f"{what} would expand to {_size(info.file_size)}, over its {_size(cap)} cap")
    digest = hashlib.sha256()
    seen = 0
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            budget.spend(len(chunk))
            seen += len(chunk)
            if seen > cap:
                raise TooBig(f"{what} expands past its {_size(cap)} cap")
            digest.update(chunk)
    return digest.hexdigest()


def zip_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged or hostile zip can raise (besides TooBig)."""
    return (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        OSError,
    )


def _size(count: int) -> str:
    if count >= MB:
        return f"{count / MB:.0f} MB"
    return f"{count / 1024:.0f} kB"


# ---------------------------------------------------------------------------------------
# JSON

# A JSON string, unrolled so a long one costs one pass: "...", with escapes.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def count_values(data: bytes) -> int:
    """How many values a JSON text holds at most, counted without parsing it.

    Every value but the first follows a comma, a colon or an opening bracket; commas and
    brackets inside strings are skipped. An over-count is harmless (the cap is generous);
    an under-count cannot happen.
    """
    skeleton = _STRING.sub(b'""', data)
    return 1 + skeleton.count(b",") + skeleton.count(b"[") + skeleton.count(b"{")


def load_json(data: bytes, what: str, *, max_bytes: int, max_values: int) -> Any:
    """Parse a JSON document within caps: TooBig over them, ValueError if it is not JSON."""
    if len(data) > max_bytes:
        raise TooBig(f"{what} is {_size(len(data))}, over the {_size(max_bytes)} cap")
    # Every value takes at least two bytes ("1,"): a short text cannot hold too many.
    values = count_values(data) if len(data) // 2 + 1 > max_values else 0
    if values > max_values:
        raise TooBig(f"{what} holds about {values:,} values, over the cap of {max_values:,}")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{what} is not UTF-8 text") from error
    except RecursionError as error:
        raise ValueError(f"{what} is nested too deep") from error
    except ValueError as error:
        raise ValueError(f"{what} is not readable JSON ({error})") from error
