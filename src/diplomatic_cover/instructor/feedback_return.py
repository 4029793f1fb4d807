"""`diplomatic-cover return-feedback`: each student's feedback page and scores, back to them.

It reads what `diplomatic-cover grade --out DIR` wrote: `results.json` (every student's
results) and `feedback/<key>.html` (one page per graded student), and sends each page:

* `--hub URL`: to the hub's course service, with the student's scores, for the hub user the
  page belongs to. The student then sees it with `dc.feedback()`; nobody else can. The token
  is your own hub token (`JUPYTERHUB_API_TOKEN`, which a server on the hub has, or
  `--token-file`), and the service checks that you teach the course.
* `--moodle-zip FILE`: a zip for Moodle's "Upload multiple feedback files in a zip";
* `--canvas-dir DIR`: files for Canvas's "Re-Upload Submissions" (see `lms_feedback`).

**Whose page is whose** never comes from inside a submission. On a hub it is the roster's
`hub_user` column (`--roster`), or else the account the graded hand-in came from (results
graded from the hub carry it: their source reads `hub:<user>/<hand-in id>.zip`). For Moodle it
is the participant id (the roster's `lms_id`, or the one Moodle's download folder gave); for
Canvas, the user and file ids in the name of the file Canvas's download gave.

Every student is listed with where their page goes, or why it cannot go: no submission
graded (nothing to return), no page, no hub user or LMS id, a hub user the hub does not know.
`--dry-run` lists the same and sends and writes nothing. The command exits 1 when a student
who has a page could not be given it.

The scores sent to the hub are small and plain (`scores_of`):

    {"total": 10.0, "max_total": 12.0, "pending": 1, "late": false, "status": "graded",
     "assignments": {"guided": {"points": 8.0, "max_points": 10.0}, ...}}
"""

from __future__ import annotations

import csv
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from diplomatic_cover.grading.results import MISSING, StudentResult, read_results
from diplomatic_cover.hub import inbox
from diplomatic_cover.hub.client import CourseService, ServiceError, ServiceUnreachable
from diplomatic_cover.hub.inbox import user_of_source
from diplomatic_cover.instructor import lms_feedback

RESULTS = "results.json"
FEEDBACK = "feedback"
SERVICE = inbox.SERVICE
_NO_GRADE = (MISSING, "damaged submission")


class ReturnError(Exception):
    """Nothing could be returned (no grades, no token, not an instructor); the message says why."""


@dataclass
class Delivery:
    """One student's page: where it goes, or why it cannot go."""

    key: str
    name: str
    page: Path | None = None
    scores: dict[str, Any] = field(default_factory=dict)
    target: str = ""
    problem: str = ""
    nothing_to_return: bool = False
    done: bool = False

    @property
    def ready(self) -> bool:
        return bool(self.target) and not self.problem and not self.nothing_to_return


# ---------------------------------------------------------------------------------------
# Reading what grade wrote


def scores_of(result: StudentResult) -> dict[str, Any]:
    """The scores a student is sent with their page."""
    assignments: dict[str, dict[str, float]] = {}
    for item in result.items:
        entry = assignments.setdefault(item.assignment, {"points": 0.0, "max_points": 0.0})
        entry["points"] = round(entry["points"] + item.earned, 6)
        entry["max_points"] = round(entry["max_points"] + item.max_points, 6)
    return {
        "total": result.total,
        "max_total": result.max_total,
        "pending": result.pending,
        "late": bool(result.late),
        "status": result.status,
        "assignments": assignments,
    }


