"""No Markdown file of the kit links to a file that does not exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("instructors/**", "data", "notebooks", "exercises", "benchmarks", "readings")
FILES = sorted({*ROOT.glob("*.md"), *(p for f in FOLDERS for p in ROOT.glob(f"{f}/*.md"))})
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_local_links_resolve(path):
    text = re.sub(r"`[^`\n]*`", "", path.read_text(encoding="utf-8"))  # code is not a link
    targets = [m.group(1).split("#")[0] for m in LINK.finditer(text)]
    local = [t for t in targets if t and not re.match(r"^[a-z]+:", t)]
    missing = [t for t in local if not (path.parent / t).exists()]
    assert missing == []
