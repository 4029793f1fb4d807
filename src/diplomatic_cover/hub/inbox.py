"""The course's hand-ins as the grader reads them: each hub user's newest, with its receipt.

`diplomatic-cover grade` reads the service's hand-ins in one of two ways:

* `grade --from-hub URL` asks the course service (as an instructor, with a hub token) for
  everyone who handed in and downloads each one's newest hand-in into a folder of the
  grader's (`from_service`);
* `grade STORAGE_DIR` reads the service's storage folder directly, on the hub machine, as
  root or the service's account (`from_storage`); nothing in it is written.

Either way each hand-in comes with the service's receipt: the hub user behind the token that
sent it (the account its grade belongs to, whatever the zip says inside), the service's own
receive time, and the SHA-256 of what it received, checked again here so a file changed
after it was received is named, not graded. The newest hand-in counts, as the service says.

Standard library only, like the client.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover.hub.client import CourseService
from diplomatic_cover.hub.names import SUBMISSION_ID, folder_for

SOURCE_PREFIX = "hub:"
_PARTS = ("submissions", "feedback", "pulse")


@dataclass(frozen=True)
class HandIn:
    """One hub user's newest hand-in: where the zip is, and the service's receipt for it."""

    user: str
    path: Path
    receipt: dict[str, Any] = field(default_factory=dict)
    problem: str = ""

    @property
    def received_at(self) -> str:
        return str(self.receipt.get("received_at", ""))

    @property
    def source(self) -> str:
        """How grading output names it: `hub:<user>/<hand-in id>.zip` (return-feedback reads
        the user back from it)."""
        return f"{SOURCE_PREFIX}{self.user}/{self.receipt.get('id', 'unknown')}.zip"


def user_of_source(source: str) -> str:
    """The hub user of a `HandIn.source` label, or "" for any other source."""
    if source.startswith(SOURCE_PREFIX) and "/" in source:
        return source[len(SOURCE_PREFIX) :].split("/", 1)[0]
    return ""


def is_storage(folder: Path) -> bool:
    """True for the course service's storage folder (submissions/, feedback/, pulse/)."""
    folder = Path(folder)
    return all((folder / part).is_dir() for part in _PARTS)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checked(user: str, path: Path, receipt: dict[str, Any]) -> HandIn:
    """The hand-in, with a problem named if the file is not what the service received."""
    if not path.is_file() or path.is_symlink():
        return HandIn(user, path, receipt, "the hand-in's file is missing from the storage")
    if _sha256(path) != receipt.get("sha256"):
        return HandIn(
            user, path, receipt, "the file differs from what the service received (SHA-256)"
        )
    return HandIn(user, path, receipt)


def from_storage(root: Path) -> Iterator[HandIn]:
    """Each user's newest acknowledged hand-in in the storage folder `root`, read-only.

    A folder is a user's only if its receipts name that user (the folder name is
    `names.folder_for(user)`), and a hand-in counts only with its receipt, which the
    service writes last.
    """
    submissions = Path(root) / "submissions"
    for folder in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.is_symlink()):
        receipts = []
        for path in sorted(folder.glob("*.json")):
            try:
                receipt = json.loads(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                continue
            if (
                isinstance(receipt, dict)
                and isinstance(receipt.get("user"), str)
                and folder_for(receipt["user"]) == folder.name
                and re.fullmatch(SUBMISSION_ID, str(receipt.get("id", "")))
                and path.stem == receipt["id"]
            ):
                receipts.append(receipt)
        if receipts:
            newest = receipts[-1]  # ids start with the receive time: sorted is received order
            yield _checked(newest["user"], folder / f"{newest['id']}.zip", newest)


def from_service(service: CourseService, into: Path) -> Iterator[HandIn]:
    """Each user's newest hand-in, downloaded from the course service into the folder `into`."""
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    for entry in service.students():
        user = entry["user"]
        data, receipt = service.download(user)
        if not re.fullmatch(SUBMISSION_ID, str(receipt.get("id", ""))):
            receipt = {**entry.get("latest", {}), **receipt}
        path = into / folder_for(user) / f"{receipt.get('id', 'latest')}.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        yield _checked(user, path, receipt)
