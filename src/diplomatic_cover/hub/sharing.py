"""A kernel's side of the live pulse: which answers a student shares, sent in the background.

Saving an answer is the student's store's job and always happens first; sharing it with the
class pulse is best effort on top. Nothing here can hold up or undo a save: requests go
through one background thread per kernel, the newest answer to a question replaces one
still waiting to be sent, and a failure only changes a quiet status line.

Sharing is the student's choice per question, on by default (the question says so), kept
in `pulse-sharing.json` beside the answer store so it survives restarts and reloads. A
damaged choices file shares nothing until the student chooses again: losing track of an
opt-out must never share more than the student agreed to.

Standard library only: the question widget imports it in a student's kernel.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diplomatic_cover.hub.client import CourseService, ServiceError
from diplomatic_cover.hub.pulse import pooled_form
from diplomatic_cover.safe_files import (
    PRIVATE_FILE,
    StoreError,
    atomic_write_bytes,
    file_lock,
    set_aside,
)

CHOICES_FILE = "pulse-sharing.json"
FORMAT = "diplomatic-cover.pulse-sharing"


class SharingChoices:
    """Which poolable questions a student shares: {"default": bool, "questions": {id: bool}}."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def beside(cls, store_folder: Path) -> SharingChoices:
        """The choices kept beside an answer store's folder (one per account)."""
        return cls(Path(store_folder).parent / CHOICES_FILE)

    def _read(self) -> dict[str, Any] | None:
        """The file's content; {} when there is none yet; None when it is damaged."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if (
            not isinstance(document, dict)
            or document.get("format") != FORMAT
            or not isinstance(document.get("default"), bool)
            or not isinstance(document.get("questions"), dict)
            or not all(isinstance(v, bool) for v in document["questions"].values())
        ):
            return None
        return document

    def is_shared(self, question_id: str) -> bool:
        """Whether this question's answer goes to the pulse (True unless the student said no)."""
        document = self._read()
        if document is None:
            return False
        return bool(document.get("questions", {}).get(question_id, document.get("default", True)))

    def choose(self, question_id: str, shared: bool) -> None:
        """Record the student's choice for one question (atomically; StoreError if it fails)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.path):
            document = self._read()
            if document is None:  # damaged: keep it for a look, and share nothing by default
                with contextlib.suppress(FileNotFoundError):
                    set_aside(self.path)
                document = {"default": False, "questions": {}}
            questions = dict(document.get("questions") or {})
            questions[question_id] = bool(shared)
            fresh = {"format": FORMAT, "default": document.get("default", True)}
            fresh["questions"] = dict(sorted(questions.items()))
            data = (json.dumps(fresh, indent=1) + "\n").encode("utf-8")
            try:
                atomic_write_bytes(self.path, data, mode=PRIVATE_FILE)
            except OSError as error:
                raise StoreError(
                    f"Your sharing choice could not be saved ({error.strerror or error})."
                ) from error


@dataclass(frozen=True)
class Outcome:
    """What happened to one pulse request, for the question's status line."""

    shared: bool  # the answer is in the pool now (as far as this kernel knows)
    ok: bool  # the service answered as asked
    message: str


#: The status lines a question shows beside its sharing control.
SHARED = "In the class pulse, without your name."
NOT_SHARED = "Not in the class pulse."
WAITING = "Shared when you answer (without your name)."
SENDING = "Sending to the class pulse…"


def failed(error: ServiceError) -> str:
    """The quiet status for a request that did not go through: the answer is safe here."""
    return f"Your answer is saved, but the class pulse did not get it: {error}"


Done = Callable[[Outcome], None]


