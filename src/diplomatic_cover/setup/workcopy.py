"""The student's working copy: notebooks to edit and run, kept apart from the kit's own files.

JupyterLab saves outputs (and the student's name in them) into whatever notebook it has open.
If that were the kit's tracked notebook, a lab session would dirty the checkout and the next
`git pull` would conflict. So `make lab` (and `python -m diplomatic_cover lab`) copy the
tracked `notebooks/`, `exercises/` and `data/` into a working copy, `my-work/` (ignored by
git), and open JupyterLab there. On a JupyterHub the same copy is made from the folder that
nbgitpuller pulls.

Updates follow one set of rules, the same on a laptop after `git pull` and on a hub after a
pull, so a student's work is never overwritten and never in the way:

* a file new in the kit is copied in;
* a working notebook whose cells are still those it was copied with (only outputs or
  metadata differ: the student ran it) is replaced by the new version;
* an edited one is kept, and the new version is placed beside it as `NAME (updated).ipynb`;
* answers are untouched: they live in the answer store, not in the notebooks.

For other files (the glossary, the data copy) "edited" means any change to their bytes.
The working copy's root holds `.diplomatic-cover-copy.json`, recording the SHA-256 of every
version copied; `reset()` puts a notebook back to the kit's version, keeping the old file in
`.backups/`. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from diplomatic_cover import paths
from diplomatic_cover.safe_files import atomic_write_bytes, file_lock

#: The kit's folders a working copy is made from.
COPIED = ("notebooks", "exercises", "data")
MANIFEST_FORMAT = "diplomatic-cover.working-copy"
BACKUPS = ".backups"

# What happened to one file; `describe()` turns these into sentences.
NEW, UPDATED, KEPT, RESTORED, UNCHANGED, RESET = (
    "new",
    "updated",
    "kept",
    "restored",
    "unchanged",
    "reset",
)


class WorkingCopyError(Exception):
    """The working copy could not be made or changed; the message says what to do."""


@dataclass(frozen=True)
class Outcome:
    """What `sync` or `reset` did to one file (`path` relative to the working copy)."""

    path: str
    action: str
    beside: str | None = None  # the "(updated)" copy, or the backup of a reset notebook


# ---------------------------------------------------------------------------------------
# Hashes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(name: str, data: bytes) -> str:
    """What counts as the student's edit: for a notebook its cells' types and sources only.

    Outputs, execution counts and metadata (notebook or cell) are left out, so a notebook
    that was only run hashes as it was copied. A file that is not a readable notebook
    hashes by its bytes.
    """
    if not name.endswith(".ipynb"):
        return sha256(data)
    try:
        notebook = json.loads(data.decode("utf-8"))
        cells = [[cell.get("cell_type"), _joined(cell.get("source"))] for cell in notebook["cells"]]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return sha256(data)
    return sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8"))


def _joined(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


# ---------------------------------------------------------------------------------------
# The manifest


def _manifest_path(work: Path) -> Path:
    return work / paths.WORK_MARKER


def read_manifest(work: Path) -> dict[str, Any]:
    """The working copy's record of what it was made from (an empty one if there is none)."""
    try:
        manifest = json.loads(_manifest_path(work).read_text(encoding="utf-8"))
    except FileNotFoundError:
        manifest = None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise WorkingCopyError(
            f"{_manifest_path(work)} could not be read ({error}). Move it away and run "
            "`make lab` again: edited notebooks are then kept and new versions put beside them."
        ) from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return {"format": MANIFEST_FORMAT, "version": 1, "files": {}}
    return manifest


def _write_manifest(work: Path, manifest: dict[str, Any], source: Path) -> None:
    manifest.update(format=MANIFEST_FORMAT, version=1, source=str(source))
    manifest["files"] = dict(sorted(manifest["files"].items()))
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    atomic_write_bytes(_manifest_path(work), text.encode("utf-8"))


def _record(name: str, data: bytes) -> dict[str, str]:
    return {"sha256": sha256(data), "content": content_hash(name, data)}


# ---------------------------------------------------------------------------------------
# What the kit offers


def kit_files(source: Path) -> dict[str, Path]:
    """The kit's files a working copy holds, by path relative to the kit folder."""
    found: dict[str, Path] = {}
    for top in COPIED:
        folder = source / top
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(source)
            if path.is_file() and not any(
                part.startswith(".") or part == "__pycache__" for part in relative.parts
            ):
                found[relative.as_posix()] = path
    return found


# ---------------------------------------------------------------------------------------
# Making and updating the copy


def _beside_name(relative: str, work: Path, new: bytes, written: str | None) -> str:
    """`NAME (updated).ext`, or `(updated 2)`... when the student changed an earlier one."""
    pure = PurePosixPath(relative)
    for number in range(1, 100):
        label = "updated" if number == 1 else f"updated {number}"
        candidate = pure.with_name(f"{pure.stem} ({label}){pure.suffix}").as_posix()
        target = work / candidate
        if not target.exists():
            return candidate
        existing = sha256(target.read_bytes())
        if existing in (sha256(new), written):
            return candidate
    raise WorkingCopyError(f"Too many updated copies of {relative}: tidy up {work}.")


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)


