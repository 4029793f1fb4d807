"""Grading in shards on one machine: 1 shard against 2 shards at once, and the merge's cost.

The classes are `bench_grading.py`'s (built with the kit's API; under --execute the
instructors' solutions with mistakes swapped in, and one notebook that loops forever). Every
run is the real command line in a fresh interpreter. Cores are kept equal: the single run
re-runs with `--jobs 2`, each of the two shards with `--jobs 1`, both shards started at the
same time. The merged gradebook is checked against the single run's (grades.csv,
results.json, canvas_import.csv byte for byte).

    .venv/bin/python benchmarks/bench_shards.py                     # 200 --execute, 300 fast
    .venv/bin/python benchmarks/bench_shards.py --execute-students 0 --students 300
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench_grading import build_class

ROOT = Path(__file__).resolve().parents[1]
SAME = ("grades.csv", "results.json", "canvas_import.csv")


def cli() -> list[str]:
    script = Path(sys.executable).parent / "diplomatic-cover"
    return [str(script)] if script.exists() else [sys.executable, "-m", "diplomatic_cover.cli"]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def timed(*commands: list[str]) -> tuple[float, list[float]]:
    """Start every command at once; (wall seconds until the last ends, each one's own seconds).

    Each process is reaped by its own thread, so a shard that ends first is timed when it
    ends, not when an earlier-listed slower shard has been waited for."""
    started = time.monotonic()
    running = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for c in commands
    ]
    ends: list[float] = [0.0] * len(running)
    outputs: list[str] = [""] * len(running)

    def reap(index: int) -> None:
        outputs[index], _ = running[index].communicate()
        ends[index] = time.monotonic() - started

    threads = [threading.Thread(target=reap, args=(i,)) for i in range(len(running))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for process, out in zip(running, outputs, strict=True):
        if process.returncode != 0:
            raise SystemExit(f"failed: {process.args}\n{out}")
    return time.monotonic() - started, ends


def compare(single: Path, merged: Path) -> str:
    differ = [n for n in SAME if (single / n).read_bytes() != (merged / n).read_bytes()]
    return "identical" if not differ else "DIFFERENT: " + ", ".join(differ)


def measure(folder: Path, students: int, execute: bool) -> None:
    t0 = time.monotonic()
    build_class(folder, students, execute=execute)
    print(f"built {students} submissions in {time.monotonic() - t0:.0f} s", flush=True)
    subs = str(folder / "submissions")
    flags = ["--execute"] if execute else []
    label = "EXECUTE" if execute else "FAST"
    print(f"[{label}] before: {uptime()}", flush=True)
    one, _ = timed([*cli(), "grade", subs, *flags, "--jobs", "2", "--out", str(folder / "one")])
    print(f"[{label}] 1 shard, --jobs 2: {one:.1f} s ({uptime()})", flush=True)
    shards = [folder / f"shard-{i}" for i in range(2)]
    both, each = timed(
        *[
            [*cli(), "grade", subs, *flags, "--jobs", "1", "--shard", f"{i}/2", "--out", str(out)]
            for i, out in enumerate(shards)
        ]
    )
    print(
        f"[{label}] 2 shards at once, --jobs 1 each: {both:.1f} s until both ended "
        f"(shard 0 {each[0]:.1f} s, shard 1 {each[1]:.1f} s) ({uptime()})",
        flush=True,
    )
    merge, _ = timed([*cli(), "merge-grades", *map(str, shards), "--out", str(folder / "merged")])
    total = both + merge
    print(
        f"[{label}] merge of the 2 shards: {merge:.1f} s; shards + merge {total:.1f} s against "
        f"{one:.1f} s for one run ({100 * (total - one) / one:+.0f} %); merged gradebook "
        f"{compare(folder / 'one', folder / 'merged')} to the single run's ({', '.join(SAME)})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute-students", type=int, default=200)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "shards")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    print(f"{os.cpu_count()} cores; {uptime()}", flush=True)
    if args.students:
        measure(args.work / "fast", args.students, execute=False)
    if args.execute_students:
        measure(args.work / "execute", args.execute_students, execute=True)


if __name__ == "__main__":
    main()
