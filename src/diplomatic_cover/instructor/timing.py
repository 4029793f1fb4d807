"""How long each notebook and exercise takes a student: a reading-and-answering model.

Headers that promise 45 minutes for 60 minutes of material make students working alone
conclude they are slow, and make instructors drop discussions without saying so. This model
counts what a student has to do, from the notebooks themselves, so the times the kit states
can be checked (`tests/test_timing.py`) instead of hoped for. Its figures live in one data
file, `instructors/timing.toml`, which says what each one means:

- words to read, at 200 words a minute (and at 150, printed beside it): Markdown cells without
  the References and without a discussion's own cell; each question's prompt and labels (from
  the catalogue, as `dc.ask` shows them); files the notebook says to read in full; the longest
  role card where a notebook shows one; and the words of every table and printed result,
  counted from a real run of the notebook (`measure`, recorded in
  `instructors/timing_outputs.json`, because tables are built by code from data files and a
  run is the only honest count of what a student sees);
- minutes per question by type, which a catalogue entry may raise (`minutes = N`) but never
  lower;
- each discussion at the minutes printed on its `**Time:**` line;
- code cells a student writes or changes (by their ✏️ marker), widgets a student works with,
  figures to look at, and starting and handing in.

Everything under a heading that begins "Going further" (to the next heading of the same or a
higher level) is counted apart from the core: a notebook's stated time covers its core.

`python -m diplomatic_cover.instructor.timing` prints the table; `--measure` re-runs every
notebook (about a minute) and rewrites the record of output words.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover import paths
from diplomatic_cover.answers.catalogue import Catalogue, Question, load_catalogue
from diplomatic_cover.instructor import timing_docs

FIGURES_FILE = "instructors/timing.toml"
OUTPUTS_FILE = "instructors/timing_outputs.json"
FOLDERS = ("notebooks", "exercises")

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
GOING_FURTHER = "Going further"
REFERENCES = "References"
DISCUSSION = re.compile(r"^###\s+Discussion:", re.M)
DISCUSSION_TIME = re.compile(r"\*\*Time:\*\*\s*(\d+)\s*minutes")
STATED = re.compile(r"^\*\*Time:\*\*\s*(\d+)\s*minutes", re.M)
ASK = re.compile(r"""\bdc\.ask\(\s*["']([^"']+)["']""")
PENCIL = "✏️"
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
URL = re.compile(r"<?https?://\S+")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[^\W_]", re.UNICODE)


class TimingError(ValueError):
    """The model cannot count a notebook: the message says what to fix."""


def words(text: str) -> int:
    """Words a reader reads in Markdown or HTML: link targets, addresses and tags left out."""
    text = LINK.sub(r"\1", text)
    text = URL.sub(" ", text)
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = html.unescape(TAG.sub(" ", text))
    return sum(1 for token in text.split() if WORD.search(token))


@dataclass(frozen=True)
class Figures:
    """The model's figures, as `instructors/timing.toml` sets them."""

    words_per_minute: float
    slow_words_per_minute: float
    question_minutes: dict[str, float]
    least_discussion: float
    code_minutes: dict[str, float]
    activity_minutes: dict[str, float]
    figure_minutes: float
    glanced: tuple[str, ...]
    wordless: tuple[str, ...]
    overhead: float
    readings: dict[str, tuple[str, ...]]
    role_card_notebooks: tuple[str, ...]
    tasks: tuple[dict[str, Any], ...] = ()

    def question(self, question: Question) -> float:
        """Minutes to answer `question`: its type's figure, or the larger one it states."""
        base = self.question_minutes[question.type]
        if question.minutes is None:
            return base
        if question.minutes < base:
            raise TimingError(
                f"{question.id}: minutes = {question.minutes:g} is below a {question.type} "
                f"question's {base:g} ({FIGURES_FILE}); a question may only raise its figure"
            )
        return question.minutes


def load_figures(root: Path | None = None) -> Figures:
    """Read `instructors/timing.toml` from the kit at `root` (the open kit by default)."""
    data = tomllib.loads((_root(root) / FIGURES_FILE).read_text(encoding="utf-8"))
    return Figures(
        words_per_minute=data["reading"]["words_per_minute"],
        slow_words_per_minute=data["reading"]["slow_words_per_minute"],
        question_minutes=dict(data["question_minutes"]),
        least_discussion=data["discussion"]["least_minutes"],
        code_minutes=dict(data["code_minutes"]),
        activity_minutes=dict(data["activity_minutes"]),
        figure_minutes=data["outputs"]["figure_minutes"],
        glanced=tuple(data["outputs"]["glanced"]),
        wordless=tuple(data["outputs"]["wordless"]),
        overhead=data["overhead"]["minutes"],
        readings={k: tuple(v) for k, v in data["readings"].items()},
        role_card_notebooks=tuple(data["role_cards"]["notebooks"]),
        tasks=tuple(data.get("task", ())),
    )


@dataclass(frozen=True)
class Item:
    """One thing a student does: `words` to read and `minutes` of work, in one part."""

    kind: str  # reading, question, discussion, code, activity, task, figure, overhead
    label: str
    part: str  # "core" or "going further"
    words: int = 0
    minutes: float = 0.0

    def time(self, words_per_minute: float) -> float:
        return self.words / words_per_minute + self.minutes


@dataclass
class NotebookTime:
    """What the model counts in one notebook, and the time its header states."""

    name: str
    stated: int | None
    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def minutes(self, words_per_minute: float, part: str = "core") -> float:
        return sum(i.time(words_per_minute) for i in self.items if i.part == part)

    def section_minutes(self, words_per_minute: float) -> dict[str, float]:
        """Minutes per numbered section (the label's part before " › "), core only."""
        out: dict[str, float] = {}
        for item in self.items:
            if item.part == "core":
                section = item.label.split(" › ")[0]
                out[section] = out.get(section, 0.0) + item.time(words_per_minute)
        return out

    @property
    def discussions(self) -> list[Item]:
        return [i for i in self.items if i.kind == "discussion"]

    @property
    def questions(self) -> list[Item]:
        return [i for i in self.items if i.kind == "question"]


@dataclass(frozen=True)
class Cell:
    """A notebook cell with the part and the section it falls in."""

    index: int
    kind: str
    source: str
    part: str
    section: str


def notebook_paths(root: Path | None = None) -> list[Path]:
    """Every guided notebook and exercise of the kit, in order."""
    base = _root(root)
    return [p for folder in FOLDERS for p in sorted((base / folder).glob("*.ipynb"))]


def cells_with_parts(notebook: dict[str, Any]) -> list[Cell]:
    """The notebook's cells, a Markdown cell split at its headings, each tagged with its part.

    A heading that begins "Going further" opens the going-further part, which runs to the next
    heading of the same or a higher level that does not begin so; "References" opens a part
    the model does not count, to the next heading of the same or a higher level.
    """
    out: list[Cell] = []
    part, part_level, section = "core", 0, ""
    for index, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] != "markdown":
            out.append(Cell(index, cell["cell_type"], source, part, section))
            continue
        chunk: list[str] = []
        for line in source.splitlines():
            found = HEADING.match(line)
            if found:
                if chunk:
                    out.append(Cell(index, "markdown", "\n".join(chunk), part, section))
                chunk = []
                level, title = len(found.group(1)), found.group(2)
                if part != "core" and level <= part_level:
                    part, part_level = "core", 0
                if title.startswith(GOING_FURTHER) and part == "core":
                    part, part_level = "going further", level
                elif title.startswith(REFERENCES) and part == "core":
                    part, part_level = "references", level
                if level <= 2:
                    section = title
            chunk.append(line)
        if chunk:
            out.append(Cell(index, "markdown", "\n".join(chunk), part, section))
    return out


