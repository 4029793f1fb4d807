"""`make lab` is the students' one command: it must start JupyterLab, and start it again
without reinstalling anything."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.labserver import TOKEN, free_port, lab_environment, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _start_make_lab(home: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = home / f"make-lab-{port}.log"
    flags = f"--no-browser --ServerApp.token={TOKEN} --ServerApp.port_retries=0"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"],
            cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
            env=lab_environment(home), start_new_session=True,
        )  # fmt: skip
    return process, log


@pytest.mark.slow
def test_make_lab_serves_jupyterlab_twice_without_reinstalling(tmp_path):
    # The environment is already installed by `make test`; make must agree it is up to date.
    up_to_date = subprocess.run(["make", "--question", ".venv/.installed"], cwd=ROOT)
    assert up_to_date.returncode == 0, "make would reinstall although nothing changed"

    for attempt in (1, 2):
        port = free_port()
        process, log = _start_make_lab(tmp_path, port)
        try:
            wait_until_answering(f"http://127.0.0.1:{port}/lab?token={TOKEN}", process, log)
        finally:
            stop(process)
        output = log.read_text()
        assert "pip install" not in output, f"run {attempt} reinstalled:\n{output}"
        assert "jupyter lab" in output or "jupyterlab" in output.lower()
        if os.geteuid() == 0:
            assert "--allow-root" in output
