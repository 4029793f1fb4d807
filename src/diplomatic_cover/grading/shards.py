"""Grading a class in shards (`grade --shard I/N`): what one shard writes, and what a merge checks.

A course of a thousand students with `--execute` takes an hour on one machine, so a cluster
splits it: N processes (a Kubernetes indexed Job, a Slurm array; `instructors/grading.md`)
each grade the accounts with `ingest.shard_of(owner, N) == I`, and `merge-grades` puts the
shards together (`merge.py`).

Every shard still reads every file and resolves every identity. That is cheap (seconds for
hundreds of files; the re-runs are what costs), and it is what keeps the rules that look
across students whole: the latest of an account's resubmissions counts, one kit id sent from
two accounts is flagged on both rows, two accounts with the same name are flagged. Each shard
then grades (or re-runs) only its own accounts. An account's every upload, and every row it
makes, has one `owner`, so it lands in exactly one shard.

A shard's `--out` folder holds:

* `shard.json`, the manifest: which shard of how many, the kit version, the grading
  configuration's fingerprint, the settings that change grades (`--execute`, its limits,
  `--deadline`, the scoring rules), the **identity resolution** of the whole class (every
  row's key, owner, shard, status, file and SHA-256), the problems found while reading
  files (the same in every shard), the problems of its own students' re-runs and grading,
  and the **inputs' fingerprint**: a SHA-256 over the identity resolution, the reading
  problems, the roster and the deadline. Two shards that read different files (a download
  refreshed between two array tasks), another roster or another deadline have different
  fingerprints, and the merge refuses them.
* `shard_results.json`: its students' results, before anything that needs the whole class
  (manual scores, overrides, copy detection), in `results.json`'s format.
* `reruns/`: its students' `--execute` re-runs, which the merge copies into the gradebook
  folder so a later fast regrade keeps them (`reruns.py`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diplomatic_cover._version import __version__
from diplomatic_cover.grading.autograde import GradingError
from diplomatic_cover.grading.config import GradingConfig
from diplomatic_cover.grading.ingest import Problem, shard_of
from diplomatic_cover.grading.results import StudentResult, encode_results, read_results
from diplomatic_cover.grading.roster import Student
from diplomatic_cover.safe_files import atomic_write_bytes

MANIFEST = "shard.json"
SHARD_RESULTS = "shard_results.json"
SCHEMA = "diplomatic-cover.grading-shard"
SCHEMA_VERSION = 1

_SPEC = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (`--shard 2/4` is index 2 of 4; indexes count from 0)."""

    index: int
    count: int

    def holds(self, owner: str) -> bool:
        """True when the row of this owner (an account key) is graded in this shard."""
        return shard_of(owner, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`--shard I/N` read, or GradingError saying in one line what a good one looks like.

    Indexes count from 0, as Kubernetes' JOB_COMPLETION_INDEX and Slurm's
    SLURM_ARRAY_TASK_ID do, so they can be passed straight through.
    """
    match = _SPEC.match(text or "")
    if match is None:
        raise GradingError(
            f"--shard {text!r}: expected I/N, two whole numbers such as 0/4 (shard 0 of 4; "
            "the index I counts from 0 to N-1)."
        )
    index, count = int(match[1]), int(match[2])
    if count < 1:
        raise GradingError(f"--shard {text}: N, the number of shards, must be at least 1.")
    if index >= count:
        raise GradingError(
            f"--shard {text}: the index counts from 0, so with {count} shard(s) it is 0 to "
            f"{count - 1} (as JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID count)."
        )
    return Shard(index, count)


@dataclass
class ShardRun:
    """What `grade(shard=...)` found, for `write_shard`: the class's rows and its own results.

    The problems come in the order a whole-class run lists them: reading files and
    resolving identities (`class_problems`, the same in every shard), then its students'
    re-runs, then their grading; the merge interleaves the shards' own in the class's order.
    """

    people: dict[str, Student]
    results: dict[str, StudentResult]
    class_problems: list[Problem]
    rerun_problems: list[Problem]
    grade_problems: list[Problem]
    config: GradingConfig
    roster: Path | None
    settings: dict[str, Any]


def config_fingerprint(config: GradingConfig) -> str:
    """SHA-256 of what a configuration grades (assignments, points, rubrics), not its path."""
    text = repr((config.assignments, sorted(config.rubrics.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _problem(problem: Problem) -> dict[str, str]:
    return {
        "source": problem.source,
        "student": problem.student,
        "reason": problem.reason,
        "action": problem.action,
        "account": problem.account,
        "kit_id": problem.kit_id,
    }


def read_problem(raw: Any) -> Problem:
    """A problem again from `shard.json`."""
    raw = raw if isinstance(raw, dict) else {}
    return Problem(
        str(raw.get("source", "")),
        str(raw.get("student", "")),
        str(raw.get("reason", "")),
        str(raw.get("action", "")),
        str(raw.get("account", "")),
        str(raw.get("kit_id", "")),
    )


def identities(people: dict[str, Student], count: int) -> list[dict[str, Any]]:
    """The identity resolution of the whole class: one entry per gradebook row, in order."""
    return [
        {
            "key": student.key,
            "owner": student.owner,
            "shard": shard_of(student.owner, count),
            "name": student.name,
            "status": student.status,
            "sha256": student.submission.sha256 if student.submission is not None else "",
            "sources": list(student.sources),
            "warnings": list(student.warnings),
        }
        for student in people.values()
    ]


def _roster_digest(roster: Path | None) -> str:
    if roster is None:
        return ""
    try:
        return hashlib.sha256(roster.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def inputs_fingerprint(
    rows: list[dict[str, Any]], problems: list[dict[str, str]], roster: str, deadline: str
) -> str:
    """SHA-256 over what every shard must have read alike (see the module docstring)."""
    rows = [{k: v for k, v in row.items() if k != "shard"} for row in rows]
    text = json.dumps(
        {"rows": rows, "problems": problems, "roster": roster, "deadline": deadline},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_shard(out: Path, shard: Shard, run: ShardRun) -> None:
    """Write `shard.json` and `shard_results.json` into `out` (see the module docstring)."""
    rows = identities(run.people, shard.count)
    class_problems = [_problem(p) for p in run.class_problems]
    roster = _roster_digest(run.roster)
    manifest = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "shard": {"index": shard.index, "count": shard.count},
        "kit_version": __version__,
        "inputs": inputs_fingerprint(
            rows, class_problems, roster, str(run.settings.get("deadline", ""))
        ),
        "config": {"source": run.config.source, "sha256": config_fingerprint(run.config)},
        "settings": run.settings,
        "graded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "graded": sorted(run.results),
        "identities": rows,
        "problems": {
            "class": class_problems,
            "rerun": [_problem(p) for p in run.rerun_problems],
            "grade": [_problem(p) for p in run.grade_problems],
        },
    }
    atomic_write_bytes(
        out / SHARD_RESULTS,
        encode_results(run.results, {"shard": str(shard), "config": run.config.source}),
    )
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    atomic_write_bytes(out / MANIFEST, data.encode("utf-8"))


@dataclass
class ShardOutput:
    """One shard's output folder, read back for the merge."""

    folder: Path
    manifest: dict[str, Any]

    @property
    def shard(self) -> Shard:
        raw = self.manifest.get("shard", {})
        return Shard(int(raw.get("index", -1)), int(raw.get("count", 0)))

    def results(self) -> dict[str, StudentResult]:
        """Its students' results (`shard_results.json`)."""
        return read_results(self.folder / SHARD_RESULTS)

    def problems(self, phase: str) -> list[Problem]:
        """Its problems of one phase: "class", "rerun" or "grade"."""
        found = self.manifest.get("problems", {}).get(phase, [])
        return [read_problem(raw) for raw in found if isinstance(raw, dict)]


def read_shard(folder: Path) -> ShardOutput:
    """A shard's output folder, or GradingError naming it and saying what is wrong."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir():
        raise GradingError(f"{folder}: there is no such folder of shard output.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise GradingError(
            f"{folder} holds no {MANIFEST}: it is not a shard's output (grade with "
            f"--shard I/N --out {folder} first)."
        ) from error
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise GradingError(f"{path} could not be read ({error}).") from error
    shard = manifest.get("shard") if isinstance(manifest, dict) else None
    if (
        not isinstance(manifest, dict)
        or manifest.get("schema") != SCHEMA
        or not isinstance(shard, dict)
        or not all(isinstance(shard.get(k), int) for k in ("index", "count"))
    ):
        raise GradingError(f"{path} is not a grading shard's manifest.")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise GradingError(
            f"{path} was written by a kit whose shard format is version "
            f"{manifest.get('schema_version')}; this kit reads version {SCHEMA_VERSION}."
        )
    if not (Path(folder) / SHARD_RESULTS).is_file():
        raise GradingError(f"{folder} has {MANIFEST} but no {SHARD_RESULTS}: grade it again.")
    return ShardOutput(Path(folder), manifest)


def check_complete(outputs: list[ShardOutput], config: GradingConfig) -> int:
    """N, when `outputs` are every shard of one class graded alike; else GradingError.

    Refused, naming the folders: shards of different splits (mixed N), a shard given twice,
    a shard missing, shards graded by another kit (or by a kit other than this one), with
    another grading configuration or other settings, or from other inputs.
    """
    first = outputs[0]
    counts = {o.shard.count for o in outputs}
    if len(counts) > 1:
        listed = ", ".join(f"{o.folder} is {o.shard}" for o in outputs)
        raise GradingError(f"these shards come from different splits ({listed}): merge one N.")
    count = first.shard.count
    by_index: dict[int, list[ShardOutput]] = {}
    for output in outputs:
        by_index.setdefault(output.shard.index, []).append(output)
    twice = {i: found for i, found in by_index.items() if len(found) > 1}
    if twice:
        index, found = sorted(twice.items())[0]
        raise GradingError(
            f"shard {index}/{count} is given twice ({', '.join(str(o.folder) for o in found)}): "
            "give each shard's folder once."
        )
    missing = [f"{i}/{count}" for i in range(count) if i not in by_index]
    if missing:
        raise GradingError(
            f"shard(s) {', '.join(missing)} missing: every one of the {count} shards is needed "
            f"(grade the missing ones with --shard, then merge all {count} folders)."
        )
    for output in outputs:
        version = output.manifest.get("kit_version")
        if version != __version__:
            raise GradingError(
                f"{output.folder} (shard {output.shard}) was graded by kit {version}, and this "
                f"is kit {__version__}: grade and merge with the same kit."
            )
    own = config_fingerprint(config)
    for output in outputs:
        if output.manifest.get("config", {}).get("sha256") != own:
            raise GradingError(
                f"{output.folder} (shard {output.shard}) was graded with another grading "
                f"configuration than {config.source}: merge with the --config the shards used, "
                "or grade them again."
            )
    for output in outputs[1:]:
        if output.manifest.get("inputs") != first.manifest.get("inputs"):
            raise GradingError(
                f"{output.folder} (shard {output.shard}) and {first.folder} (shard "
                f"{first.shard}) were graded from different inputs (other submission files, "
                "roster or deadline): grade every shard from the same files, then merge."
            )
        if output.manifest.get("settings") != first.manifest.get("settings"):
            differ = sorted(
                key
                for key in {**output.manifest.get("settings", {}), **first.manifest["settings"]}
                if output.manifest["settings"].get(key) != first.manifest["settings"].get(key)
            )
            raise GradingError(
                f"{output.folder} (shard {output.shard}) and {first.folder} (shard "
                f"{first.shard}) were graded with different settings ({', '.join(differ)}): "
                "grade every shard the same way."
            )
    return count