def stated_minutes(notebook: dict[str, Any]) -> int | None:
    """The minutes a notebook's header states (`**Time:** N minutes`), if it states any."""
    found = STATED.search("".join(notebook["cells"][0]["source"]))
    return int(found.group(1)) if found else None


def cell_hash(source: str) -> str:
    """The key of a code cell in the record of output words: a hash of its source."""
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def is_wordless(source: str, figures: Figures) -> bool:
    """A cell whose every line is a comment, an import or a call that shows no words."""
    for line in source.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "import ", "from ")):
            continue
        if not line.startswith(figures.wordless):
            return False
    return True


def count_notebook(
    path: Path,
    catalogue: Catalogue,
    figures: Figures,
    outputs: dict[str, dict[str, dict[str, int]]],
    root: Path | None = None,
) -> NotebookTime:
    """Count everything a student does in the notebook at `path`."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    name = path.stem
    result = NotebookTime(name, stated_minutes(notebook))
    recorded = outputs.get(name, {})
    add = result.items.append
    add(Item("overhead", "Start and hand in", "core", minutes=figures.overhead))
    tasks = [task for task in figures.tasks if task["notebook"] == name]
    found: set[str] = set()
    for reading in figures.readings.get(name, ()):
        text = (_root(root) / reading).read_text(encoding="utf-8")
        add(Item("reading", f"{_first_section(notebook)} › {reading}", "core", words(text)))
    for cell in cells_with_parts(notebook):
        if cell.part == "references":
            continue
        label = cell.section or "Opening"
        if cell.kind == "markdown":
            for task in tasks:
                if task["marker"] in cell.source:
                    found.add(task["marker"])
                    add(Item("task", f"{label} › {task['marker']}", cell.part, 0, task["minutes"]))
            if DISCUSSION.search(cell.source):
                add(_discussion(cell, figures, name, result.problems))
            else:
                add(Item("reading", label, cell.part, words(cell.source)))
        elif cell.kind == "code":
            result.items.extend(_code_items(cell, label, catalogue, figures, recorded, name))
    missing = [task["marker"] for task in tasks if task["marker"] not in found]
    if missing:
        raise TimingError(
            f"{name}: the task {missing[0]!r} of {FIGURES_FILE} is no longer in the notebook; "
            "update its marker (or remove it) there"
        )
    if name in figures.role_card_notebooks:
        add(Item("reading", "Role card (the longest)", "core", _longest_role_card()))
    _place_role_card(result)
    return result


def _first_section(notebook: dict[str, Any]) -> str:
    for cell in cells_with_parts(notebook)[1:]:
        if cell.section:
            return cell.section
    return "Opening"


def _place_role_card(result: NotebookTime) -> None:
    """Put the role card just after its picker, in the picker's part and section."""
    cards = [i for i in result.items if i.label == "Role card (the longest)"]
    pickers = [i for i in result.items if i.kind == "activity" and "role_card" in i.label]
    if cards and pickers:
        card, picker = cards[0], pickers[0]
        result.items.remove(card)
        section = picker.label.split(" › ")[0]
        placed = Item("reading", f"{section} › role card (the longest)", picker.part, card.words)
        result.items.insert(result.items.index(picker) + 1, placed)


