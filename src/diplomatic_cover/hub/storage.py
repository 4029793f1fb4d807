"""The course's storage folder, owned by the service alone.

Layout under the root (mode 0700, owned by the service's account; files 0600):

    submissions/<user folder>/<id>.zip     every hand-in, never overwritten
    submissions/<user folder>/<id>.json    its receipt: hub user, receive time, size, SHA-256
    feedback/<user folder>/<stamp>.json    every feedback upload; the newest is the one shown
    pulse/<question id>.json               {hub user: answer}, one entry per account

A hand-in id is the service's own receive time (UTC, microseconds) and the start of the
file's SHA-256, so ids sort in the order the service received them and nothing a student
writes can reorder them. Every write goes to a temporary file first, then `os.replace`, so a
crash leaves the old file or the new one, never half of one.

The service runs as one process on one event loop, so the pulse is kept in memory and
written through to disk on every change; a restart reads it back.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diplomatic_cover.hub.names import check_submission_id, folder_for

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


class StorageError(RuntimeError):
    """The storage folder cannot be used as it is (wrong owner, open permissions)."""


class QuotaExceeded(ValueError):
    """A student has used up their hand-ins; the message says what to do."""


@dataclass(frozen=True)
class Limits:
    """How much one account may store; the defaults suit a class of a few hundred."""

    submission_bytes: int = 20 * 1024 * 1024
    submissions_per_user: int = 50
    feedback_bytes: int = 5 * 1024 * 1024
    pulse_body_bytes: int = 4096
    zip_entries: int = 2000


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S.%fZ")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def write_private(path: Path, data: bytes) -> None:
    """Write a file 0600 in one piece: a temporary file, fsync, then rename over the target."""
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, PRIVATE_FILE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class CourseStorage:
    """Hand-ins, feedback and pulse answers of one course, in one private folder."""

    def __init__(self, root: Path, limits: Limits | None = None) -> None:
        self.root = Path(root)
        self.limits = limits or Limits()
        self.root.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        self._check_private()
        for part in ("submissions", "feedback", "pulse"):
            (self.root / part).mkdir(mode=PRIVATE_DIR, exist_ok=True)
        self._pulse: dict[str, dict[str, Any]] = {}
        for path in sorted((self.root / "pulse").glob("*.json")):
            self._pulse[path.stem] = json.loads(path.read_text("utf-8"))

    def _check_private(self) -> None:
        info = self.root.stat()
        if info.st_uid != os.geteuid():
            raise StorageError(
                f"{self.root} belongs to uid {info.st_uid}, not to the service (uid "
                f"{os.geteuid()}): give the service its own folder."
            )
        if stat.S_IMODE(info.st_mode) & 0o077:
            # Tighten rather than refuse: the folder is ours, and an open mode leaks hand-ins.
            os.chmod(self.root, PRIVATE_DIR)

    # ------------------------------------------------------------------ hand-ins

    def _user_submissions(self, user: str) -> Path:
        return self.root / "submissions" / folder_for(user)

    def save_submission(self, user: str, data: bytes, offered_name: str = "") -> dict[str, Any]:
        """Keep a hand-in under the hub user; return its receipt."""
        folder = self._user_submissions(user)
        existing = self.receipts(user)
        if len(existing) >= self.limits.submissions_per_user:
            raise QuotaExceeded(
                f"You have handed in {len(existing)} times, the most this course keeps. "
                "Ask your instructor to make room; your earlier hand-ins are safe."
            )
        moment = _now()
        digest = hashlib.sha256(data).hexdigest()
        submission_id = f"{_stamp(moment)}-{digest[:12]}"
        receipt = {
            "id": submission_id,
            "user": user,
            "received_at": _iso(moment),
            "size": len(data),
            "sha256": digest,
            "filename": offered_name[:200],
        }
        write_private(folder / f"{submission_id}.zip", data)
        # The receipt is written last: a hand-in without one was never acknowledged.
        write_private(folder / f"{submission_id}.json", _encode(receipt))
        return receipt

    def receipts(self, user: str) -> list[dict[str, Any]]:
        """Every acknowledged hand-in of a user, oldest first."""
        folder = self._user_submissions(user)
        if not folder.is_dir():
            return []
        return [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))]

    def users_with_submissions(self) -> list[str]:
        """Hub users who handed in at least once."""
        users = []
        for folder in sorted((self.root / "submissions").iterdir()):
            receipts = sorted(folder.glob("*.json"))
            if receipts:
                users.append(json.loads(receipts[0].read_text("utf-8"))["user"])
        return sorted(users)

    def submission(self, user: str, submission_id: str) -> tuple[dict[str, Any], Path] | None:
        """A hand-in's receipt and file ("latest" for the newest), or None."""
        check_submission_id(submission_id)
        receipts = self.receipts(user)
        if not receipts:
            return None
        if submission_id == "latest":
            receipt = receipts[-1]
        else:
            matching = [r for r in receipts if r["id"] == submission_id]
            if not matching:
                return None
            receipt = matching[0]
        return receipt, self._user_submissions(user) / f"{receipt['id']}.zip"

    # ------------------------------------------------------------------ feedback

    def save_feedback(self, user: str, page: str, scores: dict[str, Any]) -> dict[str, Any]:
        """Keep a feedback page and scores for one student; the newest is the one shown."""
        moment = _now()
        document = {"user": user, "received_at": _iso(moment), "page": page, "scores": scores}
        write_private(
            self.root / "feedback" / folder_for(user) / f"{_stamp(moment)}.json", _encode(document)
        )
        return {"user": user, "received_at": document["received_at"]}

    def feedback(self, user: str) -> dict[str, Any] | None:
        """The newest feedback for a student, or None."""
        folder = self.root / "feedback" / folder_for(user)
        versions = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return json.loads(versions[-1].read_text("utf-8")) if versions else None

    # ------------------------------------------------------------------ pulse

    def set_pulse(self, question_id: str, user: str, answer: Any) -> None:
        """Record or replace one account's answer to a poolable question."""
        entries = dict(self._pulse.get(question_id, {}))
        entries[user] = answer
        self._write_pulse(question_id, entries)

    def withdraw_pulse(self, question_id: str, user: str) -> bool:
        """Remove one account's answer; return whether there was one."""
        entries = dict(self._pulse.get(question_id, {}))
        if entries.pop(user, None) is None:
            return False
        self._write_pulse(question_id, entries)
        return True

    def pulse_answer(self, question_id: str, user: str) -> Any:
        """One account's own pooled answer, or None."""
        return self._pulse.get(question_id, {}).get(user)

    def pulse_answers(self, question_id: str) -> list[Any]:
        """Every pooled answer to a question, without the accounts that gave them."""
        return list(self._pulse.get(question_id, {}).values())

    def _write_pulse(self, question_id: str, entries: dict[str, Any]) -> None:
        write_private(self.root / "pulse" / f"{question_id}.json", _encode(entries))
        self._pulse[question_id] = entries


def _encode(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
