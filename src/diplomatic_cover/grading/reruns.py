"""What `--execute` found, kept per student so a later fast regrade cannot quietly undo it.

An instructor who grades with `--execute`, scores written answers, then grades again without
`--execute` (as the manual-grading step says) must get the re-run's results back, not the
values the students' kits recorded. So every re-run is kept in `<out>/reruns/`, one file per
student, keyed by the SHA-256 of the submission file it re-ran:

* a later fast run finds the same SHA-256 and grades the checks from the kept re-run (the
  row's `graded_by` says so, with the date of the re-run and its isolation);
* a submission that changed since (a resubmission) is graded from its recorded values, and
  its checks are marked "changed since --execute: not re-run", left blank in the LMS files
  and flagged, until it is re-run (`grade ... --execute --only ID`).

What is kept is the re-run's outcome (the values recorded and how each cell went), not the
points: a changed grading configuration is applied to it like to a fresh re-run. The files
are written by the grader only, in the `--out` folder, which a sandboxed re-run cannot see.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.store import is_valid_student_id
from diplomatic_cover.safe_files import atomic_write_bytes

RERUNS_DIR = "reruns"
SCHEMA = "diplomatic-cover.kept-rerun"
# How a re-run was isolated, as `graded_by` shows it: `Executor.isolated` (or an executor's own
# `isolation` text) says which. A kept re-run made without a sandbox stays marked unisolated.
SANDBOX = "sandbox"
NO_SANDBOX = "no sandbox (--no-isolation)"


@dataclass
class KeptRerun:
    """One student's kept re-run: which file it was, when, how isolated, and the outcome."""

    student: str
    sha256: str
    ran_at: str
    isolation: str
    exercises: dict[str, Any]

    def describe(self) -> str:
        """ "execute (re-run 2026-12-07 10:31 UTC, sandbox)"."""
        return f"execute (re-run {self.ran_at[:16].replace('T', ' ')} UTC, {self.isolation})"


def _plain(rerun: Any) -> dict[str, Any]:
    return asdict(rerun) if hasattr(rerun, "__dataclass_fields__") else dict(rerun)


def _rebuild(raw: dict[str, Any]) -> Any:
    """A RerunResult again from its JSON (the execute module is imported only here)."""
    from diplomatic_cover.grading.execute import CellOutcome, RerunResult

    known = {f.name for f in fields(RerunResult)}
    values = {k: v for k, v in raw.items() if k in known}
    cell_fields = {f.name for f in fields(CellOutcome)}
    values["cells"] = [
        CellOutcome(**{k: v for k, v in cell.items() if k in cell_fields})
        for cell in raw.get("cells", [])
        if isinstance(cell, dict)
    ]
    return RerunResult(**values)


class RerunStore:
    """`<out>/reruns/<student>.json`: the latest re-run of each student's submission."""

    def __init__(self, out: Path) -> None:
        self.folder = Path(out) / RERUNS_DIR
        self._present = self.folder.is_dir()  # most folders never saw --execute

    def save(self, student: str, sha256: str, exercises: dict[str, Any], isolation: str) -> None:
        """Keep a student's re-run (replacing an older one)."""
        if not is_valid_student_id(student) or not sha256:
            return
        document = {
            "schema": SCHEMA,
            "student": student,
            "sha256": sha256,
            "ran_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "isolation": isolation,
            "exercises": {name: _plain(run) for name, run in sorted(exercises.items())},
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        self._present = True
        data = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        atomic_write_bytes(self.folder / f"{student}.json", data.encode("utf-8"))

    def load(self, student: str) -> KeptRerun | None:
        """A student's kept re-run, or None (none kept, or unreadable)."""
        if not self._present or not is_valid_student_id(student):
            return None
        try:
            raw = json.loads((self.folder / f"{student}.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            return None
        exercises = raw.get("exercises")
        if not isinstance(exercises, dict):
            return None
        return KeptRerun(
            student=student,
            sha256=str(raw.get("sha256", "")),
            ran_at=str(raw.get("ran_at", "")),
            isolation=str(raw.get("isolation", NO_SANDBOX)),
            exercises=exercises,
        )

    @staticmethod
    def outcomes(kept: KeptRerun) -> dict[str, Any]:
        """The kept re-run as the grader uses a fresh one: exercise -> RerunResult."""
        return {
            name: _rebuild(raw) for name, raw in kept.exercises.items() if isinstance(raw, dict)
        }

    def any(self) -> bool:
        """True when some re-run was kept here."""
        return self.folder.is_dir() and any(self.folder.glob("*.json"))
