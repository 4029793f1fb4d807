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
        help="folder for the zip (default: submissions/ in the kit, else the current folder)",
    )
    submit.add_argument(
        "--exercises",
        type=Path,
        default=None,
        help="folder of exercise notebooks to include (default: exercises/ in the kit)",
    )
    submit.add_argument(
        "--verify",
        type=Path,
        metavar="FILE",
        default=None,
        help="check a submission file against its manifest instead of building one",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "submit":
        from diplomatic_cover.submit import cli_submit, cli_verify

        if args.verify:
            return cli_verify(args.verify)
        return cli_submit(out_dir=args.out_dir, exercises_dir=args.exercises)
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
