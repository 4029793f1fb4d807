"""Flags for a person to look at: likely copying, and answers that moved between kit versions.

None of these changes a grade. They go to the row's `flags` column, to problems.csv and to
the summary, because each has an innocent explanation a grader must rule out first:

* **The same written answer** in two or more submissions, when it is at least
  `MIN_WORDS` words long once normalised (lower case, punctuation and spacing dropped).
  Short answers ("Article 9", "The FBI") are identical by chance and are not compared.
* **The same store document** in two submissions: the answer store stamps every answer with
  a revision number and a save time, so two students' documents with identical stamps are
  one document copied, whatever the answers say.
* **A check whose right answer moved** between the submission's kit version and this one
  (`data/kit_changes.toml`): the student may have been right for their data.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from itertools import islice

from diplomatic_cover import paths
from diplomatic_cover._version import __version__
from diplomatic_cover.grading.config import MANUAL
from diplomatic_cover.grading.ingest import version_tuple
from diplomatic_cover.grading.results import StudentResult

MIN_WORDS = 25
KIT_CHANGES = ("grading", "data", "kit_changes.toml")  # in the package: paths.package_path
_WORD = re.compile(r"\w+")


def normalised_words(text: str) -> list[str]:
    """The words of an answer, lower case, without punctuation."""
    return _WORD.findall(text.casefold())


def same_written_answers(students: Mapping[str, StudentResult]) -> dict[str, list[str]]:
    """Flags by student for written answers shared word for word with a classmate.

    Answers are first grouped by their opening words (cheap), and only answers that share
    an opening with another are normalised whole: a class's essays cost a moment.
    """
    openings: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for student in students.values():
        for item in student.items:
            if item.kind != MANUAL or len(item.answer) < 2 * MIN_WORDS:
                continue
            words = islice(_WORD.finditer(item.answer.casefold()), MIN_WORDS)
            opening = " ".join(match.group() for match in words)
            openings[(item.id, opening)].append((student.key, item.answer))
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (item_id, _), answers in openings.items():
        if len({key for key, _ in answers}) < 2:
            continue
        for key, answer in answers:
            words = normalised_words(answer)
            if len(words) >= MIN_WORDS:
                groups[(item_id, " ".join(words))].append(key)
    flags: dict[str, list[str]] = defaultdict(list)
    for (item_id, text), keys in sorted(groups.items()):
        if len(set(keys)) < 2:
            continue
        count = len(text.split())
        for key in keys:
            others = ", ".join(k for k in sorted(set(keys)) if k != key)
            flags[key].append(
                f"{item_id}: the same written answer ({count} words) as {others}; look at "
                "both before deciding anything"
            )
    return flags


def same_documents(students: Mapping[str, StudentResult]) -> dict[str, list[str]]:
    """Flags by student for store documents identical (revisions, save times) to another's."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for student in students.values():
        for notebook, fingerprint in student.fingerprints.items():
            groups[(notebook, fingerprint)].append(student.key)
    flags: dict[str, list[str]] = defaultdict(list)
    for (notebook, _), keys in sorted(groups.items()):
        if len(set(keys)) < 2:
            continue
        for key in keys:
            others = ", ".join(k for k in sorted(set(keys)) if k != key)
            flags[key].append(
                f"responses/{notebook}.json is the same saved document as {others}'s (same "
                "revisions and save times): copied?"
            )
    return flags


@cache
def _moves() -> tuple[tuple[tuple[int, int, int], tuple[str, ...], str], ...]:
    try:
        data = tomllib.loads(paths.package_path(*KIT_CHANGES).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ()
    moves = []
    for move in data.get("moved", []):
        version = version_tuple(move.get("up_to"))
        if version is not None:
            moves.append((version, tuple(move.get("checks", [])), str(move.get("why", ""))))
    return tuple(moves)


def moved_answers(kit_version: str, grader_version: str = __version__) -> dict[str, str]:
    """Check id -> why its right answer differs for a submission built with `kit_version`."""
    theirs, ours = version_tuple(kit_version), version_tuple(grader_version)
    if theirs is None or ours is None:
        return {}
    moved: dict[str, str] = {}
    for up_to, checks, why in _moves():
        if theirs <= up_to < ours:
            for check_id in checks:
                moved.setdefault(check_id, why)
    return moved


def kit_version_flags(student: StudentResult, grader_version: str = __version__) -> list[str]:
    """Flags for checks graded against data newer than the student's kit's."""
    moved = moved_answers(student.kit_version, grader_version)
    return [
        f"{item.id}: built with kit {student.kit_version}; its right answer moved since "
        f"({moved[item.id]}), and it was graded against this kit's data: look at it, and "
        "override if the answer was right for theirs"
        for item in student.items
        if item.id in moved and item.status != "not answered"
    ]
