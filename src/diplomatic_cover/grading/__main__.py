"""`python -m diplomatic_cover.grading SUBMISSIONS --out DIR`, as `diplomatic-cover grade`."""

from __future__ import annotations

import argparse

from diplomatic_cover.grading.command import HELP, add_arguments, run_from_args


def main() -> int:
    """Parse the flags and grade."""
    parser = argparse.ArgumentParser(prog="python -m diplomatic_cover.grading", description=HELP)
    add_arguments(parser)
    return run_from_args(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
