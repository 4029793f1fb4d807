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
    where = submit.add_mutually_exclusive_group()
    where.add_argument(
        "--exercises",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of exercise notebooks to include (default: exercises/ of the working "
        "copy you are in, e.g. my-work/exercises)",
    )
    where.add_argument(
        "--answers-only",
        action="store_true",
        help="hand in your answers without exercise notebooks (outside a working copy the "
        "command refuses unless given this or --exercises)",
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
    _add_hub_commands(sub)
    return parser


def _add_hub_commands(sub: argparse._SubParsersAction) -> None:
    """`link` and `return-feedback`: handing the class copy out and feedback back."""
    link = sub.add_parser(
        "link", help="print the nbgitpuller link that pulls the class copy into each student's hub"
    )
    link.add_argument("--hub", required=True, metavar="URL", help="the hub students sign in to")
    link.add_argument(
        "--repo", required=True, metavar="URL", help="the class copy's git repository"
    )
    link.add_argument("--branch", default="", help="its branch (default: the repository's own)")
    link.add_argument(
        "--path",
        default="notebooks/00_start_here.ipynb",
        metavar="FILE",
        help="the notebook to open, inside the repository (default: %(default)s)",
    )
    back = sub.add_parser(
        "return-feedback",
        help="send each student their feedback page and scores: to the hub's course service, "
        "or as Moodle's feedback zip or Canvas's re-upload files",
    )
    back.add_argument(
        "--grades", type=Path, required=True, metavar="DIR", help="the folder grade --out wrote"
    )
    where = back.add_mutually_exclusive_group(required=True)
    where.add_argument("--hub", metavar="URL", help="the hub whose course service gets them")
    where.add_argument(
        "--moodle-zip", type=Path, metavar="FILE", help="write Moodle's 'upload feedback files' zip"
    )
    where.add_argument(
        "--canvas-dir", type=Path, metavar="DIR", help="write files named for Canvas's re-upload"
    )
    back.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="CSV with kit_id and hub_user (hub) or lms_id (Moodle participant id)",
    )
    back.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="a file holding your hub API token (default: $JUPYTERHUB_API_TOKEN)",
    )
    back.add_argument(
        "--only", action="append", metavar="ID", help="only this student (kit id; repeatable)"
    )
    back.add_argument(
        "--dry-run", action="store_true", help="list what would go where; send and write nothing"
    )


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
        return cli_submit(
            out_dir=args.out_dir,
            exercises_dir=args.exercises,
            answers_only=args.answers_only,
            send=not args.local,
        )
    if args.command == "grade":
        from diplomatic_cover.grading.command import run_from_args

        return run_from_args(args)
    if args.command == "merge-grades":
        from diplomatic_cover.grading.command import run_merge_from_args

        return run_merge_from_args(args)
    if args.command == "link":
        from diplomatic_cover.hub.link import main as link_main

        return link_main(hub=args.hub, repo=args.repo, branch=args.branch, path=args.path)
    try:
        if args.command == "build-exercises":
            from diplomatic_cover.instructor.authoring import main as build_main

            return build_main(check=args.check, force=args.force)
        if args.command == "release":
            from diplomatic_cover.instructor.release import main as release_main

            return release_main(
                out=args.out, with_key=args.with_key, allow_modified=args.allow_modified
            )
        if args.command == "return-feedback":
            from diplomatic_cover.instructor.feedback_return import main as return_main

            return return_main(
                grades=args.grades, hub=args.hub, moodle_zip=args.moodle_zip,
                canvas_dir=args.canvas_dir, roster=args.roster, token_file=args.token_file,
                only=args.only, dry_run=args.dry_run,
            )  # fmt: skip
    except ModuleNotFoundError as error:
        # The class copy leaves out the whole instructor package (see instructor/release.py).
        if error.name not in (
            "diplomatic_cover.instructor",
            "diplomatic_cover.instructor.authoring",
            "diplomatic_cover.instructor.release",
            "diplomatic_cover.instructor.feedback_return",
        ):
            raise
        print(INSTRUCTOR_ONLY.format(command=args.command), file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