def _sync_one(relative: str, data: bytes, work: Path, files: dict[str, Any]) -> Outcome:
    """Apply the update rules to one kit file; change `files` (the manifest's records)."""
    target = work / relative
    record = files.get(relative)
    if record is None:
        if not target.exists():
            _write(target, data)
            files[relative] = _record(relative, data)
            return Outcome(relative, NEW)
        # A file the manifest does not know (the manifest was lost): judge it as edited
        # unless it matches the kit's version.
        record = {"sha256": "", "content": ""}
    if not target.exists():
        _write(target, data)
        files[relative] = _record(relative, data)
        return Outcome(relative, RESTORED)
    new = sha256(data)
    if new in (record.get("sha256"), record.get("offered")):
        return Outcome(relative, UNCHANGED)
    current = content_hash(relative, target.read_bytes())
    if current == content_hash(relative, data):
        files[relative] = _record(relative, data)  # the student already has these cells
        return Outcome(relative, UNCHANGED)
    if current == record.get("content"):
        _write(target, data)
        files[relative] = _record(relative, data)
        return Outcome(relative, UPDATED)
    beside = _beside_name(relative, work, data, record.get("beside_sha256"))
    _write(work / beside, data)
    files[relative] = {
        **record,
        "offered": new,
        "beside": beside,
        "beside_sha256": new,
        # Hand-in tells a "(updated)" copy the student never changed from one they worked in.
        "beside_content": content_hash(relative, data),
    }
    return Outcome(relative, KEPT, beside)


def untouched_beside(work: Path, relative: str, copy: Path) -> bool:
    """True if `copy` is the "(updated)" copy of `relative` that `sync` wrote, cells unchanged.

    Running it (outputs, metadata) does not count as a change; editing a cell does. False
    when the manifest does not name `copy` as that file's latest "(updated)" copy.
    """
    try:
        record = read_manifest(Path(work))["files"].get(relative) or {}
        if record.get("beside") != copy.relative_to(work).as_posix():
            return False
        data = copy.read_bytes()
    except (WorkingCopyError, OSError, ValueError):
        return False
    if sha256(data) == record.get("beside_sha256"):
        return True
    return content_hash(relative, data) == record.get("beside_content")


def sync(source: Path, work: Path) -> list[Outcome]:
    """Make or update the working copy `work` from the kit folder `source`; what was done.

    Safe to run at every start: files the kit has not changed are left alone.
    """
    source, work = Path(source), Path(work)
    offered = kit_files(source)
    if not any(name.startswith("notebooks/") for name in offered):
        raise WorkingCopyError(
            f"{source} holds no notebooks/ folder: run this from the kit's folder (the one "
            "with notebooks/ and exercises/)."
        )
    if work.resolve() == source.resolve():
        raise WorkingCopyError("The working copy must be a folder of its own, not the kit.")
    try:
        work.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkingCopyError(
            f"The working copy {work} could not be created ({error.strerror or error})."
        ) from error
    with file_lock(_manifest_path(work)):
        manifest = read_manifest(work)
        files = manifest["files"]
        outcomes = [
            _sync_one(relative, path.read_bytes(), work, files)
            for relative, path in offered.items()
        ]
        _write_manifest(work, manifest, source)
    return outcomes


def _find(work: Path, source: Path, name: str) -> str:
    """The kit path of the notebook `name` ("ex3_capacity", "05_expulsion_record.ipynb"...)."""
    wanted = PurePosixPath(name.replace("\\", "/"))
    matches = [
        relative
        for relative in kit_files(source)
        if relative == wanted.as_posix()
        or PurePosixPath(relative).name == wanted.name
        or PurePosixPath(relative).stem == wanted.name
    ]
    if len(matches) != 1:
        choices = sorted(PurePosixPath(r).stem for r in kit_files(source) if r.endswith(".ipynb"))
        what = "matches several files" if matches else "is not one of the kit's notebooks"
        raise WorkingCopyError(f"{name!r} {what}; choose one of: {', '.join(choices)}.")
    return matches[0]


def reset(source: Path, work: Path, name: str) -> Outcome:
    """Put one notebook of the working copy back to the kit's version.

    Safe for answers (they live in the store, not the notebook); the old file is kept in
    `.backups/` with the time in its name, in case it held code the student wants back.
    """
    source, work = Path(source), Path(work)
    relative = _find(work, source, name)
    data = (source / relative).read_bytes()
    target = work / relative
    backup = None
    with file_lock(_manifest_path(work)):
        manifest = read_manifest(work)
        if target.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            pure = PurePosixPath(relative)
            backup = f"{BACKUPS}/{pure.stem}-{stamp}{pure.suffix}"
            _write(work / backup, target.read_bytes())
        _write(target, data)
        manifest["files"][relative] = _record(relative, data)
        _write_manifest(work, manifest, source)
    return Outcome(relative, RESET, backup)


# ---------------------------------------------------------------------------------------
# Telling the student


def describe(outcomes: list[Outcome], work: Path) -> list[str]:
    """One plain line per file that changed (nothing for files left as they were)."""
    lines = []
    for outcome in outcomes:
        if outcome.action == NEW:
            lines.append(f"New: {outcome.path}")
        elif outcome.action == UPDATED:
            lines.append(f"Updated to the kit's new version: {outcome.path}")
        elif outcome.action == RESTORED:
            lines.append(f"Copied again (it was missing): {outcome.path}")
        elif outcome.action == KEPT:
            lines.append(
                f"Kept your edited {outcome.path}; the kit's new version is beside it as "
                f"{PurePosixPath(outcome.beside or '').name}"
            )
        elif outcome.action == RESET:
            kept = f" (your old file is in {work / outcome.beside})" if outcome.beside else ""
            lines.append(f"Reset {outcome.path} to the kit's version{kept}")
    return lines
