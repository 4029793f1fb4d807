"""Deadlines: `--deadline` for the class, a roster's `deadline` column for extensions.

A submission is late when its upload time, as the LMS, the hub or the file system gives it,
is after the student's deadline (their roster `deadline` if set, else the class's). The
manifest's `created` is the student's own clock and is never used. Times without a zone
(a zip's file times, `2026-12-10 23:59`) are read as this machine's local time. Canvas's
own `LATE` mark counts too. Late rows are marked, never penalised: apply your late policy in
the LMS.
"""

from __future__ import annotations

from datetime import UTC, datetime


class DeadlineError(ValueError):
    """A deadline that cannot be read; the message shows what was given."""


def parse_time(text: str) -> datetime:
    """A date-time (ISO 8601; a zone optional, else local time) as an aware datetime."""
    cleaned = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError as error:
        raise DeadlineError(
            f"{text!r} is not a date and time; write it as 2026-12-10T23:59 (local time) or "
            "2026-12-10T23:59+01:00"
        ) from error
    if len(cleaned) <= 10:  # a date alone: the end of that day
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo is not None else moment.astimezone()


def lateness(received_at: str, deadline: datetime | None) -> str:
    """ "" when on time (or unknown), else how late in words: "late by 3 h 12 min"."""
    if deadline is None or not received_at:
        return ""
    try:
        moment = parse_time(received_at)
    except DeadlineError:
        return ""
    late = (moment - deadline).total_seconds()
    if late <= 0:
        return ""
    minutes = int(late // 60) or 1
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes and not days else ""]  # fmt: skip
    return "late by " + " ".join(p for p in parts if p)


def utc_text(moment: datetime) -> str:
    """A moment as UTC text for outputs."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
