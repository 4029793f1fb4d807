"""The `grade` and `merge-grades` commands' flags, defined once for `cli.py` (and, for
`grade`, `python -m diplomatic_cover.grading`).

`cli.py` adds a `grade` sub-command with `add_arguments(sub.add_parser("grade", ...))` and
runs it with `run_from_args(args)`, and `merge-grades` likewise with `add_merge_arguments`
and `run_merge_from_args`; this module imports nothing heavy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diplomatic_cover.grading.ingest import UploadSource

HELP = "grade a folder of submissions (or an LMS bulk download) into gradebook files"
MERGE_HELP = "merge the output folders of `grade --shard I/N` into one gradebook"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `grade` flags to `parser`."""
    parser.add_argument(
        "submissions",
        type=Path,
        nargs="?",
        metavar="SUBMISSIONS",
        help="folder of submission-<id>.zip files, a Canvas or Moodle bulk download (folder "
        "or zip), the hub course service's storage folder, or a single submission file "
        "(merged into the earlier grades in --out)",
    )
    parser.add_argument(
        "--from-hub",
        metavar="URL",
        help="grade everyone's newest hand-in from this hub's course service (instead of "
        "SUBMISSIONS); needs an instructor's hub token",
    )
    parser.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="with --from-hub: a file holding your hub API token (default: $JUPYTERHUB_API_TOKEN)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for grades and feedback"
    )
    parser.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="CSV with kit_id and any of lms_id, name, section, sis_user_id, sis_login_id, "
        "hub_user, deadline",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="grading configuration (default: instructors/grading.toml)",
    )
    parser.add_argument(
        "--execute",
        action="store_true",
        help="re-run each submission's exercise notebooks in a sandbox of its own and grade "
        "what they produce (for grades that matter; Linux, as root, with bubblewrap)",
    )
    parser.add_argument(
        "--no-isolation",
        action="store_true",
        help="with --execute where no sandbox can be built: re-run students' code without "
        "one (it could change grades; those rows are marked unisolated)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="ID",
        help="grade only this student (kit id or LMS id; repeatable); merged into the "
        "earlier grades in --out",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="submissions re-run at once (default: the number of cores)",
    )
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time limit per cell under --execute (default 30)",
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=2048,
        metavar="MB",
        help="memory limit of each submission's re-run, all its processes together (default 2048)",
    )
    parser.add_argument(
        "--deadline",
        metavar="WHEN",
        help="the class's deadline (2026-12-10T23:59, local time, or with +01:00): rows "
        "uploaded after it, or after the roster's own deadline for that student, are marked late",
    )
    parser.add_argument("--course", default="", help="course name shown on feedback pages")
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="score widget answers by the answer key's current rules even where the earlier "
        "grades in --out used older ones (by default those scores are kept as they were)",
    )
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="grade only shard I of N (I counts from 0): every file is read, only the "
        "accounts of this shard are graded, and --out gets a shard's output for merge-grades",
    )


def run_from_args(args: argparse.Namespace) -> int:
    """Run `grade` with parsed flags; the exit code."""
    from diplomatic_cover.hub.inbox import HubAccessError, grading_source

    try:  # a hub's hand-ins (downloaded, or its storage folder), else the path itself
        opened = grading_source(args.submissions, args.from_hub, args.token_file)
    except HubAccessError as error:
        print(f"diplomatic-cover grade: {error} Nothing was graded.", file=sys.stderr)
        return 1
    with opened as submissions:
        return _grade(submissions, args)


def _grade(submissions: Path | UploadSource, args: argparse.Namespace) -> int:
    from diplomatic_cover.grading.run import cli_grade

    return cli_grade(
        shard=args.shard,
        submissions=submissions,
        out=args.out,
        roster=args.roster,
        config=args.config,
        execute=args.execute,
        only=args.only,
        jobs=args.jobs,
        cell_timeout=args.cell_timeout,
        memory_mb=args.memory_mb,
        no_isolation=args.no_isolation,
        deadline=args.deadline,
        course=args.course,
        rescore=args.rescore,
    )


def add_merge_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `merge-grades` flags to `parser`."""
    parser.add_argument(
        "shards",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="every shard's --out folder (grade --shard 0/N ... N-1/N), each once",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for grades and feedback"
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the grading configuration the shards used (default: instructors/grading.toml)",
    )
    parser.add_argument("--course", default="", help="course name shown on feedback pages")
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="merge into a folder whose earlier grades used older scoring rules",
    )


def run_merge_from_args(args: argparse.Namespace) -> int:
    """Run `merge-grades` with parsed flags; the exit code."""
    from diplomatic_cover.grading.merge import cli_merge

    return cli_merge(
        folders=args.shards,
        out=args.out,
        config=args.config,
        course=args.course,
        rescore=args.rescore,
    )
