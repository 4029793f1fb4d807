"""The first `make lab` in a fresh clone, until JupyterLab answers; then the second.

A student's first `make lab` creates the virtual environment and installs the kit and its
libraries, then starts JupyterLab. Each run here clones this repository's last commit into a
temporary folder, with empty pip and uv caches (so every download counts, as on a new
laptop), runs `make lab` with `--no-browser`, and times it until `/api/status` answers 200.
Installers: uv, the Makefile's default (`uv`), and pip alone (`USE_UV=no`, the fallback).

    .venv/bin/python benchmarks/bench_first_lab.py            # both, uv first
    .venv/bin/python benchmarks/bench_first_lab.py --installer pip

Downloads dominate, so the figures depend on the network as much as on the machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-first-lab"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def time_make_lab(clone: Path, installer: str, scratch: Path) -> float:
    """Seconds from `make lab` to JupyterLab answering; the server is stopped after."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        PIP_CACHE_DIR=str(scratch / "pip-cache"),
        UV_CACHE_DIR=str(scratch / "uv-cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
        DIPLOMATIC_COVER_RESPONSES=str(scratch / "responses"),
    )
    flags = f"--no-browser --ServerApp.token={TOKEN} --ServerApp.port_retries=0"
    command = ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"]
    if installer == "pip":
        command.append("USE_UV=no")
    log = (scratch / f"make-lab-{installer}-{port}.log").open("wb")
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=clone, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    try:
        while not _answering(f"http://127.0.0.1:{port}/api/status?token={TOKEN}"):
            if process.poll() is not None:
                raise RuntimeError(f"make lab exited early; see {log.name} in {scratch}")
            time.sleep(0.2)
        return time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def measure(installer: str) -> tuple[float, float]:
    """(first, second) `make lab` times for one installer in a fresh clone."""
    with tempfile.TemporaryDirectory(prefix=f"dc-first-lab-{installer}-") as folder:
        scratch = Path(folder)
        clone = scratch / "kit"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        first = time_make_lab(clone, installer, scratch)
        second = time_make_lab(clone, installer, scratch)
        return first, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installer", choices=("uv", "pip", "both"), default="both")
    args = parser.parse_args()
    installers = ("uv", "pip") if args.installer == "both" else (args.installer,)
    print(f"{os.cpu_count()} CPUs; fresh clone of {ROOT} at its last commit; empty caches")
    for installer in installers:
        first, second = measure(installer)
        label = "uv (default)" if installer == "uv" else "pip (USE_UV=no)"
        print(f"{label:16} first make lab {first:6.1f} s   second {second:5.1f} s")


if __name__ == "__main__":
    main()
