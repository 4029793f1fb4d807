"""The class copy: what an instructor hands to students, with nothing secret in it.

`release(out=DIR)` copies exactly what `CLASS_COPY` lists (the guided notebooks, the built
exercises, the case reading, the data files by name, the package's code, data and page
templates, README, licences, pyproject, Makefile and environment.yml) into DIR. Anything else
in the kit's folders (a roster, a gradebook or a zip an instructor left in `data/`,
`notebooks/` or `exercises/`) is not on the list and stays out; `left_out()` names it. Of
what the list matches, it leaves out:

- `instructors/` (guides, exercise sources with solutions, rubrics, grading settings);
- the answer key (`src/diplomatic_cover/questions/answer_key/`);
- the hidden checks, the reference answers and the instructors' build tools
  (`src/diplomatic_cover/instructor/`: `authoring.py`, this module), and the old-path
  modules `authoring.py` and `release.py` that point there;
- caches, build residue and tests.

Notebooks are written through the same cleaner as the student copies (outputs, attachments,
cell metadata and cells tagged `hidden-check` or `solution` removed). Before it finishes, the
release scans every file it wrote for secrets (`find_secrets`): solution lines of the
exercise sources, hidden-check code, the answer key's model answers and feedback, marker
text. It refuses to produce a copy that holds any, or whose exercises are out of date with
their sources, or whose guided notebooks differ from the versions committed to git (outputs
aside) unless each is named with `allow_modified`: an experiment in the open kit must never
reach students by accident.

After the deadline, `release_keys(out=DIR, notebooks=[...])` (`release --with-key NOTEBOOK
... --out DIR`) writes those notebooks' answer key files into an existing class copy's
`questions/answer_key/`, where its package reads them (the Compare button then appears), and
records them in `released.json` beside them. The scan reads that record: a released key and
its text are allowed, every other notebook's key stays a secret.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from diplomatic_cover import paths
from diplomatic_cover.instructor.authoring import (
    DROPPED_TAGS,
    build_exercises,
    secret_lines,
    solution_blocks,
)
from diplomatic_cover.instructor.shipped_notebooks import (
    GUIDED,
    HASH_LIST,
    changed_from_list,
    clean_notebook,
    shipped_hashes,
)
from diplomatic_cover.instructor.tracked import committed_text, is_checkout

#: Everything a class copy contains, relative to the kit root: file names, or patterns
#: (`*` and `[0-9]` within one folder, `**/` for any depth below). Nothing else is copied.
#: This is the one list: a change that ships a new file to students adds it here (and a
#: test shows it in a release); EXCLUDED below still removes the instructors' parts of `src`.
CLASS_COPY = (
    "README.md",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "pyproject.toml",
    "Makefile",
    "environment.yml",
    ".gitignore",
    # Enables the class link's landing route in a hub image's Jupyter (setup/landing.py).
    "jupyter-config/jupyter_server_config.d/diplomatic_cover.json",
    "notebooks/[0-9][0-9]_*.ipynb",
    "notebooks/glossary.md",
    "exercises/README.md",
    "exercises/ex[0-9]_*.ipynb",
    "readings/*.md",
    "data/README.md",
    "data/datapackage.json",
    "data/expulsions.csv",
    "data/missions.csv",
    "data/sources.csv",
    "data/timeline_2025.csv",
    "src/diplomatic_cover/**/*.py",
    "src/diplomatic_cover/**/*.toml",
    "src/diplomatic_cover/**/*.json",
    "src/diplomatic_cover/widgets/static/*.js",
    "src/diplomatic_cover/widgets/static/*.css",
    "src/diplomatic_cover/pages/templates/*.html",
    "src/diplomatic_cover/pages/templates/*.css",
)

#: The top-level names CLASS_COPY draws from (a release may not be written inside them).
INCLUDED = tuple(dict.fromkeys(pattern.split("/")[0] for pattern in CLASS_COPY))

#: Guided notebooks that must match their committed version (outputs aside) to be released.

#: Paths left out, relative to the kit root (a folder leaves out everything under it).
EXCLUDED = (
    "instructors",
    "src/diplomatic_cover/questions/answer_key",
    "src/diplomatic_cover/instructor",
    "src/diplomatic_cover/authoring.py",
    "src/diplomatic_cover/release.py",
)

#: The answer key, relative to a kit or class copy, and the record of keys released from it.
ANSWER_KEY = "src/diplomatic_cover/questions/answer_key"
RELEASED = "released.json"

#: The instructor modules that hold answers (their code lines are secrets). The build tools
#: beside them (`authoring.py`, this module) are left out too, but hold no answers.
ANSWER_MODULES = ("hidden_checks.py", "reference.py")

_JUNK_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}
_JUNK_SUFFIXES = (".pyc", ".pyo", ".egg-info")
_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "hidden_checks", "diplomatic_cover.instructor")
_MIN_SECRET = 40  # characters: shorter answer-key text may legitimately recur elsewhere
_NOT_CODE = ("#", "from ", "import ", '"', "'", 'f"', "f'", "(", ")")

CLASS_COPY_NOTE = """\
# Class copy