def read_grades(grades: Path) -> dict[str, StudentResult]:
    """Every student's results from a grading folder, or ReturnError saying what is missing."""
    grades = Path(grades)
    path = grades / RESULTS
    if not path.is_file():
        raise ReturnError(
            f"{grades} holds no {RESULTS}: give the folder `diplomatic-cover grade --out` wrote."
        )
    results = read_results(path)
    if not results:
        raise ReturnError(f"{path} could not be read as the kit's grading results.")
    return results


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """kit_id -> {"hub_user", "lms_id", "name"} from the roster CSV (other columns ignored)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
            if "kit_id" not in fields:
                raise ReturnError(f"{path} has no kit_id column (the grading roster's columns).")
            roster = {}
            for row in reader:

                def get(column: str, row: Mapping[str, Any] = row) -> str:
                    return str(row.get(fields.get(column, ""), "") or "").strip()

                if get("kit_id"):
                    roster[get("kit_id").lower()] = {
                        c: get(c) for c in ("hub_user", "lms_id", "name")
                    }
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ReturnError(f"The roster {path} could not be read: {error}") from None
    taken: dict[str, str] = {}
    for kit_id, row in roster.items():
        user = row["hub_user"]
        if not user:
            continue
        if user in taken:
            raise ReturnError(
                f"{path}: hub user {user!r} is on the rows of {taken[user]} and {kit_id}: each "
                "student needs their own hub user, or one would see the other's feedback."
            )
        taken[user] = kit_id
    return roster


def plan(
    grades: Path, results: Mapping[str, StudentResult], only: Sequence[str] | None = None
) -> list[Delivery]:
    """One Delivery per student (those in `only`, by kit id or LMS id, when given)."""
    wanted = {name.strip().lower() for name in only or ()}
    deliveries = []
    for key, result in sorted(results.items()):
        if wanted and not ({key.lower(), result.lms_id.lower()} & wanted):
            continue
        delivery = Delivery(key=key, name=result.name or key, scores=scores_of(result))
        page = Path(grades) / FEEDBACK / f"{key}.html"
        if result.status in _NO_GRADE:
            delivery.nothing_to_return = True
            delivery.problem = f"{result.status}: no feedback page to return"
        elif not page.is_file():
            delivery.problem = (
                f"no feedback page ({FEEDBACK}/{key}.html is missing): grade again to write it"
            )
        else:
            delivery.page = page
        deliveries.append(delivery)
    if wanted:
        found = {d.key.lower() for d in deliveries} | {
            results[d.key].lms_id.lower() for d in deliveries
        }
        for name in sorted(wanted - found):
            deliveries.append(Delivery(key=name, name=name, problem="not in the grades"))
    return deliveries


# ---------------------------------------------------------------------------------------
# The hub


def service_url(hub: str) -> str:
    """The course service's address from the hub's (or the service's own) address."""
    try:
        return inbox.service_url(hub)
    except inbox.HubAccessError as error:
        raise ReturnError(str(error)) from None


def read_token(token_file: Path | None, environ: Mapping[str, str] | None = None) -> str:
    """Your hub token from `token_file`, else from JUPYTERHUB_API_TOKEN."""
    try:
        return inbox.read_token(token_file, environ)
    except inbox.HubAccessError as error:
        raise ReturnError(str(error)) from None


def hub_user_of(result: StudentResult, roster: Mapping[str, Mapping[str, str]]) -> str:
    """The hub user a student's page goes to: the roster's hub_user, else the hand-in's account."""
    row = roster.get(result.key)
    if row and row.get("hub_user"):
        return row["hub_user"]
    return user_of_source(result.source.split("; ")[-1])


def _hub_knows(hub: str, token: str, user: str) -> bool:
    """Whether the hub shows this user to this token.

    Only a yes counts: JupyterHub answers 404 both for a user that does not exist and for
    one the token may not see (an instructor's token usually sees only its owner).
    """
    base = service_url(hub).split("services/")[0]
    request = urllib.request.Request(
        f"{base}hub/api/users/{quote(user, safe='')}", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30):
            return True
    except (urllib.error.URLError, OSError):
        return False


def hub_targets(
    deliveries: list[Delivery],
    results: Mapping[str, StudentResult],
    roster: Mapping[str, Mapping[str, str]],
    known: set[str] | None,
    ask_hub: Callable[[str], bool] | None = None,
) -> None:
    """Name each delivery's hub user, or the problem; `known`: users who handed in (None: not
    checked); `ask_hub(user)`: whether the hub confirms a user who never handed in."""
    for delivery in deliveries:
        if delivery.problem:
            continue
        user = hub_user_of(results[delivery.key], roster)
        if not user:
            delivery.problem = (
                "no hub user: add the hub_user column to the roster (--roster), or grade from "
                "the hub so each result carries its account"
            )
            continue
        delivery.target = user
        if known is None or user in known:
            continue
        if not (ask_hub and ask_hub(user)):
            delivery.problem = (
                f"hub user {user!r} is unknown to the hub (the course service has no hand-in "
                "from them, and the hub did not confirm the name): check the roster's hub_user"
            )


def send_to_hub(service: CourseService, deliveries: list[Delivery]) -> None:
    """Upload every ready page; a refusal is that student's problem, the others go on."""
    for delivery in deliveries:
        if not delivery.ready or delivery.page is None:
            continue
        try:
            page = delivery.page.read_text(encoding="utf-8")
            service.return_feedback(delivery.target, page, delivery.scores)
        except ServiceUnreachable:
            raise
        except (ServiceError, OSError, UnicodeDecodeError) as error:
            delivery.problem = f"the course service refused it: {error}"
            continue
        delivery.done = True


def _connect(hub: str, token: str) -> CourseService:
    try:
        return inbox.instructor_service(hub, token)
    except inbox.HubAccessError as error:
        raise ReturnError(str(error)) from None


# ---------------------------------------------------------------------------------------
# Moodle and Canvas


def moodle_targets(
    deliveries: list[Delivery],
    results: Mapping[str, StudentResult],
    roster: Mapping[str, Mapping[str, str]],
) -> None:
    """Name each delivery's path in Moodle's feedback zip, or the problem."""
    for delivery in deliveries:
        if delivery.problem:
            continue
        result = results[delivery.key]
        row = roster.get(delivery.key, {})
        lms_id = row.get("lms_id") or result.lms_id
        if _from_canvas(result) and not row.get("lms_id"):
            lms_id = ""  # a Canvas user id is not a Moodle participant id
        participant = lms_feedback.moodle_participant(lms_id)
        if not participant:
            what = f"{lms_id!r} is not a" if lms_id else "there is no"
            delivery.problem = (
                f"{what} Moodle participant id: add the lms_id column to the roster (--roster) "
                "with the number in Moodle's download folder names"
            )
            continue
        name = lms_feedback.moodle_name(row.get("name") or result.name, delivery.key)
        delivery.target = lms_feedback.moodle_path(name, participant)


def _from_canvas(result: StudentResult) -> bool:
    """Whether the result's LMS id is a Canvas user id (graded from Canvas's download)."""
    if getattr(result, "lms", "") == "canvas":
        return True
    _prefix, user, _attachment = lms_feedback.canvas_ids(lms_feedback.last_source(result.source))
    return bool(user) and user == result.lms_id


def canvas_targets(deliveries: list[Delivery], results: Mapping[str, StudentResult]) -> None:
    """Name each delivery's file for Canvas's re-upload, or the problem."""
    for delivery in deliveries:
        if delivery.problem:
            continue
        result = results[delivery.key]
        original = lms_feedback.last_source(result.source)
        prefix, user, _attachment = lms_feedback.canvas_ids(original)
        if not prefix or (result.lms_id and result.lms_id != user):
            delivery.problem = (
                f"the graded file ({original or 'unknown'}) does not carry Canvas's user and "
                "file ids: Canvas can take feedback back only for files graded from its own "
                "download (Download Submissions)"
            )
            continue
        if not all(c.isalnum() or c in "_-" for c in prefix):
            delivery.problem = f"Canvas's file name {original!r} has unexpected characters"
            continue
        delivery.target = lms_feedback.canvas_name(prefix)


# ---------------------------------------------------------------------------------------
# The command


def refuse_shared_targets(deliveries: list[Delivery]) -> None:
    """Two students' pages bound for one place: neither goes (one would see the other's)."""
    by_target: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        if delivery.target and not delivery.problem:
            by_target.setdefault(delivery.target, []).append(delivery)
    for target, sharing in by_target.items():
        if len(sharing) < 2:
            continue
        keys = ", ".join(d.key for d in sharing)
        for delivery in sharing:
            delivery.problem = (
                f"{keys} would all go to {target}: sent to none of them (check the roster)"
            )


def _line(delivery: Delivery, verb: str) -> str:
    who = delivery.key if delivery.name == delivery.key else f"{delivery.key} ({delivery.name})"
    if delivery.nothing_to_return:
        return f"  {who}: {delivery.problem}"
    if delivery.problem:
        where = f" for {delivery.target}" if delivery.target else ""
        return f"  {who}: NOT returned{where}: {delivery.problem}"
    scores = delivery.scores
    points = f"{scores['total']:g} of {scores['max_total']:g} points"
    size = delivery.page.stat().st_size / 1024 if delivery.page else 0
    return f"  {who} -> {delivery.target}: {verb} ({size:.0f} KB page, {points})"


def _report(deliveries: list[Delivery], verb: str, where: str, out: IO[str]) -> int:
    for delivery in deliveries:
        print(_line(delivery, verb), file=out)
    ready = [d for d in deliveries if not d.nothing_to_return]
    good = [d for d in ready if not d.problem]
    missing = len(deliveries) - len(ready)
    print(
        f"{verb.capitalize()}: {len(good)} of {len(ready)} student(s) with a feedback page, "
        f"{where}."
        + (f" {missing} had no submission graded." if missing else "")
        + (
            f" {len(ready) - len(good)} NOT returned (listed above)."
            if len(good) < len(ready)
            else ""
        ),
        file=out,
    )
    return 0 if len(good) == len(ready) else 1


def main(
    *,
    grades: Path,
    hub: str | None = None,
    moodle_zip: Path | None = None,
    canvas_dir: Path | None = None,
    roster: Path | None = None,
    token_file: Path | None = None,
    only: Sequence[str] | None = None,
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`diplomatic-cover return-feedback`: 0 when every page went, 1 otherwise, 2 on bad input."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if sum(x is not None for x in (hub, moodle_zip, canvas_dir)) != 1:
        print("return-feedback: give one of --hub, --moodle-zip, --canvas-dir.", file=stderr)
        return 2
    try:
        results = read_grades(grades)
        rows = read_roster(roster) if roster is not None else {}
        deliveries = plan(grades, results, only)
        if hub is not None:
            return _to_hub(hub, token_file, deliveries, results, rows, dry_run, environ, stdout)
        if moodle_zip is not None:
            return _to_moodle(Path(moodle_zip), deliveries, results, rows, dry_run, stdout)
        return _to_canvas(Path(canvas_dir or "."), deliveries, results, dry_run, stdout)
    except ReturnError as error:
        print(f"return-feedback: {error}", file=stderr)
        return 2
    except ServiceUnreachable as error:
        print(f"return-feedback: {error} Nothing more was sent; run it again.", file=stderr)
        return 1
    except OSError as error:
        print(f"return-feedback: {error}", file=stderr)
        return 1


def _to_hub(
    hub: str,
    token_file: Path | None,
    deliveries: list[Delivery],
    results: Mapping[str, StudentResult],
    rows: Mapping[str, Mapping[str, str]],
    dry_run: bool,
    environ: Mapping[str, str] | None,
    stdout: IO[str],
) -> int:
    token = read_token(token_file, environ)
    service = _connect(hub, token)
    known = {entry["user"] for entry in service.students()}
    hub_targets(deliveries, results, rows, known, lambda user: _hub_knows(hub, token, user))
    refuse_shared_targets(deliveries)
    if not dry_run:
        send_to_hub(service, deliveries)
    where = f"to the course service at {service.url}"
    return _report(deliveries, "would send" if dry_run else "sent", where, stdout)


def _to_moodle(
    path: Path,
    deliveries: list[Delivery],
    results: Mapping[str, StudentResult],
    rows: Mapping[str, Mapping[str, str]],
    dry_run: bool,
    stdout: IO[str],
) -> int:
    if path.exists() and not lms_feedback.is_moodle_feedback_zip(path):
        raise ReturnError(
            f"{path} exists and is not a feedback zip this command wrote: choose a new file."
        )
    moodle_targets(deliveries, results, rows)
    refuse_shared_targets(deliveries)
    ready = [d for d in deliveries if d.ready and d.page is not None]
    if not dry_run and ready:
        lms_feedback.write_moodle_zip(path, {d.target: d.page.read_bytes() for d in ready})
        for delivery in ready:
            delivery.done = True
    where = f"in {path} (Moodle: Upload multiple feedback files in a zip)"
    return _report(deliveries, "would write" if dry_run else "written", where, stdout)


def _to_canvas(
    folder: Path,
    deliveries: list[Delivery],
    results: Mapping[str, StudentResult],
    dry_run: bool,
    stdout: IO[str],
) -> int:
    canvas_targets(deliveries, results)
    refuse_shared_targets(deliveries)
    ready = [d for d in deliveries if d.ready and d.page is not None]
    if not dry_run and ready:
        files = {d.target: lms_feedback.canvas_file(d.page.read_bytes()) for d in ready}
        lms_feedback.write_canvas_dir(folder, files)
        for delivery in ready:
            delivery.done = True
    where = f"in {folder} (zip its files for Canvas: Re-Upload Submissions)"
    return _report(deliveries, "would write" if dry_run else "written", where, stdout)
