"""Every committed notebook is clean: no outputs, a plain kernel, canonical JSON."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p
    for folder in ("notebooks", "exercises", "instructors", "tests/fixtures")
    for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info"}
ALLOWED_CELL_METADATA = {"tags", "editable", "deletable"}


def test_there_are_notebooks_to_check():
    assert any(p.parent.name == "notebooks" for p in NOTEBOOKS)


# What a failure most likely means, and what to do: a lab session opened the kit's own copy.
RUN_IN_PLACE = (
    "{name} holds a lab session's outputs or settings: it was opened in JupyterLab in place. "
    "Students work in my-work/, which `make lab` makes from these files. To keep what this "
    "file holds, copy it into my-work/ first; then restore the kit's copy with "
    "`git checkout -- {relative}`. Answers are safe: they live in responses/, not in notebooks."
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_committed_clean(path):
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    hint = RUN_IN_PLACE.format(name=path.name, relative=path.relative_to(ROOT).as_posix())
    metadata = nb["metadata"]
    opened_in_lab = (
        any(cell.get("outputs") or cell.get("execution_count") for cell in nb["cells"])
        or not set(metadata) <= ALLOWED_NOTEBOOK_METADATA
        or metadata.get("language_info") != {"name": "python"}
        or (metadata.get("kernelspec") or {}).get("display_name") != "Python 3"
    )
    assert not opened_in_lab, hint
    assert nb["metadata"]["kernelspec"] == {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    assert set(nb["metadata"]) <= ALLOWED_NOTEBOOK_METADATA
    assert nb["metadata"]["language_info"] == {"name": "python"}
    for cell in nb["cells"]:
        assert set(cell["metadata"]) <= ALLOWED_CELL_METADATA, cell["metadata"]
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"outputs committed in {path.name}"
            assert cell["execution_count"] is None
        assert "attachments" not in cell or not cell["attachments"]
    if (nb["nbformat"], nb["nbformat_minor"]) >= (4, 5):
        # nbformat 4.5 gives every cell an id; a cell added without one draws a warning now
        # and will be an error in later nbformat versions.
        ids = [cell.get("id") for cell in nb["cells"]]
        assert None not in ids and len(set(ids)) == len(ids), f"cell ids in {path.name}"
    canonical = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert text == canonical, f"{path.name} is not in canonical form (indent 1, sorted keys)"
