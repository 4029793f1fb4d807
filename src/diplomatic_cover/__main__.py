"""`python -m diplomatic_cover COMMAND`: the students' commands, and the `diplomatic-cover` ones.

`lab`, `update` and `reset` work on the student's working copy (`setup/lab.py`); they are
here, rather than only behind `make`, for students without `make` (Windows). Every other
command is the `diplomatic-cover` command line (`cli.py`), so `python -m diplomatic_cover
submit` works where the console script is not on the PATH.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

WORKING_COPY_COMMANDS = ("lab", "update", "reset")


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the working-copy commands or the command line; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in WORKING_COPY_COMMANDS:
        from diplomatic_cover.setup.lab import main as lab_main

        return lab_main(args)
    from diplomatic_cover.cli import main as cli_main

    if not args:
        print(
            "Students: python -m diplomatic_cover lab (open your working copy in JupyterLab), "
            "update, reset NOTEBOOK.",
            file=sys.stderr,
        )
    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
