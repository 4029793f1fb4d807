"""Talk to the course service from a kernel or a terminal: standard library only.

A student's kernel on the hub has what it needs in its environment: `JUPYTERHUB_API_TOKEN`
(the server's token, which the hub's configuration lets reach the service) and
`DIPLOMATIC_COVER_SERVICE_URL` (set for every server by the hub's configuration, see
deploy/). An instructor's script can pass a personal token and the URL instead.

    service = CourseService.from_environment()
    receipt = service.hand_in(Path("submission-ana.zip"))   # {"id", "received_at", ...}
    service.share_pulse("06.rank-options", ["restore-capped", ...])
    service.pulse("06.rank-options")                        # the room's distribution

Every failure is a `ServiceError` with the service's own message; `ServiceUnreachable` (a
subclass) means the service could not be reached at all, so a caller can fall back to
keeping the zip in the student's home.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

URL_ENV = "DIPLOMATIC_COVER_SERVICE_URL"
TOKEN_ENV = "JUPYTERHUB_API_TOKEN"


class ServiceError(RuntimeError):
    """The course service refused or failed a request; `status` is its HTTP status."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class ServiceUnreachable(ServiceError):
    """The course service could not be reached (not on a hub, or the service is down)."""


class NotOnHub(ServiceUnreachable):
    """This kernel runs without the hub's environment (a laptop, or an unconfigured hub)."""


@dataclass(frozen=True)
class CourseService:
    """The course service at `url` (ending in '/'), called with a hub `token`."""

    url: str
    token: str
    timeout: float = 30.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> CourseService:
        """The service as a hub server's environment describes it; NotOnHub if it does not."""
        environ = os.environ if environ is None else environ
        token = environ.get(TOKEN_ENV, "").strip()
        url = environ.get(URL_ENV, "").strip()
        if not token:
            raise NotOnHub("Not on a JupyterHub: there is no hub token in this environment.")
        if not url:
            raise NotOnHub(
                f"This hub does not say where the course service is ({URL_ENV} is not set): "
                "ask the hub's admin to add the kit's service configuration."
            )
        return cls(url=url if url.endswith("/") else url + "/", token=token)

    @classmethod
    def on_this_hub(cls, environ: Mapping[str, str] | None = None) -> CourseService | None:
        """The course service this server's hub offers, or None where there is none.

        None on a laptop, on Binder (a hub token but no course service) and on a hub whose
        admin has not added the kit's service: there the kit works as on a laptop (the Hand
        in button builds a file to upload) rather than failing.
        """
        try:
            return cls.from_environment(environ)
        except NotOnHub:
            return None

    # ------------------------------------------------------------------ transport

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "application/json",
    ) -> tuple[bytes, Mapping[str, str]]:
        headers = {"Authorization": f"token {self.token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers
        except urllib.error.HTTPError as error:
            message = _message(error)
            if error.code in GATEWAY_ERRORS and message.startswith(_NOT_THE_SERVICE):
                # The hub's proxy answered for a service that is down or restarting.
                raise ServiceUnreachable(
                    f"The course service is not answering (the hub said {error.code} "
                    f"{error.reason}); it may be restarting.",
                    error.code,
                ) from None
            raise ServiceError(message, error.code) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ServiceUnreachable(
                f"The course service at {self.url} could not be reached ({reason})."
            ) from None

    def _json(self, method: str, path: str, document: Any = None) -> Any:
        body = None if document is None else json.dumps(document).encode("utf-8")
        raw, _ = self._request(method, path, body)
        return json.loads(raw.decode("utf-8"))

    # ------------------------------------------------------------------ everyone

    def whoami(self) -> dict[str, Any]:
        """The hub user this token belongs to, whether they teach, and the service's limits."""
        return self._json("GET", "api/me")

    def hand_in(self, submission: Path | bytes, filename: str = "") -> dict[str, Any]:
        """Send a submission zip; return the service's receipt (id, received_at, sha256)."""
        if isinstance(submission, Path):
            filename = filename or submission.name
            data = submission.read_bytes()
        else:
            data = bytes(submission)
        if len(data) > 1024 * 1024:  # a large zip: check the limit before sending it
            limit = int(self.whoami()["limits"]["submission_bytes"])
            if len(data) > limit:
                raise ServiceError(
                    f"The submission is {len(data):,} bytes; this course takes at most "
                    f"{limit:,}. Ask your instructor.",
                    413,
                )
        query = "?" + urllib.parse.urlencode({"filename": filename}) if filename else ""
        raw, _ = self._request("POST", "api/me/submissions" + query, data, "application/zip")
        return json.loads(raw.decode("utf-8"))

    def my_submissions(self) -> list[dict[str, Any]]:
        """Receipts of every hand-in the service holds from this user, oldest first."""
        return self._json("GET", "api/me/submissions")["submissions"]

    def my_feedback(self) -> dict[str, Any] | None:
        """This user's newest feedback ({"page", "scores", "received_at"}), or None."""
        try:
            return self._json("GET", "api/me/feedback")
        except ServiceError as error:
            if error.status == 404:
                return None
            raise

    def pulse_questions(self) -> list[dict[str, Any]]:
        """The questions the live pulse pools."""
        return self._json("GET", "api/pulse")["questions"]

    def share_pulse(self, question_id: str, answer: Any) -> dict[str, Any]:
        """Share (or replace) this user's answer to a poolable question."""
        return self._json("PUT", f"api/me/pulse/{_segment(question_id)}", {"answer": answer})

    def withdraw_pulse(self, question_id: str) -> dict[str, Any]:
        """Take this user's answer out of the pool."""
        return self._json("DELETE", f"api/me/pulse/{_segment(question_id)}")

    def my_pulse(self, question_id: str) -> dict[str, Any]:
        """Whether this user's answer is shared, and what it is."""
        return self._json("GET", f"api/me/pulse/{_segment(question_id)}")

    def pulse(self, question_id: str) -> dict[str, Any]:
        """The room's distribution for a question ("shown": False below the minimum)."""
        return self._json("GET", f"api/pulse/{_segment(question_id)}")

    # ------------------------------------------------------------------ instructors

    def students(self) -> list[dict[str, Any]]:
        """Everyone who handed in: {"user", "count", "latest": receipt}."""
        return self._json("GET", "api/students")["students"]

    def submissions_of(self, user: str) -> list[dict[str, Any]]:
        """One student's receipts, oldest first."""
        return self._json("GET", f"api/students/{_segment(user)}/submissions")["submissions"]

    def download(self, user: str, submission_id: str = "latest") -> tuple[bytes, dict[str, Any]]:
        """A student's hand-in (the newest by default) and its receipt."""
        raw, headers = self._request(
            "GET", f"api/students/{_segment(user)}/submissions/{_segment(submission_id)}"
        )
        return raw, json.loads(headers.get("X-Submission-Receipt", "{}"))

    def feedback_of(self, user: str) -> dict[str, Any] | None:
        """A student's newest feedback, or None."""
        try:
            return self._json("GET", f"api/students/{_segment(user)}/feedback")
        except ServiceError as error:
            if error.status == 404:
                return None
            raise

    def return_feedback(self, user: str, page: str, scores: Mapping[str, Any]) -> dict[str, Any]:
        """Give a student their feedback page (HTML) and scores."""
        return self._json(
            "PUT", f"api/students/{_segment(user)}/feedback", {"page": page, "scores": dict(scores)}
        )


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


GATEWAY_ERRORS = (502, 503, 504)
_NOT_THE_SERVICE = "The course service answered"


def _message(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read().decode("utf-8"))["error"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return f"{_NOT_THE_SERVICE} {error.code} {error.reason}."