This is the class copy of the Diplomatic Cover kit, built with `diplomatic-cover release`.
It holds the guided notebooks, the exercises (without solutions), the data and the package.
It leaves out the instructors' material: guides, exercise sources, rubrics, the answer key
and the hidden checks, so links to `instructors/` in the README do not work here.
Open it with `make lab`, as the README says.
"""


class ReleaseError(Exception):
    """The class copy could not be built safely; the message says why."""


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _excluded(relative: str) -> bool:
    parts = relative.split("/")
    if _JUNK_PARTS & set(parts) or any(p.endswith(_JUNK_SUFFIXES) for p in parts):
        return True
    return any(relative == e or relative.startswith(e + "/") for e in EXCLUDED)


def _files(root: Path) -> Iterator[Path]:
    """Every file CLASS_COPY names that exists, once, in a stable order."""
    found: set[Path] = set()
    for pattern in CLASS_COPY:
        for path in root.glob(pattern):
            if path.is_file() and not path.is_symlink() and not _excluded(_relative(path, root)):
                found.add(path)
    yield from sorted(found)


def left_out(root: Path) -> list[str]:
    """Files in the class copy's folders that CLASS_COPY does not name (caches aside)."""
    wanted = set(_files(root))
    stray = []
    for name in INCLUDED:
        top = root / name
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            relative = _relative(path, root)
            if path.is_file() and path not in wanted and not _excluded(relative):
                stray.append(relative)
    return stray


# ---------------------------------------------------------------------------------------
# Notebooks changed since the last commit


def modified_notebooks(root: Path) -> list[str]:
    """Guided notebooks whose cleaned text differs from the committed version's.

    Outputs, execution counts and cell metadata do not count (JupyterLab saves them on every
    run, and the release strips them anyway); a changed or added cell does. Outside a git
    checkout (a kit downloaded as a zip) the shipped hash list stands in for the commit
    (`shipped_notebooks`); a kit with neither counts every notebook as changed.
    """
    notebooks = sorted(root.glob(GUIDED))
    if not is_checkout(root):
        changed = changed_from_list(root)
        return changed if changed is not None else [_relative(path, root) for path in notebooks]
    changed = []
    for path in notebooks:
        relative = _relative(path, root)
        committed = committed_text(root, relative)
        try:
            same = committed is not None and clean_notebook(committed, relative) == clean_notebook(
                path.read_text(encoding="utf-8"), relative
            )
        except (ValueError, KeyError, TypeError):
            same = False
        if not same:
            changed.append(relative)
    return changed


def _allowed(relative: str, names: Iterable[str]) -> bool:
    path = Path(relative)
    return any(name in ("all", relative, path.name, path.stem) for name in names)


