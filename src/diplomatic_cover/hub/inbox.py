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

`HubStorageSource` and `HubServiceSource` hand those to the grader as an
`ingest.UploadSource`: each arrival carries the hub user as its account and the receipt's
SHA-256, which the collector checks again; a file that is missing, changed or damaged is
that hub user's damaged submission, never silently dropped. The grading command imports this
module only when it grades from a hub (`hub` imports grading's types, never the reverse).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover.grading.ingest import HUB, Account, Arrival, Upload, UploadSource
from diplomatic_cover.hub.client import (
    TOKEN_ENV,
    CourseService,
    ServiceError,
    ServiceUnreachable,
)
from diplomatic_cover.hub.link import LinkError, hub_base
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
    """Each user's newest hand-in, downloaded from the course service into the folder `into`.

    A service that cannot be reached stops everything (`ServiceUnreachable`); one download
    the service refuses (its file gone, an error for that user) is that user's problem only:
    the hand-in comes back with no file and the refusal as its `problem`, and the class goes on.
    """
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    for entry in service.students():
        user = entry["user"]
        try:
            data, receipt = service.download(user)
        except ServiceUnreachable:
            raise
        except ServiceError as error:
            latest = entry.get("latest") if isinstance(entry.get("latest"), dict) else {}
            missing = into / folder_for(user) / "not-downloaded.zip"
            why = f"the course service refused its download: {error}"
            yield HandIn(user, missing, dict(latest), why)
            continue
        if not re.fullmatch(SUBMISSION_ID, str(receipt.get("id", ""))):
            receipt = {**entry.get("latest", {}), **receipt}
        path = into / folder_for(user) / f"{receipt.get('id', 'latest')}.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        yield _checked(user, path, receipt)


# ---------------------------------------------------------------------------------------
# The hand-ins as the grader's sources (ingest.UploadSource)

SERVICE = "diplomatic-cover"


class HubAccessError(Exception):
    """The course service cannot be used as an instructor (no token, not reachable, not an
    instructor, not a hub address); the message is one line that says what to do."""


def _arrival(handed: HandIn) -> Arrival:
    """A hand-in as the grader reads it: the hub user's upload, checked against its receipt.

    `HandIn.problem` is not passed on as a refusal: the collector checks the SHA-256 and
    reads the file itself, so a missing or changed file becomes that user's damaged
    submission (with the reason in problems.csv), not a file nobody sent.
    """
    upload = Upload(handed.source, Account(HUB, handed.user), handed.received_at)
    if handed.problem and not handed.path.exists():  # nothing to read: say why, for this user
        return Arrival(handed.path, handed.source, upload, unreadable=handed.problem)
    return Arrival(handed.path, handed.source, upload, str(handed.receipt.get("sha256", "")))


class HubStorageSource:
    """The course service's storage folder, read in place (`grade STORAGE_DIR`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if not is_storage(self.root):
            raise HubAccessError(
                f"{self.root} is not a course service's storage folder (it needs "
                "submissions/, feedback/ and pulse/)."
            )

    def arrivals(self) -> Iterator[Arrival]:
        for handed in from_storage(self.root):
            yield _arrival(handed)


class HubServiceSource:
    """Everyone's newest hand-in, downloaded through the course service (`--from-hub URL`).

    Everything is downloaded when the source is made, into a private temporary folder, so a
    service that cannot be reached, or a token that is not an instructor's, stops grading
    before anything is written. Use it as a context manager: the folder goes at the end.
    """

    def __init__(self, service: CourseService) -> None:
        self.service = service
        self.folder = Path(tempfile.mkdtemp(prefix="dc-hub-handins-"))
        try:
            self.handed = list(from_service(service, self.folder))
        except ServiceError as error:
            self.close()
            raise HubAccessError(
                f"the course service at {service.url} failed while downloading: {error}"
            ) from None
        except BaseException:
            self.close()
            raise

    def arrivals(self) -> Iterator[Arrival]:
        for handed in self.handed:
            yield _arrival(handed)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> HubServiceSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def service_url(hub: str) -> str:
    """The course service's address from the hub's (or the service's own) address."""
    try:
        base = hub_base(hub)
    except LinkError as error:
        raise HubAccessError(str(error)) from None
    return base if "/services/" in base else f"{base}services/{SERVICE}/"


def read_token(token_file: Path | None, environ: Mapping[str, str] | None = None) -> str:
    """Your hub token from `token_file`, else from JUPYTERHUB_API_TOKEN."""
    if token_file is not None:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise HubAccessError(
                f"The token file {token_file} could not be read: {error}"
            ) from None
        if not token:
            raise HubAccessError(f"The token file {token_file} is empty.")
        return token
    token = (os.environ if environ is None else environ).get(TOKEN_ENV, "").strip()
    if not token:
        raise HubAccessError(
            f"No hub token: set {TOKEN_ENV} (a terminal on the hub has it) or pass "
            "--token-file FILE holding a token made on the hub's Token page (HUB/hub/token)."
        )
    return token


def instructor_service(hub: str, token: str) -> CourseService:
    """The course service of `hub`, checked to answer and to take `token` as an instructor's."""
    service = CourseService(url=service_url(hub), token=token)
    try:
        me = service.whoami()
    except ServiceUnreachable as error:
        raise HubAccessError(str(error)) from None
    except ServiceError as error:
        raise HubAccessError(f"The course service at {service.url} answered: {error}") from None
    if not me.get("instructor"):
        raise HubAccessError(
            f"The hub says this token is {me.get('user')!r}, who does not teach this course: "
            "use an instructor's token (a member of the hub's instructors group)."
        )
    return service


def grading_source(
    submissions: Path | None,
    from_hub: str | None = None,
    token_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> AbstractContextManager[Path | UploadSource]:
    """What `grade` reads, as a context manager: `--from-hub URL` (downloaded as an
    instructor), a service's storage folder, or `submissions` itself (any other path).

    HubAccessError, before anything is graded, for a missing token, a service that cannot
    be reached or a token that is not an instructor's.
    """
    if from_hub is not None:
        if submissions is not None:
            raise HubAccessError(
                f"give either SUBMISSIONS ({submissions}) or --from-hub, not both."
            )
        return HubServiceSource(instructor_service(from_hub, read_token(token_file, environ)))
    if submissions is None:
        raise HubAccessError(
            "give SUBMISSIONS (a folder, a zip or the course service's storage folder) or "
            "--from-hub URL."
        )
    if token_file is not None:
        raise HubAccessError("--token-file goes with --from-hub URL.")
    if Path(submissions).is_dir() and is_storage(Path(submissions)):
        return nullcontext(HubStorageSource(Path(submissions)))
    return nullcontext(Path(submissions))