class PulseSender:
    """Sends one kernel's pulse answers on a background thread, newest answer first.

    `share` and `withdraw` return at once. A question's request that is still waiting is
    replaced by a newer one (a student clicking through a scale sends one answer, not
    five), and an answer identical to the one last accepted is not sent again.
    """

    def __init__(self, service: CourseService) -> None:
        self.service = service
        self._pending: dict[str, tuple[Any, Done]] = {}  # question id -> (answer or None, done)
        self._accepted: dict[str, str] = {}  # question id -> JSON of what the pool holds
        self._condition = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None

    def share(self, question_id: str, answer: Any, done: Done) -> None:
        """Put (or replace) this account's answer in the pool."""
        self._queue(question_id, answer, done)

    def withdraw(self, question_id: str, done: Done) -> None:
        """Take this account's answer out of the pool."""
        self._queue(question_id, None, done)

    def _queue(self, question_id: str, answer: Any, done: Done) -> None:
        with self._condition:
            self._pending.pop(question_id, None)  # re-inserted last: requests keep their order
            self._pending[question_id] = (answer, done)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="diplomatic-cover-pulse", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()

    def wait_until_sent(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is waiting or in flight; False at the timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._condition:
                if not self._condition.wait_for(lambda: self._pending, timeout=60):
                    self._thread = None  # idle a minute: end; the next request starts one
                    return
                question_id = next(iter(self._pending))
                answer, done = self._pending.pop(question_id)
                self._busy = True
            try:
                outcome = self._send(question_id, answer)
                with contextlib.suppress(Exception):  # a closed widget must not stop the queue
                    done(outcome)
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()

    def _send(self, question_id: str, answer: Any) -> Outcome:
        wanted = "withdrawn" if answer is None else json.dumps(answer, sort_keys=True)
        if self._accepted.get(question_id) == wanted:
            shared = answer is not None
            return Outcome(shared, True, SHARED if shared else NOT_SHARED)
        try:
            if answer is None:
                self.service.withdraw_pulse(question_id)
            else:
                self.service.share_pulse(question_id, answer)
        except ServiceError as error:
            self._accepted.pop(question_id, None)  # unknown now: send again next time
            return Outcome(False, False, failed(error))
        self._accepted[question_id] = wanted
        return Outcome(answer is not None, True, SHARED if answer is not None else NOT_SHARED)


class PulseLink:
    """One poolable question's tie to the pulse: the student's choice and what to send.

    `report` receives each new status line (from the sender's thread). The caller passes
    the value its store saved; this decides what part of it, if any, leaves the kernel
    (`pooled_form`: a scale's point, never its reason).
    """

    def __init__(
        self,
        question: Any,
        sender: PulseSender,
        choices: SharingChoices,
        report: Callable[[str], None],
    ) -> None:
        self.question = question
        self.sender = sender
        self.choices = choices
        self.report = report

    @property
    def sharing(self) -> bool:
        return self.choices.is_shared(self.question.id)

    def _done(self, outcome: Outcome) -> None:
        self.report(outcome.message)

    def answer_saved(self, value: Any) -> None:
        """The store now holds `value` (None: no answer): bring the pool in line, if shared.

        Never raises: the answer is saved already, and the pulse is best effort.
        """
        try:
            if not self.sharing:
                return
            pooled = None if value is None else pooled_form(self.question, value)
            if pooled is None:
                self.sender.withdraw(self.question.id, self._done)
            else:
                self.sender.share(self.question.id, pooled, self._done)
        except Exception as error:
            self.report(f"Your answer is saved; the class pulse was not updated ({error}).")

    def choose(self, shared: bool, value: Any) -> None:
        """The student ticked or unticked the control; `value` is their saved answer."""
        try:
            self.choices.choose(self.question.id, shared)
        except StoreError as error:
            self.report(str(error))
        if shared:
            if value is None:
                self.report(WAITING)
            self.answer_saved(value)
        else:
            self.sender.withdraw(self.question.id, self._done)


_senders: dict[CourseService, PulseSender] = {}
_senders_lock = threading.Lock()


def sender_for(service: CourseService) -> PulseSender:
    """The kernel's one sender for this service (made on first use)."""
    with _senders_lock:
        if service not in _senders:
            _senders[service] = PulseSender(service)
        return _senders[service]
