"""How long a student waits: importing the kit, and a fresh kernel's first cell.

Run: .venv/bin/python benchmarks/bench_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def time_import(repeat: int) -> list[float]:
    """Seconds for `python -c 'import diplomatic_cover'`, minus a bare interpreter start."""

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare = statistics.median(run("pass") for _ in range(repeat))
    return [run("import diplomatic_cover") - bare for _ in range(repeat)]


def time_first_cell(repeat: int) -> list[tuple[float, float]]:
    """(kernel ready, first cell done) in seconds for a fresh ipykernel, `repeat` times."""
    from jupyter_client.manager import start_new_kernel

    results = []
    for _ in range(repeat):
        start = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3")
        ready = time.perf_counter() - start
        try:
            cell_start = time.perf_counter()
            client.execute_interactive(
                "import diplomatic_cover as dc\ndc.check_setup()",
                timeout=60,
                output_hook=lambda m: None,
            )
            results.append((ready, time.perf_counter() - cell_start))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    imports = time_import(args.repeat)
    print(f"import diplomatic_cover (beyond bare python start), {args.repeat} runs:")
    print(
        f"  median {statistics.median(imports) * 1000:.0f} ms, worst {max(imports) * 1000:.0f} ms"
    )

    cells = time_first_cell(args.repeat)
    ready = [r for r, _ in cells]
    first = [c for _, c in cells]
    print(f"fresh kernel, {args.repeat} runs:")
    print(f"  kernel ready: median {statistics.median(ready):.2f} s, worst {max(ready):.2f} s")
    print(
        "  first cell (import kit + check_setup): "
        f"median {statistics.median(first) * 1000:.0f} ms, worst {max(first) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
