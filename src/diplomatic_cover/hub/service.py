"""The course service: a JupyterHub managed service that owns the course's storage.

Every request carries a hub token (the `Authorization: token ...` header a kernel sends, or
the OAuth cookie a browser gets through the hub's login). `HubOAuth` asks the hub whose token
it is; the hub user it names is the account, and nothing written in an upload can change
that. Instructors are members of a hub group or holders of a hub role (configurable),
looked up with the service's own token, so a student cannot claim to be one.

Routes, under the service's prefix (`/services/diplomatic-cover/`):

    GET    api/me                              who the hub says you are; the limits
    POST   api/me/submissions                  hand in a submission zip (the body)
    GET    api/me/submissions                  your own receipts
    GET    api/me/feedback                     your newest feedback (404 until there is one)
    GET    api/me/pulse/QID                    your own pooled answer
    PUT    api/me/pulse/QID                    share or replace it: {"answer": ...}
    DELETE api/me/pulse/QID                    withdraw it
    GET    api/pulse                           the poolable questions
    GET    api/pulse/QID                       the room's distribution (nothing below 5)
    GET    api/students                        instructors: who handed in, newest receipt
    GET    api/students/USER/submissions       instructors: one student's receipts
    GET    api/students/USER/submissions/ID    instructors: the zip (ID or "latest")
    GET    api/students/USER/feedback          instructors: a student's newest feedback
    PUT    api/students/USER/feedback          instructors: {"page": html, "scores": {...}}

Errors are JSON, `{"error": "...", "status": N}`, with a message a student can act on.
Run it with `python -m diplomatic_cover.hub.service --storage DIR` from the hub's
configuration (see deploy/).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlparse

from jupyterhub.services.auth import (
    HubOAuth,
    HubOAuthCallbackHandler,
    HubOAuthenticated,
    check_scopes,
)
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer

from diplomatic_cover._version import __version__
from diplomatic_cover.hub import pulse as pulse_rules
from diplomatic_cover.hub.names import (
    BadName,
    check_question_id,
    check_submission_id,
    check_user_name,
)
from diplomatic_cover.hub.storage import CourseStorage, Limits, QuotaExceeded

SERVICE_NAME = "diplomatic-cover"
log = logging.getLogger("diplomatic_cover.hub")


@dataclass
class Course:
    """What the handlers share: the storage, the poolable questions and who teaches."""

    storage: CourseStorage
    questions: dict[str, pulse_rules.PulseQuestion]
    hub_auth: HubOAuth
    instructor_groups: frozenset[str] = frozenset({"instructors"})
    instructor_roles: frozenset[str] = frozenset()
    instructor_users: frozenset[str] = frozenset()
    pulse_readers: str = "everyone"  # or "instructors"
    min_group: int = pulse_rules.MIN_GROUP
    membership_seconds: float = 30.0
    _membership: dict[str, tuple[float, bool]] = field(default_factory=dict)

    async def is_instructor(self, user: str) -> bool:
        """Whether a hub user teaches this course, asked of the hub with the service's token."""
        if user in self.instructor_users:
            return True
        if not (self.instructor_groups or self.instructor_roles):
            return False
        cached = self._membership.get(user)
        if cached and time.monotonic() - cached[0] < self.membership_seconds:
            return cached[1]
        url = url_path_join(self.hub_auth.api_url, "users", quote(user, safe=""))
        try:
            response = await AsyncHTTPClient().fetch(
                url, headers={"Authorization": f"token {self.hub_auth.api_token}"}
            )
        except HTTPClientError as error:
            log.warning("could not read hub user %r (%s): treated as a student", user, error)
            return False
        model = json.loads(response.body)
        answer = bool(
            self.instructor_groups & set(model.get("groups") or ())
            or self.instructor_roles & set(model.get("roles") or ())
        )
        self._membership[user] = (time.monotonic(), answer)
        return answer


