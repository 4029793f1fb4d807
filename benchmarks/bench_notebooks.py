"""How long each notebook takes to run top to bottom in a fresh kernel on this machine.

For each notebook in notebooks/ and exercises/ it starts a kernel, runs every cell (as
Run → Run All Cells does), and reports the wall time of the cells and the kernel's CPU time
(its own process time, read in an extra last cell; it includes the kernel's start-up imports).
Answers go to a temporary store. The kit's target: under 10 s of kernel time per notebook.

Run: .venv/bin/python benchmarks/bench_notebooks.py [PATH ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path) -> tuple[float, float]:
    """(wall seconds for the notebook's cells, kernel CPU seconds at the end)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time as _t; print(_t.process_time())"))
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    cpu = float(nb.cells[-1].outputs[0]["text"].strip())
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.paths or sorted(
        [*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "exercises").glob("*.ipynb")]
    )
    with tempfile.TemporaryDirectory(prefix="bench-nb-") as store:
        os.environ["DIPLOMATIC_COVER_RESPONSES"] = str(Path(store) / "responses")
        print(f"{'notebook':48} {'wall (s)':>9} {'kernel CPU (s)':>15}")
        worst = 0.0
        for path in (p.resolve() for p in paths):
            wall, cpu = run(path)
            worst = max(worst, cpu)
            print(f"{path.relative_to(ROOT).as_posix():48} {wall:9.2f} {cpu:15.2f}")
        print(f"worst kernel CPU time: {worst:.2f} s (target: under 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
