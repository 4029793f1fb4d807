"""One source, two copies: build the exercises' student copies from the instructors' sources.

An exercise is authored once, as `instructors/exercises/<name>.ipynb`, with its solutions
and hidden checks in place, so the author can run it top to bottom and see every check pass.
`build_exercises` writes the student copy `exercises/<name>.ipynb`:

- a code cell's lines between `# BEGIN SOLUTION` and `# END SOLUTION` become one placeholder
  line at the marker's indentation. `# BEGIN SOLUTION: by_decade = ...` gives
  `by_decade = ...  # ✏️ your code here`; a bare `# BEGIN SOLUTION` gives the comment alone.
  The placeholder must leave the cell runnable (bind the name to `...` or None, or
  `return None` in a function), so the blank copy runs top to bottom and its checks say
  "not answered yet";
- whole cells tagged `hidden-check` or `solution` (cell metadata tags) are dropped;
- outputs, execution counts, attachments and cell metadata are removed, and the notebook is
  written in the kit's canonical JSON form.

It also writes `src/diplomatic_cover/exercise_expectations.json`, the hashed answers and
hints the public checks compare against, from the instructors' reference answers
(`diplomatic_cover.instructor.hidden_checks`). With `check_only=True` nothing is written:
the function returns the files that differ from what a build would write, which is how the
tests verify that the committed copies are exactly the build's output. A copy changed since
it was committed (someone did the exercise in the open kit) is never overwritten without
`force`.

Notebooks are read and written as plain JSON (no nbformat), so the build needs no kernel.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from diplomatic_cover import paths
from diplomatic_cover.instructor.tracked import committed_version

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?::[ \t]*(?P<placeholder>.*?))?[ \t]*$")
END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")
DROPPED_TAGS = frozenset({"hidden-check", "solution"})
YOUR_CODE = "# ✏️ your code here"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
CHECK_CALL = re.compile(r"""check\(\s*["'](?P<id>ex\d\.[a-z0-9-]+)["']""")


class AuthoringError(ValueError):
    """A source notebook breaks the marker rules; the message names the file and cell."""


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _lines(text: str) -> list[str]:
    """Cell source as nbformat stores it: lines with their newlines, the last without."""
    return text.splitlines(keepends=True)


def _tags(cell: dict[str, Any]) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def canonical_text(notebook: dict[str, Any]) -> str:
    """The kit's canonical notebook JSON (tests/test_notebooks_clean.py checks it)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def split_solution(source: str, where: str = "cell") -> tuple[str, list[str]]:
    """(the student's version of a code cell, the solution lines it removed).

    Raises AuthoringError for an unclosed, nested or stray marker.
    """
    out: list[str] = []
    removed: list[str] = []
    inside: re.Match[str] | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if inside:
                raise AuthoringError(f"{where}, line {number}: BEGIN SOLUTION inside another")
            inside = begin
            placeholder = begin.group("placeholder") or ""
            text = f"{placeholder}  {YOUR_CODE}" if placeholder else YOUR_CODE
            out.append(begin.group("indent") + text)
        elif end:
            if not inside:
                raise AuthoringError(f"{where}, line {number}: END SOLUTION without a BEGIN")
            inside = None
        elif inside:
            removed.append(line)
        else:
            out.append(line)
    if inside:
        raise AuthoringError(f"{where}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "\n".join(out), removed


def student_notebook(source: dict[str, Any], name: str = "notebook") -> dict[str, Any]:
    """The student copy of a source notebook (a pure function of its JSON)."""
    cells = []
    for index, cell in enumerate(source.get("cells", [])):
        if _tags(cell) & DROPPED_TAGS:
            continue
        text = _text(cell.get("source", ""))
        where = f"{name}, cell {index}"
        if cell["cell_type"] == "code":
            text, _ = split_solution(text, where)
        elif "SOLUTION" in text and (BEGIN.search(text) or END.search(text)):
            raise AuthoringError(f"{where}: solution markers belong in code cells only")
        new: dict[str, Any] = {
            "cell_type": cell["cell_type"],
            "metadata": {},
            "source": _lines(text),
        }
        if "id" in cell:
            new["id"] = cell["id"]
        if cell["cell_type"] == "code":
            new.update(execution_count=None, outputs=[])
        cells.append(new)
    return {
        "cells": cells,
        "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
        "nbformat": source.get("nbformat", 4),
        "nbformat_minor": source.get("nbformat_minor", 5),
    }


def secret_lines(source: dict[str, Any], min_length: int = 12) -> set[str]:
    """Lines that only the source has: solution lines and the text of dropped cells.

    A line also written outside any solution (given code) is not secret. Short lines
    (`else:`, `)`) are skipped: they say nothing and occur everywhere.
    """
    public: set[str] = set()
    hidden: set[str] = set()
    for index, cell in enumerate(source.get("cells", [])):
        text = _text(cell.get("source", ""))
        if _tags(cell) & DROPPED_TAGS:
            hidden.update(line.strip() for line in text.splitlines())
            continue
        if cell["cell_type"] == "code":
            kept, removed = split_solution(text, f"cell {index}")
            hidden.update(line.strip() for line in removed)
            public.update(line.strip() for line in kept.splitlines())
        else:
            public.update(line.strip() for line in text.splitlines())
    return {line for line in hidden - public if len(line) >= min_length}


def solution_blocks(source: dict[str, Any]) -> list[str]:
    """Each solution block and dropped cell of a source, as one whitespace-normalised text."""
    blocks = []
    for index, cell in enumerate(source.get("cells", [])):
        text = _text(cell.get("source", ""))
        if _tags(cell) & DROPPED_TAGS:
            blocks.append(text)
        elif cell["cell_type"] == "code":
            current: list[str] = []
            for line in text.splitlines():
                if BEGIN.match(line):
                    current = []
                elif END.match(line):
                    blocks.append("\n".join(current))
                else:
                    current.append(line)
            split_solution(text, f"cell {index}")  # raises on broken markers
    return [" ".join(b.split()) for b in blocks if b.strip()]


def leaks(student: dict[str, Any], source: dict[str, Any]) -> list[str]:
    """What of the source's secrets shows in a student copy (empty when nothing does)."""
    found = []
    secrets = secret_lines(source)
    for index, cell in enumerate(student.get("cells", [])):
        text = _text(cell.get("source", ""))
        for line in text.splitlines():
            if line.strip() in secrets:
                found.append(f"cell {index}: solution line {line.strip()!r}")
        if "BEGIN SOLUTION" in text or "END SOLUTION" in text:
            found.append(f"cell {index}: a solution marker")
        if "hidden_checks" in text or "diplomatic_cover.instructor" in text:
            found.append(f"cell {index}: a hidden check")
        if _tags(cell) & DROPPED_TAGS or cell.get("outputs") or cell.get("attachments"):
            found.append(f"cell {index}: tags, outputs or attachments")
    return found


def check_ids_used(notebook: dict[str, Any]) -> list[str]:
    """The ids of the public checks a notebook calls, in order."""
    found: list[str] = []
    for cell in notebook.get("cells", []):
        if cell["cell_type"] == "code" and not _tags(cell) & DROPPED_TAGS:
            found += CHECK_CALL.findall(_text(cell.get("source", "")))
    return list(dict.fromkeys(found))


def default_source_dir() -> Path:
    """`instructors/exercises/` in the open kit."""
    return _root() / "instructors" / "exercises"


def default_out_dir() -> Path:
    """`exercises/` in the open kit."""
    return _root() / "exercises"


def default_expectations_path() -> Path:
    """Where the public checks read their hashed answers."""
    from diplomatic_cover.answers.checks import EXPECTATIONS_PATH

    return EXPECTATIONS_PATH


def _root() -> Path:
    root = paths.open_kit_root()
    if root is None:
        raise AuthoringError("Run this from the open kit (the folder with instructors/).")
    return root


def expectations_text() -> str:
    """The expectations file as the build writes it."""
    try:
        from diplomatic_cover.instructor.hidden_checks import expectations_document
    except ImportError as error:
        raise AuthoringError(
            "The instructors' reference answers are not in this copy of the kit (the class "
            "copy leaves them out): build the exercises from the open kit."
        ) from error
    document = expectations_document()
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _planned(source_dir: Path, out_dir: Path, expectations: Path) -> dict[Path, str]:
    """Every file the build writes, with its text."""
    from diplomatic_cover.instructor.hidden_checks import SPECS

    planned: dict[Path, str] = {}
    sources = sorted(source_dir.glob("*.ipynb"))
    if not sources:
        raise AuthoringError(f"No source notebooks in {source_dir}.")
    for path in sources:
        source = json.loads(path.read_text(encoding="utf-8"))
        student = student_notebook(source, path.name)
        problems = leaks(student, source)
        unknown = [c for c in check_ids_used(source) if c not in SPECS]
        if unknown:
            problems.append(f"checks with no hidden check: {', '.join(unknown)}")
        if problems:
            raise AuthoringError(f"{path.name}: " + "; ".join(problems))
        planned[out_dir / path.name] = canonical_text(student)
    planned[expectations] = expectations_text()
    return planned


def _same_notebook(a: str, b: str) -> bool:
    """True when two notebooks hold the same cells (outputs and metadata aside)."""
    try:
        return canonical_text(student_notebook(json.loads(a))) == canonical_text(
            student_notebook(json.loads(b))
        )
    except (ValueError, KeyError, TypeError, AttributeError, AuthoringError):
        return False


def changed_copies(planned: dict[Path, str]) -> list[Path]:
    """Student copies about to be replaced that someone changed since they were committed.

    A copy that still matches its committed version (outputs aside) is the build's own
    output and is safe to replace; one that differs holds someone's work (an instructor
    trying the exercise in the open kit). Outside a git checkout nothing says which, so
    every copy that would change counts.
    """
    changed = []
    for path, text in planned.items():
        if path.suffix != ".ipynb" or not path.is_file():
            continue
        current = path.read_text(encoding="utf-8")
        if current == text:
            continue
        in_checkout, committed = committed_version(path)
        if not in_checkout or committed is None or not _same_notebook(current, committed):
            changed.append(path)
    return changed


def build_exercises(
    *,
    source_dir: Path | None = None,
    out_dir: Path | None = None,
    check_only: bool = False,
    expectations: Path | None = None,
    force: bool = False,
) -> list[Path]:
    """Build the student copies and the expectations file; return the files concerned.

    Writes (or, with `check_only`, only compares) `out_dir/<name>.ipynb` for each source in
    `source_dir`, and the expectations file. Returns the files written, or with `check_only`
    the files that are missing or differ from what the build would write, plus student
    copies in `out_dir` with no source (an empty list means everything is up to date).
    Refuses (AuthoringError) to overwrite a copy changed since it was committed
    (`changed_copies`) unless `force`.
    """
    source_dir = Path(source_dir) if source_dir is not None else default_source_dir()
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir()
    expectations = Path(expectations) if expectations is not None else (default_expectations_path())
    planned = _planned(source_dir, out_dir, expectations)
    if check_only:
        stale = [
            path
            for path, text in planned.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text
        ]
        orphans = [p for p in sorted(out_dir.glob("*.ipynb")) if p not in planned]
        return stale + orphans
    changed = [] if force else changed_copies(planned)
    if changed:
        raise AuthoringError(
            "These student copies were changed since they were committed, and building would "
            "overwrite them: " + ", ".join(str(p) for p in changed) + ". Keep what you need "
            "from them, then run `diplomatic-cover build-exercises --force`."
        )
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return list(planned)


def main(
    *,
    check: bool = False,
    force: bool = False,
    source_dir: Path | None = None,
    out_dir: Path | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`diplomatic-cover build-exercises [--check] [--force]`: 0 when built, else 1."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        found = build_exercises(
            source_dir=source_dir, out_dir=out_dir, check_only=check, force=force
        )
    except (AuthoringError, OSError, ValueError) as error:
        print(f"build-exercises: {error}", file=stderr)
        return 1
    if check:
        if found:
            print(
                "Out of date (run `diplomatic-cover build-exercises`):\n" + _listing(found),
                file=stderr,
            )
            return 1
        print("The student copies and expectations are up to date.", file=stdout)
        return 0
    print("Built:\n" + _listing(found), file=stdout)
    return 0


def _listing(files: Iterable[Path]) -> str:
    root = paths.open_kit_root()
    shown = []
    for path in files:
        try:
            shown.append(f"  {path.relative_to(root)}" if root else f"  {path}")
        except ValueError:
            shown.append(f"  {path}")
    return "\n".join(shown)
