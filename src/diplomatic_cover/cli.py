"""Command line entry point: `diplomatic-cover COMMAND ...`.

The CLI only maps flags onto functions that tests can call in-process; each command's
module owns its defaults.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from diplomatic_cover._version import __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per workflow step."""
    parser = argparse.ArgumentParser(
        prog="diplomatic-cover",
        description="Tools for the Diplomatic Cover teaching kit.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    submit = sub.add_parser(
        "submit", help="build submission-<id>.zip (answers, exercises, report, manifest)"
    )
    submit.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="folder for the zip (default: submissions/ in your working copy)",
    )
    submit.add_argument(
        "--exercises",
        type=Path,
        default=None,
        help="folder of exercise notebooks to include (default: exercises/ of the working "
        "copy you are in, e.g. my-work/exercises)",
    )
    submit.add_argument(
        "--local",
        action="store_true",
        help="on a JupyterHub: only build the file, do not hand it in to the course service",
    )
    submit.add_argument(
        "--verify",
        type=Path,
        metavar="FILE",
        default=None,
        help="check a submission file against its manifest instead of building one",
    )
    build = sub.add_parser(
        "build-exercises",
        help="build the student copies in exercises/ from the sources in instructors/exercises/",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="only check that the committed student copies match a fresh build",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="overwrite student copies in exercises/ that were changed since they were committed",
    )

    release = sub.add_parser(
        "release", help="build the class copy of the kit (no instructors' material, no answers)"
    )
    release.add_argument(
        "--out",
        type=Path,
        required=True,
        help="an empty or new folder (with --with-key: the class copy built earlier)",
    )
    release.add_argument(
        "--with-key",
        nargs="+",
        metavar="NOTEBOOK",
        help="after the deadline: write these notebooks' answer keys (01, ex4, or full names) "
        "into the class copy in --out, so students see the model answers",
    )
    release.add_argument(
        "--allow-modified",
        action="append",
        default=[],
        metavar="NAME",
        help="release this guided notebook although it differs from its committed version "
        "(e.g. 05_expulsion_record; repeatable)",
    )

    from diplomatic_cover.grading.command import HELP as GRADE_HELP
    from diplomatic_cover.grading.command import add_arguments as add_grade_arguments

    add_grade_arguments(sub.add_parser("grade", help=GRADE_HELP))
    from diplomatic_cover.grading.command import MERGE_HELP, add_merge_arguments

    add_merge_arguments(sub.add_parser("merge-grades", help=MERGE_HELP))
    return parser


INSTRUCTOR_ONLY = (
    "'{command}' is a command for instructors: run it from the open kit (the full "
    "repository), not from the class copy."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "submit":
        from diplomatic_cover.handin.submission import cli_submit, cli_verify

        if args.verify:
            return cli_verify(args.verify)
        return cli_submit(out_dir=args.out_dir, exercises_dir=args.exercises, send=not args.local)
    if args.command == "grade":
        from diplomatic_cover.grading.command import run_from_args

        return run_from_args(args)
    if args.command == "merge-grades":
        from diplomatic_cover.grading.command import run_merge_from_args

        return run_merge_from_args(args)
    try:
        if args.command == "build-exercises":
            from diplomatic_cover.instructor.authoring import main as build_main

            return build_main(check=args.check, force=args.force)
        if args.command == "release":
            from diplomatic_cover.instructor.release import main as release_main

            return release_main(
                out=args.out, with_key=args.with_key, allow_modified=args.allow_modified
            )
    except ModuleNotFoundError as error:
        # The class copy leaves out the whole instructor package (see instructor/release.py).
        if error.name not in (
            "diplomatic_cover.instructor",
            "diplomatic_cover.instructor.authoring",
            "diplomatic_cover.instructor.release",
        ):
            raise
        print(INSTRUCTOR_ONLY.format(command=args.command), file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
