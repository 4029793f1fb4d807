"""How long a student waits for the answer store: saving an answer, and restoring a notebook.

Every save is a locked read-merge-write of the whole document with two fsyncs, so its cost
grows with the document. This measures a large case: a document of 100 answers, one of them
5,000 characters long, into which that long answer is saved again and again. Restoring is
what reopening a notebook does: load the document and read each of the 100 answers.

Run: .venv/bin/python benchmarks/bench_store.py [--saves N] [--folder PATH]
Pass --folder to measure on a particular file system (e.g. a network home directory).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore

NOTEBOOK = "02_espionage_risk"
STUDENT = Student(id="bench-student", name="Bench Student")
QUESTIONS = [f"02.q{n:03d}" for n in range(100)]
ESSAY = QUESTIONS[0]


def essay(number: int) -> str:
    head = f"Essay draft {number}: "
    return head + "x" * (5000 - len(head))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def seed(store: ResponseStore) -> Path:
    """A document holding 100 answers, the first of them 5,000 characters long."""
    store.save_answer(STUDENT, NOTEBOOK, ESSAY, essay(0))
    for question in QUESTIONS[1:]:
        store.save_answer(STUDENT, NOTEBOOK, question, f"A short answer to {question}.")
    return store.document_path(STUDENT, NOTEBOOK)


def time_saves(store: ResponseStore, saves: int) -> list[float]:
    latencies = []
    for number in range(1, saves + 1):
        start = time.perf_counter()
        store.save_answer(STUDENT, NOTEBOOK, ESSAY, essay(number))
        latencies.append(time.perf_counter() - start)
    return latencies


def time_restores(folder: Path, repeat: int) -> tuple[list[float], list[float]]:
    """(load once + read 100 answers, 100 get_answer calls), each with a fresh store."""
    whole, one_by_one = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        answers = ResponseStore(folder).load(STUDENT, NOTEBOOK)["answers"]
        restored = [answers[question]["value"] for question in QUESTIONS]
        whole.append(time.perf_counter() - start)
        assert len(restored) == 100

        store = ResponseStore(folder)
        start = time.perf_counter()
        for question in QUESTIONS:
            store.get_answer(STUDENT, NOTEBOOK, question)
        one_by_one.append(time.perf_counter() - start)
    return whole, one_by_one


def time_widget_restores(folder: Path, repeat: int) -> list[float]:
    """Seconds to draw 100 question widgets with their saved answers, as a re-run notebook does.

    Each widget reads its own answer from the store (a fresh store per run, so nothing is
    cached between runs); no browser is attached, so this is the kernel's share of the wait.
    """
    from diplomatic_cover.answers.catalogue import Question
    from diplomatic_cover.widgets.question import QuestionWidget

    questions = [
        Question(id=q, notebook=NOTEBOOK, type="text", prompt=f"Question {q}?") for q in QUESTIONS
    ]
    runs = []
    for _ in range(repeat):
        store = ResponseStore(folder)
        start = time.perf_counter()
        widgets = [QuestionWidget(q, student=STUDENT, store=store) for q in questions]
        runs.append(time.perf_counter() - start)
        assert all(w.value for w in widgets)
        for widget in widgets:
            widget.close()
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--restores", type=int, default=100)
    parser.add_argument("--folder", type=Path, help="store folder (default: a temporary one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=args.folder) as folder:
        store = ResponseStore(Path(folder))
        path = seed(store)
        print(f"store folder: {folder}")
        print(f"document: 100 answers (one of 5,000 characters), {path.stat().st_size:,} bytes")

        latencies = time_saves(store, args.saves)
        print(f"save a 5,000-character answer, {args.saves} saves:")
        print(
            f"  median {ms(statistics.median(latencies))}, "
            f"p95 {ms(percentile(latencies, 0.95))}, worst {ms(max(latencies))}"
        )

        whole, one_by_one = time_restores(Path(folder), args.restores)
        print(f"restore 100 answers, {args.restores} runs:")
        print(
            f"  load document + read each answer: median {ms(statistics.median(whole))}, "
            f"worst {ms(max(whole))}"
        )
        print(
            f"  100 get_answer() calls (each re-reads the file): "
            f"median {ms(statistics.median(one_by_one))}, worst {ms(max(one_by_one))}"
        )
        widgets = time_widget_restores(Path(folder), max(3, args.restores // 10))
        print(
            "  100 question widgets created with their saved answers (a notebook re-run, "
            f"kernel side): median {ms(statistics.median(widgets))}, worst {ms(max(widgets))}"
        )


if __name__ == "__main__":
    main()
