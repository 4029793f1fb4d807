"""Command line entry point: `diplomatic-cover COMMAND ...`.

The CLI only maps flags onto functions that tests can call in-process.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from diplomatic_cover._version import __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per workflow step."""
    parser = argparse.ArgumentParser(
        prog="diplomatic-cover",
        description="Tools for the Diplomatic Cover teaching kit.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