def release(*, out: Path, root: Path | None = None, allow_modified: Iterable[str] = ()) -> Path:
    """Build the class copy in `out` (which must not exist, or be empty); return `out`.

    `allow_modified` names guided notebooks (stem, file name or path; "all") released even
    though they differ from their committed version.
    """
    root = Path(root) if root is not None else paths.open_kit_root()
    if root is None:
        raise ReleaseError("Run the release from the open kit (the folder with instructors/).")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not empty; choose a new folder.")
    inside = out.resolve().is_relative_to(root.resolve())
    if inside and _relative(out.resolve(), root.resolve()).split("/")[0] in INCLUDED:
        raise ReleaseError(f"{out} is inside a folder that the class copy itself copies.")
    stale = build_exercises(
        source_dir=root / "instructors" / "exercises", out_dir=root / "exercises", check_only=True
    )
    if stale:
        shown = ", ".join(str(p) for p in stale)
        raise ReleaseError(
            f"The exercises are out of date with their sources ({shown}): run "
            "`diplomatic-cover build-exercises` first."
        )
    allowed = list(allow_modified)
    changed = [n for n in modified_notebooks(root) if not _allowed(n, allowed)]
    if changed and not is_checkout(root) and shipped_hashes(root) is not None:
        raise ReleaseError(
            "These guided notebooks differ from the versions this kit shipped with (this "
            f"copy is not a git checkout, so {HASH_LIST} says what shipped): "
            + ", ".join(changed)
            + ". Undo the change, or hand it out on purpose with --allow-modified NAME for each."
        )
    if changed and not is_checkout(root):
        raise ReleaseError(
            "This kit is not a git checkout and has no list of the notebooks it shipped "
            f"({HASH_LIST}), so nothing says which guided notebooks are the tracked versions: "
            "release from a git clone of the kit, or, having looked at them, hand these out "
            "as they are with --allow-modified all: " + ", ".join(changed)
        )
    if changed:
        raise ReleaseError(
            "These guided notebooks differ from their committed versions: "
            + ", ".join(changed)
            + ". Commit the change, undo it (git checkout -- FILE), or hand it out on purpose "
            "with --allow-modified NAME for each."
        )
    out.mkdir(parents=True, exist_ok=True)
    for source in _files(root):
        relative = _relative(source, root)
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            target.write_text(
                clean_notebook(source.read_text(encoding="utf-8"), relative), encoding="utf-8"
            )
        else:
            shutil.copy2(source, target)
    (out / "CLASS_COPY.md").write_text(CLASS_COPY_NOTE, encoding="utf-8")
    found = find_secrets(out, root)
    if found:
        shutil.rmtree(out, ignore_errors=True)
        raise ReleaseError("The class copy would hold secrets:\n" + "\n".join(found[:20]))
    return out


# ---------------------------------------------------------------------------------------
# Finding secrets


def _normal(text: str) -> str:
    return " ".join(text.split())


def _public_lines(root: Path) -> set[str]:
    """Lines of the guided notebooks' cells and of the shipped package code.

    A solution line that the kit already shows students elsewhere (`with kit_style():`) is
    not a secret; whole solution blocks are always secret (`solution_blocks`).
    """
    lines: set[str] = set()
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        for _where, text in _documents(path):
            lines.update(line.strip() for line in text.splitlines())
    package = root / "src" / "diplomatic_cover"
    for path in sorted(package.rglob("*.py")):
        if not _excluded(_relative(path, root)):
            lines.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return lines


def secrets(root: Path, released: frozenset[str] = frozenset()) -> set[str]:
    """Text that must never reach students, gathered from the open kit at `root`.

    Whole solution blocks and hidden-check cells of the exercise sources, and their lines
    that the kit shows nowhere else; the hidden checks' and reference answers' code lines;
    the answer key's model answers, feedback and hints (each paragraph of at least
    `_MIN_SECRET` characters), except those of the `released` notebooks' keys.
    """
    found: set[str] = set()
    public = _public_lines(root)
    for path in sorted((root / "instructors" / "exercises").glob("*.ipynb")):
        source = json.loads(path.read_text(encoding="utf-8"))
        found |= secret_lines(source) - public
        found |= {block for block in solution_blocks(source) if len(block) >= _MIN_SECRET}
    instructor = root / "src" / "diplomatic_cover" / "instructor"
    for path in (instructor / name for name in ANSWER_MODULES):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            # Code only: hint strings are public (the expectations file shows them).
            if len(stripped) >= _MIN_SECRET and not stripped.startswith(_NOT_CODE):
                found.add(stripped)
    key_dir = root / ANSWER_KEY
    for path in sorted(key_dir.glob("*.toml")):
        if path.stem in released:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("answers", {}).values():
            texts = [entry.get("model_answer", ""), entry.get("feedback", "")]
            for text in [*texts, *entry.get("hints", [])]:
                for paragraph in re.split(r"\n\s*\n", str(text)):
                    if len(paragraph.strip()) >= _MIN_SECRET:
                        found.add(_normal(paragraph))
    return {s for s in found if s}