def _discussion(cell: Cell, figures: Figures, name: str, problems: list[str]) -> Item:
    """A discussion at its printed time; a missing or short time is counted at the least
    time and reported as a problem (the test fails on it; the table still prints)."""
    title = cell.source.splitlines()[0].removeprefix("###").strip()
    found = DISCUSSION_TIME.search(cell.source)
    minutes = float(found.group(1)) if found else 0.0
    if not found:
        problems.append(f"{name}: '{title}' has no '**Time:** N minutes' line")
    elif minutes < figures.least_discussion:
        problems.append(
            f"{name}: '{title}' prints {minutes:g} minutes; a discussion takes at least "
            f"{figures.least_discussion:g} ({FIGURES_FILE})"
        )
    minutes = max(minutes, figures.least_discussion)
    return Item("discussion", f"{cell.section} › {title}", cell.part, minutes=minutes)


def _code_items(
    cell: Cell,
    label: str,
    catalogue: Catalogue,
    figures: Figures,
    recorded: dict[str, dict[str, int]],
    name: str,
) -> list[Item]:
    items: list[Item] = []
    for qid in ASK.findall(cell.source):
        question = catalogue[qid]
        items.append(
            Item(
                "question",
                f"{label} › {qid}",
                cell.part,
                question_words(question),
                figures.question(question),
            )
        )
    for call, minutes in figures.activity_minutes.items():
        if call in cell.source:
            items.append(Item("activity", f"{label} › {call.rstrip('(')}", cell.part, 0, minutes))
    if PENCIL in cell.source:
        items.append(
            Item(
                "code",
                f"{label} › {_code_kind(cell.source)}",
                cell.part,
                0,
                figures.code_minutes[_code_kind(cell.source)],
            )
        )
    if any(call in cell.source for call in figures.glanced):
        return items
    if is_wordless(cell.source, figures):
        return items
    shown = recorded.get(cell_hash(cell.source))
    if shown is None:
        first = cell.source.strip().splitlines()[0] if cell.source.strip() else "(empty)"
        raise TimingError(
            f"{name}, cell {cell.index} ({first[:60]!r}) has no recorded output words: its code "
            "changed since the last measurement. Run `python -m "
            "diplomatic_cover.instructor.timing --measure` and commit "
            f"{OUTPUTS_FILE}."
        )
    if shown["words"]:
        items.append(Item("reading", f"{label} › output", cell.part, shown["words"]))
    if shown["figures"]:
        items.append(
            Item(
                "figure",
                f"{label} › figure",
                cell.part,
                0,
                shown["figures"] * figures.figure_minutes,
            )
        )
    return items


