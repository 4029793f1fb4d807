"""`python -m diplomatic_cover lab | update | reset`: the student's commands for the working copy.

`lab` is what `make lab` runs once the environment is installed, and what a student without
`make` (Windows) runs directly: it sets up the environment's save hook, makes or updates the
working copy (`setup/workcopy.py`) and starts JupyterLab in it, on 127.0.0.1, on notebook 00.
`update` only updates the working copy (after a `git pull`, or on a hub after nbgitpuller
pulled); `reset NOTEBOOK` puts one notebook back to the kit's version.

The kit folder (where the tracked notebooks are) is `--source`, else the folder the working
copy around the current folder was made from, else the folder of an editable install, else
the first folder at or above the current one laid out like the kit.
The working copy is `--work`, else the working copy the current folder is in (on a hub,
`~/my-work`, which the class link made from the pulled copy), else `my-work/` in the kit folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from diplomatic_cover import paths
from diplomatic_cover.safe_files import StoreError
from diplomatic_cover.setup.workcopy import (
    COPIED,
    NEW,
    WorkingCopyError,
    describe,
    read_manifest,
    reset,
    sync,
)

FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"


class _Usage(Exception):
    """Bad arguments or a kit folder that cannot be found; the message says what to do."""


def find_source(start: Path | None = None) -> Path:
    """The kit folder holding the tracked notebooks (see the module's docstring)."""
    here = Path(start) if start is not None else Path.cwd()
    # Inside a working copy, the folder it was made from (on a hub, the pulled class copy).
    copy = _marked_copy(here)
    if copy is not None:
        recorded = read_manifest(copy).get("source")
        if recorded and (Path(recorded) / "notebooks").is_dir():
            return Path(recorded)
    root = paths.kit_root()
    if root is not None and (root / "exercises").is_dir():
        return root
    for folder in (here, *here.parents):
        if (folder / paths.WORK_MARKER).is_file():
            continue
        if (folder / "notebooks").is_dir() and (folder / "exercises").is_dir():
            return folder
    raise _Usage(
        "No kit folder found here: run this from the kit's folder (the one with notebooks/ "
        "and exercises/), or name it with --source."
    )


def _marked_copy(start: Path) -> Path | None:
    """The working copy (the folder holding `paths.WORK_MARKER`) `start` is in, if any."""
    for folder in (start, *start.parents):
        if (folder / paths.WORK_MARKER).is_file():
            return folder
    return None


def _folders(args: argparse.Namespace) -> tuple[Path, Path]:
    """The kit folder and the working copy: run inside a working copy, that one (on a hub,
    `~/my-work`, made from the pulled copy), else `my-work/` in the kit folder."""
    source = Path(args.source).resolve() if args.source else find_source()
    if args.work:
        return source, Path(args.work).resolve()
    here = _marked_copy(Path.cwd().resolve())
    if here is not None and here != source:
        return source, here
    return source, source / paths.WORK_DIR


def lab_command(work: Path, port: int, extra: Sequence[str]) -> list[str]:
    """The `jupyter lab` command line: local address only, served from the working copy."""
    command = [
        sys.executable, "-m", "jupyterlab", "--ip=127.0.0.1", f"--port={port}",
        f"--ServerApp.root_dir={work}",
    ]  # fmt: skip
    # JupyterLab refuses to run as root unless told; containers and CI machines are root.
    if getattr(os, "geteuid", lambda: 1)() == 0 and "--allow-root" not in extra:
        command.append("--allow-root")
    return [*command, *extra, FIRST_NOTEBOOK]


def _prepare_environment() -> None:
    """The save hook and the slow-package removal of `python -m diplomatic_cover.setup_env`."""
    from diplomatic_cover.setup.env import install_save_hook, remove_slow_packages

    try:
        install_save_hook()
    except OSError as error:  # a read-only environment (a hub image) is set up by its admin
        print(f"(The save hook could not be written: {error.strerror or error}.)")
    remove_slow_packages()


def _update(source: Path, work: Path) -> None:
    outcomes = sync(source, work)
    lines = describe(outcomes, work)
    print(f"Your working copy: {work}")
    if len(outcomes) > 1 and all(o.action == NEW for o in outcomes):
        lines = [f"Made it: {len(outcomes)} files copied from the kit's {', '.join(COPIED)}"]
    for line in lines:
        print(f"  {line}")
    if not lines:
        print("  (nothing new from the kit)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m diplomatic_cover",
        description="Open the kit in JupyterLab from your own working copy.",
        allow_abbrev=False,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    lab = sub.add_parser(
        "lab",
        help="update your working copy and open it in JupyterLab (what `make lab` does)",
        description="Other options (for example --no-browser) are passed to JupyterLab.",
        allow_abbrev=False,
    )
    lab.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1 (default 8888)")
    sub.add_parser("update", help="copy the kit's new and changed notebooks into your working copy")
    reset_parser = sub.add_parser(
        "reset", help="put one notebook back to the kit's version (your answers are kept)"
    )
    reset_parser.add_argument(
        "notebook", help='for example "ex3_capacity" or "05_expulsion_record"'
    )
    for command in sub.choices.values():
        command.add_argument("--source", help="the kit's folder (default: found from here)")
        command.add_argument("--work", help="the working copy (default: my-work/ in the kit)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `lab`, `update` or `reset`; return the exit code."""
    args, extra = _parser().parse_known_args(argv)
    if extra and args.command != "lab":
        _parser().error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        source, work = _folders(args)
        if args.command == "reset":
            outcome = reset(source, work, args.notebook)
            print(*describe([outcome], work))
            print("Your answers are unchanged (they are saved outside the notebooks).")
            return 0
        if args.command == "lab":
            _prepare_environment()
        _update(source, work)
    except (_Usage, WorkingCopyError, StoreError, OSError) as error:
        print(f"python -m diplomatic_cover {args.command}: {error}", file=sys.stderr)
        return 1
    if args.command != "lab":
        return 0
    command = lab_command(work, args.port, extra)
    print("Starting JupyterLab:", " ".join(command), flush=True)
    try:
        return subprocess.call(command, cwd=work)
    except KeyboardInterrupt:
        return 0
