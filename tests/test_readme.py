"""The README is the front door: its links work and its notebook table is complete."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _local_targets(markdown: str) -> list[str]:
    targets = [m.group(1) for m in LINK.finditer(markdown)]
    return [t.split("#")[0] for t in targets if not re.match(r"^[a-z]+:", t) and t[0] != "#"]


def test_every_local_link_in_the_readme_points_to_a_file_that_exists():
    targets = _local_targets(README)
    assert targets, "the README should link to the kit's files"
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert missing == []


def test_the_readme_gives_the_two_commands():
    assert "make lab" in README
    assert "make test" in README


def test_every_notebook_is_in_the_readme_table():
    listed = set(re.findall(r"\(notebooks/([^)]+\.ipynb)\)", README))
    present = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert present == listed
