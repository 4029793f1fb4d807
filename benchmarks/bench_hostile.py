"""Grading the hostile corpus: peak memory and time, whole and attack by attack.

The corpus is the test suite's (`tests/grading/hostile/corpus.py`): a Canvas download with
honest students among every attack of review-security.md (forged names, a zip named like a
classmate's file, one upload with three students, copied documents, an answer stored as
text, a date in the year 1, control characters, a scripted report.html, four 60 MB JSON
bombs, one upload of three more, a 38 KB zip of zips with 65,536 leaves of 65 MB, and
eight 60 MB notebooks). Each run is `python -m diplomatic_cover.grading` in a fresh
interpreter; peak memory is the child's own maximum resident set (VmHWM), start-up included.

    .venv/bin/python benchmarks/bench_hostile.py
    .venv/bin/python benchmarks/bench_hostile.py --rounds 3      # median of three

The review measured, on the grader before this work: one JSON bomb 1.70 GB, four 6.14 GB,
one upload of three 4.66 GB; the 4.5 KB zip of zips 70 s, the 38 KB one about 5 hours
(projected; killed at 60 s); eight 60 MB notebooks 688 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.grading.hostile.corpus import (  # noqa: E402
    build_corpus,
    canvas_name,
    json_bomb,
    nested_bomb,
)
from tests.grading.hostile.limited import grade_limited  # noqa: E402


def grade_child(submissions: Path, out: Path, roster: Path | None = None) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one fresh-interpreter grading run.

    The peak is the child's own VmHWM, read as it ends (a fork of this script would report
    this script's memory, which built the corpus).
    """
    shutil.rmtree(out, ignore_errors=True)
    run = grade_limited(address_space_mb=64 * 1024, submissions=submissions, out=out, roster=roster)
    return run.seconds, run.peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "hostile")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}", flush=True)
    started = time.monotonic()
    corpus = build_corpus(args.work / "corpus")
    files = sorted(corpus.folder.iterdir())
    size = sum(p.stat().st_size for p in files)
    print(f"built the corpus in {time.monotonic() - started:.0f} s: {len(files)} files, "
          f"{size / 1e6:.1f} MB on disk", flush=True)  # fmt: skip

    one_bomb = args.work / "one-bomb"
    one_bomb.mkdir(parents=True)
    shutil.copy(json_bomb(args.work / "b", "bomb"), one_bomb / canvas_name("b", 1, 1, "b.zip"))
    nested = args.work / "nested"
    nested_bomb(nested / canvas_name("z", 2, 2, "42.zip"))
    cases = {
        "whole hostile corpus, with roster": (corpus.folder, corpus.roster),
        "one JSON bomb (60 MB in a 70 KB zip)": (one_bomb, None),
        "38 KB zip of zips (16 x 4 levels)": (nested, None),
    }
    walls: dict[str, list[float]] = {label: [] for label in cases}
    peaks: dict[str, list[float]] = {label: [] for label in cases}
    for number in range(args.rounds):
        for label, (folder, roster) in cases.items():
            wall, peak = grade_child(folder, args.work / "out", roster)
            walls[label].append(wall)
            peaks[label].append(peak)
            print(f"  round {number + 1}: {label}: {wall:.2f} s, {peak:.0f} MB "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    print(f"\n{'input':42} {'wall s':>8} {'peak MB':>8}  (fresh interpreter, median)")
    for label in cases:
        print(f"{label:42} {statistics.median(walls[label]):8.2f} "
              f"{statistics.median(peaks[label]):8.0f}")  # fmt: skip
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this script, which built the corpus: {own:.0f} MB)")


if __name__ == "__main__":
    main()
