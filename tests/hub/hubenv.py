"""The Python environment the test hub, its service and every student's server run from.

The machine's default python lives under /root (mode 0700), which the test's Linux users
cannot enter, so this environment is built from Debian's /usr/bin/python3 under /opt, where
every user can read and run it. Building it installs JupyterHub, nbgitpuller and the kit's own
libraries (pandas, matplotlib, JupyterLab), which takes a few minutes, so it is cached: the
folder's name is a hash of the Python version and the requirement list, and a second run with
the same requirements finds it ready. The kit's code itself is not installed here; each test
session puts a fresh copy on PYTHONPATH, so editing the kit never forces a rebuild.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE_PYTHON = Path("/usr/bin/python3")
CACHE = Path(os.environ.get("DIPLOMATIC_COVER_HUB_ENV_CACHE", "/opt/diplomatic-cover-hub-env"))
# Single-user servers pull the class copy with nbgitpuller; the hub side needs only the extra.
SERVER_SIDE = ["nbgitpuller>=1.2,<2"]


def requirements() -> list[str]:
    """The kit's run-time libraries, its `hub` extra and what a student's server needs.

    `DIPLOMATIC_COVER_HUB_REQUIREMENT` (e.g. "jupyterhub==5.5.*") replaces the extra's
    JupyterHub bound, to run the hub tests against the version a deployment uses.
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    hub_side = project["optional-dependencies"]["hub"]
    override = os.environ.get("DIPLOMATIC_COVER_HUB_REQUIREMENT", "").strip()
    if override:
        hub_side = [r for r in hub_side if not r.startswith("jupyterhub")] + [override]
    wanted = [*project["dependencies"], *hub_side, *SERVER_SIDE]
    return sorted(set(wanted))


def _key(wanted: list[str]) -> str:
    version = subprocess.run(
        [str(BASE_PYTHON), "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return hashlib.sha256("\n".join([version, *wanted]).encode()).hexdigest()[:16]


def ensure_environment(log: list[str] | None = None) -> Path:
    """Return a ready environment for the current requirements, building it if needed.

    A lock file keeps two test runs from building the same folder at once, and a marker file
    written last means a build that crashed half-way is started again, never used.
    """
    if not BASE_PYTHON.exists():
        raise RuntimeError(f"{BASE_PYTHON} is missing: apt-get install python3 python3-venv")
    wanted = requirements()
    target = CACHE / _key(wanted)
    marker = target / ".complete"
    if marker.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    CACHE.chmod(0o755)
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return target
        started = time.monotonic()
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run([str(BASE_PYTHON), "-m", "venv", str(target)], check=True)
        pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, *wanted], check=True)
        os.chmod(target, 0o755)
        marker.write_text("\n".join(wanted) + "\n")
        if log is not None:
            log.append(f"built {target} in {time.monotonic() - started:.0f} s")
        for stale in CACHE.iterdir():
            if stale.name not in (target.name, ".lock"):
                shutil.rmtree(stale, ignore_errors=True)
    return target


PROXY_VERSION = "5.3.0"
PROXY_CACHE = Path("/opt/diplomatic-cover-chp")


def ensure_proxy() -> Path:
    """Return JupyterHub's proxy, configurable-http-proxy, installing it from npm if needed.

    `.ci/run` installs it globally; on a developer's machine without it, it goes into a
    cached folder (about 10 s once). Version 5.3 asks for Node 22 but runs on Node 20.
    """
    found = shutil.which("configurable-http-proxy")
    if found:
        return Path(found)
    binary = PROXY_CACHE / PROXY_VERSION / "node_modules" / ".bin" / "configurable-http-proxy"
    if not binary.exists():
        if not shutil.which("npm"):
            raise RuntimeError("npm is missing: apt-get install nodejs npm")
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(binary.parents[2]),
                "--no-save",
                f"configurable-http-proxy@{PROXY_VERSION}",
            ],
            check=True,
            capture_output=True,
        )
        for folder in (PROXY_CACHE, *binary.parents[:3]):
            folder.chmod(0o755)
    return binary


if __name__ == "__main__":
    started = time.monotonic()
    print(ensure_environment(), f"{time.monotonic() - started:.0f} s")