def _code_kind(source: str) -> str:
    """ "step", "try_it" or "task": what the ✏️ in this cell asks of the student."""
    for line in source.splitlines():
        if PENCIL in line:
            if re.search(r"✏️\s*Step\b", line):
                return "step"
            if re.search(r"✏️\s*Try it\b", line):
                return "try_it"
            return "task"
    return "task"


def question_words(question: Question) -> int:
    """Words of a question as a student reads them: its prompt and every label shown."""
    labels = (*question.options, *question.statements, *question.labels)
    return words(question.prompt) + sum(words(choice.label) for choice in labels)


def _longest_role_card() -> int:
    from diplomatic_cover.lessons.policy import ROLE_CARDS, role_card

    return max(words(role_card(role)) for role in ROLE_CARDS)


def load_outputs(root: Path | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """The record of output words per notebook and code cell (empty if never measured)."""
    path = _root(root) / OUTPUTS_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["notebooks"]


def kit_times(root: Path | None = None) -> list[NotebookTime]:
    """The model's count for every guided notebook and exercise of the kit at `root`."""
    figures = load_figures(root)
    catalogue = load_catalogue()
    outputs = load_outputs(root)
    return [
        count_notebook(path, catalogue, figures, outputs, root) for path in notebook_paths(root)
    ]


def minutes_up(value: float) -> int:
    """A time as the kit states it: whole minutes, rounded up (a little slack, never short)."""
    return math.ceil(value - 1e-9)


def table(times: Sequence[NotebookTime], figures: Figures) -> str:
    """The timing table as Markdown: core at both reading speeds, going further, stated."""
    fast, slow = figures.words_per_minute, figures.slow_words_per_minute
    lines = [
        f"| Notebook | Core at {fast:g} wpm | Core at {slow:g} wpm | Going further "
        f"| Discussions | Stated |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in times:
        further = t.minutes(fast, "going further")
        discussions = sum(i.minutes for i in t.discussions if i.part == "core")
        lines.append(
            f"| {t.name} | {t.minutes(fast):.1f} | {t.minutes(slow):.1f} | "
            f"{further:.1f} | {discussions:g} | {t.stated if t.stated is not None else '?'} |"
        )
    return "\n".join(lines)


def breakdown(time: NotebookTime, figures: Figures) -> str:
    """One notebook's count by kind of work and part, for authors cutting a notebook."""
    fast = figures.words_per_minute
    rows: dict[tuple[str, str], list[float]] = {}
    for item in time.items:
        row = rows.setdefault((item.part, item.kind), [0, 0.0])
        row[0] += item.words
        row[1] += item.time(fast)
    lines = [f"{time.name}:"]
    for (part, kind), (count, minutes) in sorted(rows.items()):
        lines.append(f"  {part:14} {kind:11} {int(count):6d} words {minutes:6.1f} min")
    for section, minutes in time.section_minutes(fast).items():
        lines.append(f"    {minutes:5.1f}  {section}")
    return "\n".join(lines)


def measure(root: Path | None = None, names: Iterable[str] = ()) -> dict[str, Any]:
    """Run every notebook (or those in `names`) in a real kernel and count its output words.

    Returns the record `OUTPUTS_FILE` holds: per notebook, per code cell (by `cell_hash`),
    the words of its tables and printed results (HTML without tags, plain text, streams;
    widgets have none) and its number of figures. The answer store is a temporary folder.
    """
    import os
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    wanted = set(names)
    record: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as store:
        saved = os.environ.get(paths.RESPONSES_ENV)
        os.environ[paths.RESPONSES_ENV] = store
        try:
            for path in notebook_paths(root):
                if wanted and path.stem not in wanted:
                    continue
                notebook = nbformat.read(path, as_version=4)
                client = NotebookClient(
                    notebook,
                    kernel_name="python3",
                    timeout=180,
                    resources={"metadata": {"path": str(path.parent)}},
                )
                client.execute()
                record[path.stem] = {
                    cell_hash(cell.source): _shown(cell.outputs)
                    for cell in notebook.cells
                    if cell.cell_type == "code"
                }
        finally:
            if saved is None:
                os.environ.pop(paths.RESPONSES_ENV, None)
            else:
                os.environ[paths.RESPONSES_ENV] = saved
    return record


def _shown(outputs: Sequence[dict[str, Any]]) -> dict[str, int]:
    count, pictures = 0, 0
    for output in outputs:
        if output.get("output_type") == "stream":
            count += words(output.get("text", ""))
            continue
        data = output.get("data", {})
        if "text/html" in data:
            page = data["text/html"]
            count += words(page)
            pictures += len(re.findall(r"<img\b", page))
        elif "image/png" in data or "image/svg+xml" in data:
            pictures += 1
        elif "application/vnd.jupyter.widget-view+json" in data:
            continue
        elif "text/plain" in data:
            count += words(data["text/plain"])
    return {"words": count, "figures": pictures}


def write_outputs(record: dict[str, Any], root: Path | None = None) -> Path:
    """Merge `record` into `OUTPUTS_FILE` (notebooks measured replace their old entry)."""
    path = _root(root) / OUTPUTS_FILE
    notebooks = load_outputs(root)
    notebooks.update(record)
    document = {
        "about": (
            "Words of the tables and printed results of each notebook's code cells, and "
            "their figures, from a real run (python -m diplomatic_cover.instructor.timing "
            "--measure). Keys are hashes of the cells' source: a changed cell must be "
            "measured again."
        ),
        "notebooks": {name: dict(sorted(notebooks[name].items())) for name in sorted(notebooks)},
    }
    path.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return path


def _root(root: Path | None) -> Path:
    if root is not None:
        return root
    found = paths.kit_root()
    if found is None:
        raise TimingError(
            "The timing model reads the kit's notebooks and instructors/timing.toml: run it "
            "from a clone of the kit (an editable install), not from an installed wheel."
        )
    return found


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m diplomatic_cover.instructor.timing",
        description="Print how long each notebook and exercise takes, by the kit's model.",
    )
    parser.add_argument(
        "--measure",
        nargs="*",
        metavar="NOTEBOOK",
        help="first run these notebooks (all, if none named) and record their output words",
    )
    parser.add_argument(
        "--detail", action="store_true", help="also print each notebook's count by kind"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="also list every place (README, headers, guides, course plans) that states other "
        "figures than the model, and every core over its stated time; exit 1 if any",
    )
    args = parser.parse_args(argv)
    if args.measure is not None:
        written = write_outputs(measure(names=args.measure))
        print(f"Recorded output words in {written}")
    figures = load_figures()
    times = kit_times()
    print(table(times, figures))
    problems = [problem for time in times for problem in time.problems]
    if args.check:
        problems += check_kit(times, figures, _root(None))
    for problem in problems:
        print(f"Problem: {problem}")
    if args.detail:
        for time in times:
            print(breakdown(time, figures))
    return 1 if args.check and problems else 0


def expected(time: NotebookTime, figures: Figures) -> timing_docs.Expected:
    """The figures the kit states for a notebook: whole minutes, rounded up."""
    return timing_docs.Expected(
        stated=time.stated,
        core=minutes_up(time.minutes(figures.words_per_minute)),
        slow=minutes_up(time.minutes(figures.slow_words_per_minute)),
        further=minutes_up(time.minutes(figures.words_per_minute, "going further")),
    )


def figure_problems(times: Sequence[NotebookTime], figures: Figures, root: Path) -> list[str]:
    """Every figure stated in README, a header, a guide or the course plans that differs."""
    want = {t.name: expected(t, figures) for t in times}
    wpm = (figures.words_per_minute, figures.slow_words_per_minute)
    return timing_docs.figure_problems(want, root, wpm)


def plan_problems(time: NotebookTime, root: Path) -> list[str]:
    """What is wrong with the guide's plan for this notebook (`timing_docs.plan_problems`)."""
    discussions = [
        (i.label.split(" › ")[-1].removeprefix("Discussion:").strip(), i.minutes)
        for i in time.discussions
        if i.part == "core"
    ]
    return timing_docs.plan_problems(time.name, time.stated, discussions, root)


def check_kit(times: Sequence[NotebookTime], figures: Figures, root: Path) -> list[str]:
    """Cores over their stated time, and stated figures or plans that disagree with the model."""
    problems = [
        f"{t.name}: the core takes {t.minutes(figures.words_per_minute):.1f} minutes, more than "
        f"the {t.stated} it states"
        for t in times
        if t.stated is None or t.minutes(figures.words_per_minute) > t.stated
    ]
    problems += figure_problems(times, figures, root)
    for time in times:
        if not time.name.startswith(("ex", "00")):
            problems += plan_problems(time, root)
    return problems


if __name__ == "__main__":
    sys.exit(main())
