"""What a student and an instructor do to the kit's notebook files, for the working-copy tests.

Shared by the tests of the working copy (`make lab`, `update`, `reset`), the hub's landing
route and hand-in from a working copy, so "run", "edit" and "the next upstream commit" mean
the same thing in each.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_kit(folder: Path, names: tuple[str, ...] = ("notebooks", "exercises", "data")) -> Path:
    """The repository's `names` folders copied into `folder`, laid out as in the repository."""
    for name in names:
        shutil.copytree(ROOT / name, folder / name)
    return folder


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, notebook: dict) -> None:
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def run_all(path: Path, printed: str = "ran") -> None:
    """What JupyterLab leaves after Run All and a save: outputs, counts, metadata; no cell's
    source changes."""
    notebook = read(path)
    for count, cell in enumerate(c for c in notebook["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = count + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": printed}]
        cell["metadata"]["scrolled"] = True
    notebook["metadata"].setdefault("kernelspec", {})["display_name"] = "Python 3 (ipykernel)"
    notebook["metadata"]["widgets"] = {"state": {}}
    write(path, notebook)


def edit_code(path: Path, marker: str) -> None:
    """The student's own line written at the top of the first code cell."""
    notebook = read(path)
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    cell["source"] = f"{marker}\n" + "".join(cell["source"])
    write(path, notebook)


def change_upstream(path: Path, text: str) -> None:
    """What the instructor's next commit does to a notebook: one Markdown cell more."""
    notebook = read(path)
    notebook["cells"].append({"cell_type": "markdown", "id": "upstream", "metadata": {},
                              "source": [text]})  # fmt: skip
    write(path, notebook)


def age(path: Path, seconds: float) -> None:
    """`path` last saved `seconds` ago."""
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))
