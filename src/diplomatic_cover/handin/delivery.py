"""Hand in on a JupyterHub: send the built submission to the course service, keep the zip.

The Hand in button and `diplomatic-cover submit` build `submission-<id>.zip` first (in the
working copy's `submissions/`, in the student's home), then, on a hub whose admin added the
kit's course service, send it there. The service files it under the hub user and answers
with its own receive time, which is what the student is shown. The zip stays in the home
folder either way: when the service cannot be reached or refuses, the student is told where
it is and why it did not go, and can press again or hand the file in another way.

Off a hub (a laptop, Binder, a hub without the service) nothing is sent and nothing
changes: the student uploads the file as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diplomatic_cover.hub.client import CourseService, ServiceError

_FROM_ENVIRONMENT: Any = object()


@dataclass(frozen=True)
class Delivery:
    """Where a built submission went: `path` always exists; `receipt` when the hub took it."""

    path: Path
    on_hub: bool
    receipt: dict[str, Any] | None = None
    problem: str = ""  # one line: why the service did not take it

    @property
    def handed_in(self) -> bool:
        return self.receipt is not None

    @property
    def received_at(self) -> str:
        """The service's receive time (ISO 8601, UTC), or "" when it was not handed in."""
        return str((self.receipt or {}).get("received_at") or "")


def deliver(path: Path, service: CourseService | None = _FROM_ENVIRONMENT) -> Delivery:
    """Send a built submission to the hub's course service, if this server has one."""
    if service is _FROM_ENVIRONMENT:
        service = CourseService.on_this_hub()
    if service is None:
        return Delivery(path=path, on_hub=False)
    try:
        receipt = service.hand_in(path)
    except ServiceError as error:
        return Delivery(path=path, on_hub=True, problem=one_line(str(error)))
    except OSError as error:  # the zip vanished between the build and the send
        return Delivery(path=path, on_hub=True, problem=f"{path.name} could not be read ({error}).")
    except ValueError:  # a reply that is not the service's JSON (a proxy's page, say)
        return Delivery(
            path=path, on_hub=True, problem="the course service's reply could not be read."
        )
    if not isinstance(receipt, dict) or not receipt.get("id"):
        return Delivery(path=path, on_hub=True, problem="the course service gave no receipt.")
    return Delivery(path=path, on_hub=True, receipt=receipt)


def one_line(text: str, limit: int = 300) -> str:
    """A reason on one line, cut to `limit` characters (a proxy's error page can be long)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def not_handed_in(delivery: Delivery) -> str:
    """What to tell a student whose submission did not reach the hub: why, and where it is."""
    reason = delivery.problem or "the course service did not answer."
    if not reason.endswith((".", "!", "?", "…")):
        reason += "."
    return (
        f"Not handed in: {reason} Your submission is kept at {delivery.path}: "
        "press Hand in again in a few minutes, or give that file to your instructor."
    )