@web.stream_request_body
class ApiHandler(HubOAuthenticated, web.RequestHandler):
    """Authenticates every request with the hub and reads its body within a limit.

    Bodies are streamed, so an oversized one is counted and dropped as it arrives, never
    held in memory whole.
    """

    body_limit = 0
    hub_user = ""

    @property
    def course(self) -> Course:
        return self.settings["course"]

    @property
    def hub_auth(self) -> HubOAuth:  # type: ignore[override]
        return self.course.hub_auth

    async def prepare(self) -> None:
        model = await self.hub_auth.get_user(self, sync=False)
        if not model:
            raise web.HTTPError(
                401, reason="Sign in to the hub: this request carried no valid hub token."
            )
        if model.get("kind", "user") != "user":
            raise web.HTTPError(403, reason="Only hub users can use the course service.")
        if self.hub_auth.access_scopes and not check_scopes(
            self.hub_auth.access_scopes, set(model.get("scopes") or ())
        ):
            raise web.HTTPError(
                403,
                reason=(
                    "Your hub token may not use the course service: ask the hub's admin to "
                    f"grant 'access:services!service={SERVICE_NAME}' (see deploy/README.md)."
                ),
            )
        self.hub_user = model["name"]
        self._body = bytearray()
        declared = self.request.headers.get("Content-Length", "0")
        if not declared.isdigit():
            raise web.HTTPError(400, reason="The Content-Length header is not a number.")
        # An oversized body is still read (and dropped) so the sender gets the 413 rather
        # than a broken connection; past the server's own cap tornado closes it anyway.
        self._too_big = int(declared) > self.body_limit

    def data_received(self, chunk: bytes) -> None:
        if self._too_big or len(self._body) + len(chunk) > self.body_limit:
            self._too_big = True
            self._body.clear()
            return
        self._body.extend(chunk)

    def body(self) -> bytes:
        if self._too_big:
            raise web.HTTPError(413, reason=self._too_big_message())
        return bytes(self._body)

    def _too_big_message(self) -> str:
        return f"That is too large for this request: the limit is {self.body_limit:,} bytes."

    def json_body(self) -> Any:
        raw = self.body()
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise web.HTTPError(400, reason=f"The body is not valid JSON: {error}") from None
        except RecursionError:
            raise web.HTTPError(400, reason="The body's JSON is nested too deeply.") from None

    def send_json(self, document: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(document, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        reason = self._reason
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, web.HTTPError) and error.reason:
            reason = error.reason
        elif status_code >= 500:
            reason = "The course service failed; your work was not changed. Try again."
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": reason, "status": status_code}, ensure_ascii=False))

    async def require_instructor(self) -> None:
        if not await self.course.is_instructor(self.hub_user):
            raise web.HTTPError(403, reason="Only the course's instructors can do that.")

    def student(self, name: str) -> str:
        try:
            return check_user_name(name)
        except BadName as error:
            raise web.HTTPError(400, reason=str(error)) from None

    def question(self, question_id: str) -> pulse_rules.PulseQuestion:
        try:
            check_question_id(question_id)
        except BadName as error:
            raise web.HTTPError(400, reason=str(error)) from None
        if question_id not in self.course.questions:
            raise web.HTTPError(
                404, reason=f"{question_id} is not a question the live pulse pools."
            )
        return self.course.questions[question_id]


class MeHandler(ApiHandler):
    async def get(self) -> None:
        limits = self.course.storage.limits
        self.send_json(
            {
                "service": SERVICE_NAME,
                "version": __version__,
                "user": self.hub_user,
                "instructor": await self.course.is_instructor(self.hub_user),
                "limits": {
                    "submission_bytes": limits.submission_bytes,
                    "submissions_per_user": limits.submissions_per_user,
                    "pulse_min_group": self.course.min_group,
                },
            }
        )


class MySubmissionsHandler(ApiHandler):
    @property
    def body_limit(self) -> int:  # type: ignore[override]
        return self.course.storage.limits.submission_bytes

    def get(self) -> None:
        self.send_json({"user": self.hub_user, "submissions": self._receipts()})

    def _receipts(self) -> list[dict]:
        return self.course.storage.receipts(self.hub_user)

    def post(self) -> None:
        data = self.body()
        problem = zip_problem(data, self.course.storage.limits.zip_entries)
        if problem:
            raise web.HTTPError(422, reason=problem)
        offered = self.get_query_argument("filename", "")
        try:
            receipt = self.course.storage.save_submission(self.hub_user, data, offered)
        except QuotaExceeded as error:
            raise web.HTTPError(429, reason=str(error)) from None
        log.info("hand-in %s from %s (%d bytes)", receipt["id"], self.hub_user, len(data))
        self.send_json(receipt, status=201)


def zip_problem(data: bytes, max_entries: int) -> str:
    """Why a hand-in is not a kit submission zip, or "" when it looks like one.

    Only the zip's directory is read here (nothing is decompressed); the grader checks the
    contents again with its own limits.
    """
    if not data:
        return "The hand-in was empty: send the submission zip."
    if not data.startswith(b"PK"):
        return "That is not a zip file: hand in the submission-<id>.zip the kit builds."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        return f"The zip is damaged ({error}); build it again and hand it in again."
    if len(names) > max_entries:
        return f"The zip holds {len(names)} files; a submission holds at most {max_entries}."
    for name in names:
        path = PurePosixPath(name)
        if name.startswith("/") or "\\" in name or ".." in path.parts or ":" in name:
            return f"The zip holds a file with an unsafe name ({name[:80]!r})."
    if "manifest.json" not in names:
        return "The zip has no manifest.json: hand in the submission-<id>.zip the kit builds."
    return ""


class MyFeedbackHandler(ApiHandler):
    def get(self) -> None:
        feedback = self.course.storage.feedback(self.hub_user)
        if feedback is None:
            raise web.HTTPError(404, reason="No feedback for you yet.")
        self.send_json(feedback)


class MyPulseHandler(ApiHandler):
    @property
    def body_limit(self) -> int:  # type: ignore[override]
        return self.course.storage.limits.pulse_body_bytes

    def get(self, question_id: str) -> None:
        question = self.question(question_id)
        answer = self.course.storage.pulse_answer(question.id, self.hub_user)
        self.send_json({"question": question.id, "shared": answer is not None, "answer": answer})

    def put(self, question_id: str) -> None:
        question = self.question(question_id)
        body = self.json_body()
        if not isinstance(body, dict) or set(body) != {"answer"}:
            raise web.HTTPError(400, reason='Send {"answer": ...} and nothing else.')
        try:
            answer = pulse_rules.clean_answer(question, body["answer"])
        except pulse_rules.PulseError as error:
            raise web.HTTPError(422, reason=str(error)) from None
        self.course.storage.set_pulse(question.id, self.hub_user, answer)
        self.send_json({"question": question.id, "shared": True, "answer": answer})

    def delete(self, question_id: str) -> None:
        question = self.question(question_id)
        self.course.storage.withdraw_pulse(question.id, self.hub_user)
        self.send_json({"question": question.id, "shared": False, "answer": None})


class PulseListHandler(ApiHandler):
    def get(self) -> None:
        self.send_json(
            {
                "min_group": self.course.min_group,
                "questions": [q.describe() for q in self.course.questions.values()],
            }
        )


class PulseHandler(ApiHandler):
    async def get(self, question_id: str) -> None:
        question = self.question(question_id)
        if self.course.pulse_readers == "instructors":
            await self.require_instructor()
        answers = self.course.storage.pulse_answers(question.id)
        self.send_json(pulse_rules.aggregate(question, answers, self.course.min_group))


class StudentsHandler(ApiHandler):
    async def get(self) -> None:
        await self.require_instructor()
        storage = self.course.storage
        students = []
        for user in storage.users_with_submissions():
            receipts = storage.receipts(user)
            students.append({"user": user, "count": len(receipts), "latest": receipts[-1]})
        self.send_json({"students": students})


class StudentSubmissionsHandler(ApiHandler):
    async def get(self, user: str) -> None:
        await self.require_instructor()
        user = self.student(user)
        self.send_json({"user": user, "submissions": self.course.storage.receipts(user)})


class StudentSubmissionFileHandler(ApiHandler):
    async def get(self, user: str, submission_id: str) -> None:
        await self.require_instructor()
        user = self.student(user)
        try:
            check_submission_id(submission_id)
        except BadName as error:
            raise web.HTTPError(400, reason=str(error)) from None
        found = self.course.storage.submission(user, submission_id)
        if found is None:
            raise web.HTTPError(404, reason=f"No hand-in {submission_id} from {user}.")
        receipt, path = found
        if not path.is_file():  # the receipt outlived its file (a disk restored, a hand edit)
            gone = f"The file of {user}'s hand-in {receipt['id']} is gone."
            raise web.HTTPError(404, reason=gone)
        self.set_header("Content-Type", "application/zip")
        self.set_header("X-Submission-Receipt", json.dumps(receipt, ensure_ascii=True))
        self.set_header(
            "Content-Disposition", f'attachment; filename="{quote(user)}-{receipt["id"]}.zip"'
        )
        self.finish(path.read_bytes())


class StudentFeedbackHandler(ApiHandler):
    @property
    def body_limit(self) -> int:  # type: ignore[override]
        return self.course.storage.limits.feedback_bytes

    async def get(self, user: str) -> None:
        await self.require_instructor()
        user = self.student(user)
        feedback = self.course.storage.feedback(user)
        if feedback is None:
            raise web.HTTPError(404, reason=f"No feedback for {user} yet.")
        self.send_json(feedback)

    async def put(self, user: str) -> None:
        await self.require_instructor()
        user = self.student(user)
        body = self.json_body()
        if not isinstance(body, dict) or set(body) != {"page", "scores"}:
            raise web.HTTPError(400, reason='Send {"page": "<html>", "scores": {...}}.')
        if not isinstance(body["page"], str) or not isinstance(body["scores"], dict):
            raise web.HTTPError(
                422, reason="'page' is the feedback page's HTML as text; 'scores' is an object."
            )
        receipt = self.course.storage.save_feedback(user, body["page"], body["scores"])
        log.info("feedback for %s from %s", user, self.hub_user)
        self.send_json(receipt, status=201)


class NotFoundHandler(ApiHandler):
    def get(self, *args: str) -> None:
        raise web.HTTPError(404, reason="No such route in the course service (see api/me).")

    post = put = delete = get


def make_app(course: Course, prefix: str) -> web.Application:
    """The tornado application serving the routes above under `prefix`."""
    user = r"([^/]+)"
    routes = [
        ("api/me", MeHandler),
        ("api/me/submissions", MySubmissionsHandler),
        ("api/me/feedback", MyFeedbackHandler),
        (r"api/me/pulse/([^/]+)", MyPulseHandler),
        ("api/pulse", PulseListHandler),
        (r"api/pulse/([^/]+)", PulseHandler),
        ("api/students", StudentsHandler),
        (rf"api/students/{user}/submissions", StudentSubmissionsHandler),
        (rf"api/students/{user}/submissions/([^/]+)", StudentSubmissionFileHandler),
        (rf"api/students/{user}/feedback", StudentFeedbackHandler),
        ("oauth_callback", HubOAuthCallbackHandler),
        (r"(.*)", NotFoundHandler),
    ]
    handlers = [(url_path_join(prefix, path), handler) for path, handler in routes]
    return web.Application(
        handlers,
        course=course,
        hub_auth=course.hub_auth,
        cookie_secret=os.urandom(32),
        login_url=course.hub_auth.login_url,
    )


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="python -m diplomatic_cover.hub.service",
        description="The Diplomatic Cover course service (run by JupyterHub).",
    )
    parser.add_argument(
        "--storage",
        type=Path,
        default=env("DIPLOMATIC_COVER_STORAGE"),
        help="the course's private storage folder (created 0700)",
    )
    parser.add_argument(
        "--instructor-group",
        action="append",
        default=None,
        help="hub group whose members teach (repeatable; default: instructors)",
    )
    parser.add_argument(
        "--instructor-role",
        action="append",
        default=[],
        help="hub role whose holders teach (repeatable)",
    )
    parser.add_argument(
        "--instructor", action="append", default=[], help="a hub user who teaches (repeatable)"
    )
    parser.add_argument(
        "--pulse-readers",
        choices=("everyone", "instructors"),
        default="everyone",
        help="who may read the pooled distributions",
    )
    parser.add_argument("--max-submission-mb", type=float, default=20.0)
    parser.add_argument("--max-submissions", type=int, default=50, help="hand-ins kept per student")
    parser.add_argument(
        "--bind", default="", help="ip:port to listen on (default: from JUPYTERHUB_SERVICE_URL)"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    """Start the service with the hub's environment (JUPYTERHUB_SERVICE_URL and friends)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(name)s] %(message)s")
    if args.storage is None:
        sys.exit("Give the course's storage folder: --storage DIR (or DIPLOMATIC_COVER_STORAGE).")
    limits = Limits(
        submission_bytes=int(args.max_submission_mb * 1024 * 1024),
        submissions_per_user=args.max_submissions,
    )
    course = Course(
        storage=CourseStorage(args.storage, limits),
        questions=pulse_rules.load_kit_questions(),
        hub_auth=HubOAuth(cache_max_age=60),
        instructor_groups=frozenset(args.instructor_group or ["instructors"]),
        instructor_roles=frozenset(args.instructor_role),
        instructor_users=frozenset(args.instructor),
        pulse_readers=args.pulse_readers,
    )
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    bind = args.bind or os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101")
    where = urlparse(bind if "://" in bind else f"http://{bind}")
    server = HTTPServer(
        make_app(course, prefix),
        # Each route enforces its own limit and answers 413; beyond twice the largest the
        # server drops the connection without reading on.
        max_body_size=2 * max(limits.submission_bytes, limits.feedback_bytes) + 1024 * 1024,
    )
    try:
        asyncio.run(_serve(server, where.hostname or "127.0.0.1", where.port or 80))
    except KeyboardInterrupt:  # the hub stops its services with SIGINT
        log.info("course service stopped")


async def _serve(server: HTTPServer, host: str, port: int) -> None:
    server.listen(port, host)
    log.info("course service listening on %s:%d", host, port)
    await asyncio.Event().wait()  # until the hub stops the service


if __name__ == "__main__":
    main()
