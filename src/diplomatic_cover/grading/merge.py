"""`merge-grades`: the shards of one class (`grade --shard I/N`) into one gradebook folder.

The merge checks the shards belong together (`shards.check_complete`: all N, once each, one
kit, one configuration, the same inputs and settings), takes each shard's results, and then
does what needs the whole class exactly once, through the same `run.write_class` a single
run ends with: manual scores and overrides from `--out`, the flags that compare students
(the same written answer, a copied document), and every output (grades.csv, the Canvas and
Moodle files, feedback pages, the class report, problems.csv, results.json). So a merge
gives the files a single `grade` of the whole class gives, but for the times they record.

Shards' `--execute` re-runs are copied into `--out/reruns/`, so a later fast regrade of the
merged folder keeps them, as after a single run.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import IO

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue
from diplomatic_cover.grading.autograde import GradingError
from diplomatic_cover.grading.config import ConfigError, load_config
from diplomatic_cover.grading.ingest import REJECTED, Problem
from diplomatic_cover.grading.reruns import RERUNS_DIR
from diplomatic_cover.grading.results import DAMAGED, MISSING, StudentResult
from diplomatic_cover.grading.run import (
    GradeSummary,
    export_warnings,
    scoring_rules,
    write_class,
)
from diplomatic_cover.grading.shards import ShardOutput, check_complete, read_shard
from diplomatic_cover.safe_files import StoreError


def _check_out(out: Path, outputs: list[ShardOutput]) -> None:
    if out.exists() and not out.is_dir():
        raise GradingError(f"--out {out} is a file, not a folder: choose a folder for the grades.")
    target = out.resolve()
    for output in outputs:
        if output.folder.resolve() == target:
            raise GradingError(
                f"--out {out} is shard {output.shard}'s own folder: merge into a folder of its "
                "own (grades/, say)."
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GradingError(f"--out {out} cannot be used ({error.strerror or error}).") from error


def _in_class_order(outputs: list[ShardOutput], phase: str, order: dict[str, int]) -> list[Problem]:
    """One phase's problems of every shard, ordered by student as a whole-class run lists them."""
    found = [p for output in outputs for p in output.problems(phase)]
    return sorted(found, key=lambda p: order.get(p.student, len(order)))  # stable per student


def _results(outputs: list[ShardOutput]) -> dict[str, StudentResult]:
    """Every shard's results; GradingError when a shard holds a row that is not its own."""
    merged: dict[str, StudentResult] = {}
    for output in outputs:
        rows = {row["key"]: row for row in output.manifest.get("identities", [])}
        results = output.results()
        if sorted(results) != sorted(output.manifest.get("graded", [])):
            raise GradingError(
                f"{output.folder} (shard {output.shard}): its results do not match its "
                "manifest (a file changed after grading): grade that shard again."
            )
        for key, result in results.items():
            row = rows.get(key)
            if row is None or row.get("shard") != output.shard.index or key in merged:
                raise GradingError(
                    f"{output.folder} (shard {output.shard}) holds a row for {key!r} that is "
                    "not its own: grade that shard again."
                )
            merged[key] = result
    return merged


def _copy_reruns(outputs: list[ShardOutput], keys: set[str], out: Path) -> None:
    for output in outputs:
        folder = output.folder / RERUNS_DIR
        if not folder.is_dir():
            continue
        target = out / RERUNS_DIR
        for path in sorted(folder.glob("*.json")):
            if path.stem in keys:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target / path.name)


def merge_grades(
    folders: list[Path],
    out: Path,
    *,
    config: Path | None = None,
    course: str = "",
    rescore: bool = False,
) -> GradeSummary:
    """Merge the shard output `folders` into one gradebook in `out` (see the module docstring).

    GradingError (or ConfigError), before anything is written, when the shards do not make
    one whole class, or `out` cannot be used. `rescore` allows merging into a folder whose
    earlier grades were scored by older rules than the shards used.
    """
    started = time.monotonic()
    if not folders:
        raise GradingError("name the shards' folders to merge (one per --shard I/N).")
    outputs = [read_shard(Path(folder)) for folder in folders]
    out = Path(out)
    catalogue = load_catalogue()
    key = load_answer_key() or {}
    grading = load_config(config, catalogue, key)
    count = check_complete(outputs, grading)
    first = outputs[0].manifest
    rules = {k: int(v) for k, v in first.get("settings", {}).get("scoring_rules", {}).items()}
    _check_out(out, outputs)
    if not rescore and scoring_rules(grading, key, out, rescore=False) != rules:
        raise GradingError(
            f"the earlier grades in {out} were scored by other scoring rules than the shards "
            "used, and merging would move those scores: merge into a new folder, or pass "
            "--rescore to apply the answer key's rules."
        )
    results = _results(outputs)
    order = {row["key"]: n for n, row in enumerate(first.get("identities", []))}
    problems = [
        *outputs[0].problems("class"),
        *_in_class_order(outputs, "rerun", order),
        *_in_class_order(outputs, "grade", order),
    ]
    final = write_class(out, grading, catalogue, results, problems, course, rules)
    _copy_reruns(outputs, set(results), out)
    settings = first.get("settings", {})
    summary = GradeSummary(out=out, execute=bool(settings.get("execute")))
    summary.unisolated = bool(settings.get("no_isolation"))
    summary.graded = sum(1 for r in final.values() if r.submitted)
    summary.flagged = sum(1 for r in final.values() if r.flags)
    summary.rejected = sum(1 for p in problems if p.action == REJECTED)
    summary.missing = sum(1 for r in final.values() if r.status == MISSING)
    summary.damaged = sum(1 for r in final.values() if r.status == DAMAGED)
    summary.pending = sum(r.pending for r in final.values())
    summary.problems, summary.students = problems, final
    summary.shards_merged = count
    summary.warnings += export_warnings(final, bool(settings.get("roster")))
    summary.seconds = time.monotonic() - started
    return summary


def cli_merge(
    *,
    folders: list[Path],
    out: Path,
    config: Path | None = None,
    course: str = "",
    rescore: bool = False,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`diplomatic-cover merge-grades DIR... --out DIR`: 0 when merged, 1 (one line) if not."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        summary = merge_grades(folders, out, config=config, course=course, rescore=rescore)
    except (GradingError, ConfigError, StoreError) as error:
        print(f"diplomatic-cover merge-grades: {error}", file=stderr)
        return 1
    print(summary, file=stdout)
    return 0


__all__ = ["cli_merge", "merge_grades"]