def _documents(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for each readable piece of a file; a notebook cell by cell."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return
    if path.suffix != ".ipynb":
        yield "", text
        return
    notebook = json.loads(text)
    yield "metadata", json.dumps(notebook.get("metadata", {}))
    for index, cell in enumerate(notebook.get("cells", [])):
        where = f"cell {index}"
        source = cell.get("source", "")
        yield where, "".join(source) if isinstance(source, list) else source
        extras: dict[str, Any] = {
            key: cell[key] for key in ("outputs", "attachments", "metadata") if cell.get(key)
        }
        if extras:
            yield where + " (outputs, attachments or metadata)", json.dumps(extras)


def released_keys(folder: Path) -> dict[str, str]:
    """The notebooks whose answer keys were released into the class copy `folder`, with when.

    Read from the record `release_keys` writes; an unreadable record releases nothing (so
    the scan then reports the key files as secrets, which is the safe side).
    """
    try:
        record = json.loads((folder / ANSWER_KEY / RELEASED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = record.get("released") if isinstance(record, dict) else None
    if not isinstance(found, dict):
        return {}
    return {str(name): str(when) for name, when in found.items()}


def _released_file(relative: str, released: frozenset[str]) -> bool:
    folder, _, name = relative.rpartition("/")
    return folder == ANSWER_KEY and (
        name == RELEASED or (name.endswith(".toml") and name[: -len(".toml")] in released)
    )


def find_secrets(folder: Path, root: Path) -> list[str]:
    """Everything in `folder` that should not be in a class copy, as readable lines.

    Looks for left-out paths, notebooks with outputs, attachments, cell metadata or tagged
    cells, solution markers, and any text from `secrets(root)`. Answer keys that
    `release_keys` released into `folder` (its record says which) are allowed.
    """
    problems: list[str] = []
    released = frozenset(released_keys(folder))
    wanted = secrets(root, released)
    normal_wanted = {_normal(s) for s in wanted}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = _relative(path, folder)
        if _excluded(relative) and not _released_file(relative, released):
            problems.append(f"{relative}: a path the class copy leaves out")
            continue
        for where, text in _documents(path):
            label = f"{relative} {where}".strip()
            if where.endswith("(outputs, attachments or metadata)"):
                problems.append(f"{label}: not stripped")
                continue
            if path.suffix in (".ipynb", ".md") and any(m in text for m in _MARKERS):
                problems.append(f"{label}: solution or hidden-check marker")
            if path.suffix == ".ipynb" and any(f'"{t}"' in text for t in DROPPED_TAGS):
                problems.append(f"{label}: a tag of a dropped cell")
            lines = {line.strip() for line in text.splitlines()}
            flat = _normal(text)
            hits = (lines & wanted) | {
                s for s in normal_wanted if len(s) >= _MIN_SECRET and s in flat
            }
            for hit in sorted(hits)[:3]:
                problems.append(f"{label}: secret text {hit[:70]!r}")
    return problems


# ---------------------------------------------------------------------------------------
# Releasing answer keys after the deadline


def _key_names(root: Path, asked: Sequence[str]) -> list[str]:
    """The key files' notebook names for `asked` ("01", "ex4" or a full notebook name)."""
    available = sorted(p.stem for p in (root / ANSWER_KEY).glob("*.toml"))
    chosen = []
    for name in asked:
        found = [n for n in available if n == name or n.split("_", 1)[0] == name]
        if len(found) != 1:
            raise ReleaseError(
                f"No answer key for {name!r}. Name notebooks as 01 or 01_reading_the_article; "
                f"the keys are: {', '.join(available)}."
            )
        chosen.append(found[0])
    return list(dict.fromkeys(chosen))


def release_keys(*, out: Path, notebooks: Sequence[str], root: Path | None = None) -> list[Path]:
    """Write the named notebooks' answer keys into the class copy `out`; return the files.

    For after the deadline: the class copy's package then offers the model answers and
    feedback of those notebooks (the Compare button) to every student who updates their
    copy. The record `released.json` says which keys were released and when, so the secret
    scan allows them and nothing else; if the scan still finds a secret, the files written
    now are removed again and nothing changes.
    """
    root = Path(root) if root is not None else paths.kit_root()
    if root is None:
        raise ReleaseError("Run the release from the open kit (the folder with instructors/).")
    out = Path(out)
    if not (out / "CLASS_COPY.md").is_file():
        raise ReleaseError(
            f"{out} is not a class copy (it has no CLASS_COPY.md): build one with "
            "`diplomatic-cover release --out DIR` first, then release keys into it."
        )
    names = _key_names(root, notebooks)
    folder = out / ANSWER_KEY
    record_path = folder / RELEASED
    earlier = record_path.read_bytes() if record_path.is_file() else None
    record = released_keys(out)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = folder / f"{name}.toml"
        if not target.exists():
            written.append(target)
        shutil.copy2(root / ANSWER_KEY / f"{name}.toml", target)
        record[name] = now
    document = {
        "about": "Answer keys released to students by `diplomatic-cover release --with-key`.",
        "released": dict(sorted(record.items())),
    }
    record_path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    found = find_secrets(out, root)
    if found:
        for path in written:
            path.unlink(missing_ok=True)
        if earlier is None:
            record_path.unlink(missing_ok=True)
        else:
            record_path.write_bytes(earlier)
        raise ReleaseError("The class copy would hold secrets:\n" + "\n".join(found[:20]))
    return [folder / f"{name}.toml" for name in names]


def main(
    *,
    out: Path,
    with_key: Sequence[str] | None = None,
    allow_modified: Iterable[str] = (),
    root: Path | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`diplomatic-cover release --out DIR [--allow-modified NAME] [--with-key NB ...]`.

    0 when done, else 1.
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    from diplomatic_cover.instructor import class_repo

    if class_repo.is_class_repo(out):  # a git repository: refreshed in place and committed
        here = sys.modules[__name__]
        settings = {"root": root, "allow_modified": list(allow_modified)}
        return class_repo.main(
            out=out,
            releasing=here,
            with_key=with_key,
            settings=settings,
            stdout=stdout,
            stderr=stderr,
        )
    if with_key:
        try:
            keys = release_keys(out=out, notebooks=with_key, root=root)
        except (ReleaseError, OSError, ValueError) as error:
            print(f"release: {error}", file=stderr)
            return 1
        shown = ", ".join(path.stem for path in keys)
        print(
            f"Released the answer keys of {shown} into {out}. Students who update their copy "
            "see those notebooks' model answers after an attempt.",
            file=stdout,
        )
        return 0
    try:
        folder = release(out=out, root=root, allow_modified=allow_modified)
    except (ReleaseError, OSError, ValueError) as error:
        print(f"release: {error}", file=stderr)
        return 1
    count = sum(1 for p in folder.rglob("*") if p.is_file())
    stray = left_out(Path(root) if root is not None else paths.kit_root() or Path.cwd())
    if stray:
        shown = ", ".join(stray[:10]) + (f" and {len(stray) - 10} more" if len(stray) > 10 else "")
        print(f"Left out (not on the class-copy list, CLASS_COPY): {shown}.", file=stdout)
    print(f"Wrote the class copy to {folder} ({count} files). Hand out that folder.", file=stdout)
    return 0
