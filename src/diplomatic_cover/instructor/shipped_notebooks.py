"""The guided notebooks as the kit ships them, by hash: `release`'s check where git is absent.

`release` refuses a guided notebook changed since the kit's last commit, so an experiment
never reaches students by accident. In a git checkout it asks git. A kit downloaded as a zip,
or copied without `.git`, has no commit to ask; it carries this list instead:
`instructors/notebook_hashes.toml`, the SHA-256 of each guided notebook as the class copy
would hold it (outputs, execution counts and cell metadata stripped, like the git check).

The list is generated: after changing a guided notebook, run
`python -m diplomatic_cover.instructor.shipped_notebooks` (it rewrites the list);
`--check` exits 1 and names the notebooks the list no longer matches, and a test runs it, so
a stale list fails the suite rather than refusing an instructor's untouched copy.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from diplomatic_cover import paths
from diplomatic_cover.instructor.authoring import canonical_text, student_notebook

#: The guided notebooks, relative to the kit root.
GUIDED = "notebooks/[0-9][0-9]_*.ipynb"
HASH_LIST = "instructors/notebook_hashes.toml"

_HEADER = """\
# SHA-256 of each guided notebook as the class copy holds it (outputs and metadata stripped).
# `release` compares against this list when the kit is not a git checkout (a zip download).
# Generated: run `python -m diplomatic_cover.instructor.shipped_notebooks` after changing a
# guided notebook; `--check` (run by tests/test_release_allowlist.py) says when it is stale.

[notebooks]
"""


def clean_notebook(text: str, name: str = "notebook") -> str:
    """A notebook as the class copy holds it: the student-copy cleaner applied."""
    return canonical_text(student_notebook(json.loads(text), name))


def notebook_hash(text: str, name: str = "notebook") -> str | None:
    """The SHA-256 of the cleaned notebook; None if the text is not a readable notebook."""
    try:
        cleaned = clean_notebook(text, name)
    except (ValueError, KeyError, TypeError):
        return None
    return hashlib.sha256(cleaned.encode("utf-8")).hexdigest()


def guided(root: Path) -> list[str]:
    """The guided notebooks of the kit at `root`, relative to it, sorted."""
    return sorted(path.relative_to(root).as_posix() for path in root.glob(GUIDED))


def current_hashes(root: Path) -> dict[str, str | None]:
    """Each guided notebook's hash as it is on disk now."""
    return {
        relative: notebook_hash((root / relative).read_text(encoding="utf-8"), relative)
        for relative in guided(root)
    }


def shipped_hashes(root: Path) -> dict[str, str] | None:
    """The hash list the kit shipped with; None if it has none (or it cannot be read)."""
    try:
        listed = tomllib.loads((root / HASH_LIST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    notebooks = listed.get("notebooks")
    if not isinstance(notebooks, dict):
        return None
    return {str(name): str(value) for name, value in notebooks.items()}


def changed_from_list(root: Path) -> list[str] | None:
    """Guided notebooks that differ from the shipped list (or are not on it); None: no list."""
    shipped = shipped_hashes(root)
    if shipped is None:
        return None
    now = current_hashes(root)
    return [name for name, digest in now.items() if digest is None or shipped.get(name) != digest]


def render(root: Path) -> str:
    """The hash list's text for the notebooks at `root` (refusing unreadable ones)."""
    lines = [_HEADER]
    for name, digest in current_hashes(root).items():
        if digest is None:
            raise ValueError(f"{name} is not a readable notebook; fix it before listing it")
        lines.append(f'"{name}" = "{digest}"\n')
    return "".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the list (0), or with `--check` exit 1 naming each stale entry."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m diplomatic_cover.instructor.shipped_notebooks", description=__doc__
    )
    parser.add_argument("--check", action="store_true", help="only say whether it is stale")
    parser.add_argument("--root", type=Path, default=None, help="the open kit (default: this)")
    args = parser.parse_args(argv)
    root = args.root or paths.open_kit_root()
    if root is None:
        print("Run this in the open kit (the folder with instructors/).", file=sys.stderr)
        return 2
    target = root / HASH_LIST
    if args.check:
        stale = changed_from_list(root)
        listed = shipped_hashes(root) or {}
        gone = sorted(set(listed) - set(guided(root)))
        if stale is None or stale or gone:
            shown = ", ".join((stale or []) + gone) or "the whole list (missing or unreadable)"
            print(
                f"{HASH_LIST} is stale for {shown}: run "
                "`python -m diplomatic_cover.instructor.shipped_notebooks` and commit it.",
                file=sys.stderr,
            )
            return 1
        print(f"{HASH_LIST} matches the {len(listed)} guided notebooks.")
        return 0
    text = render(root)
    target.write_text(text, encoding="utf-8")
    print(f"Wrote {target} ({text.count(' = ')} notebooks).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
