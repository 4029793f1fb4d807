"""Small submission zips for the hub tests, shaped like the kit's (a manifest and answers)."""

from __future__ import annotations

import io
import json
import zipfile


def submission_zip(claimed_student: str, note: str = "") -> bytes:
    """A zip with a manifest naming `claimed_student` (the service must ignore that name)."""
    answers = {"00.tour-single": {"value": "run-above", "note": note}}
    manifest = {
        "format": "diplomatic-cover-submission",
        "student": {"id": claimed_student, "name": claimed_student},
        "files": {"responses/00_start_here.json": "not-checked-by-the-service"},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("responses/00_start_here.json", json.dumps(answers))
    return buffer.getvalue()


def zip_with(names: list[str]) -> bytes:
    """A zip holding the given member names (for path-trick tests)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), b"x")
    return buffer.getvalue()
