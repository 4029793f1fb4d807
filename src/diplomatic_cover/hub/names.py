"""Checks for every name that reaches the course service from outside.

Hub user names arrive in URLs (an instructor asking for one student's hand-ins), question ids
in URLs and JSON bodies, and hand-in ids in download links. Each is checked against a narrow
pattern before it is used, and user names become folder names only through `folder_for`,
which cannot produce `..`, a slash or a hidden name whatever the hub allows in a name.
"""

from __future__ import annotations

import hashlib
import re

# JupyterHub lower-cases names and allows most printable characters; we allow what real
# authenticators produce (e-mail-like names included) and refuse control characters and
# slashes, which no hub user name needs.
USER_NAME = re.compile(r"^[^\x00-\x1f\x7f/\\]{1,255}$")
# The kit's question ids: "06.rank-options", "ex3.coverage".
QUESTION_ID = re.compile(r"^(?:\d\d|ex\d)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
# A hand-in id: the service's receive time and the start of the file's SHA-256.
SUBMISSION_ID = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{12}$")
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_MAX_FOLDER = 120


class BadName(ValueError):
    """A name from a request that the service refuses; the message says why."""


def check_user_name(name: str) -> str:
    """Return a hub user name named in a request, or raise with a clear message."""
    if (
        not isinstance(name, str)
        or not USER_NAME.match(name)
        or name.strip() != name
        or name in (".", "..")
    ):
        raise BadName(f"{name!r} is not a hub user name.")
    return name


def check_question_id(question_id: object) -> str:
    """Return a question id such as "06.rank-options", or raise with a clear message."""
    if not isinstance(question_id, str) or len(question_id) > 80:
        raise BadName("A question id is text such as '06.rank-options'.")
    if not QUESTION_ID.match(question_id):
        raise BadName(f"{question_id!r} is not a question id (such as '06.rank-options').")
    return question_id


def check_submission_id(submission_id: str) -> str:
    """Return a hand-in id (or "latest"), or raise with a clear message."""
    if submission_id == "latest" or SUBMISSION_ID.match(submission_id):
        return submission_id
    raise BadName(f"{submission_id!r} is not a hand-in id; use one from the list, or 'latest'.")


def folder_for(user: str) -> str:
    """The storage folder name for a hub user: readable, reversible enough, never a path trick.

    Letters, digits, '-' and '_' stay; every other byte becomes '%XX' ('.' included, so
    '..' and hidden names cannot occur). Overlong results end in a hash of the full name.
    """
    encoded = "".join(
        chr(byte) if chr(byte) in _SAFE else f"%{byte:02X}" for byte in user.encode("utf-8")
    )
    if len(encoded) > _MAX_FOLDER:
        digest = hashlib.sha256(user.encode("utf-8")).hexdigest()[:16]
        encoded = f"{encoded[: _MAX_FOLDER - 17]}~{digest}"
    return encoded
