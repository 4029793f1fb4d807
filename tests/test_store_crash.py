"""A kernel killed in the middle of saving never costs a student their answers.

A child process saves a benchmark-sized document (100 answers, one of 5,000 characters) in
a tight loop, so it is nearly always inside a save, and the test SIGKILLs it at random
moments, hundreds of times, restarting it each time. After every kill the document must
parse, the answer being saved must hold either its old or its new value, the other 99
answers must be untouched, and the next writer must get through the dead writer's lock.

The child reports each save that returned through shared memory (no system call, so
reporting cannot shift where the kills land). Kills that leave the dead writer's lock or
temporary file behind are counted: they prove the kill landed mid-save.
"""

import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore

pytestmark = [
    pytest.mark.slow,
    pytest.mark.long,  # 250 writers killed mid-save: about 10 s
    pytest.mark.skipif(
        not hasattr(signal, "SIGKILL") or "fork" not in multiprocessing.get_all_start_methods(),
        reason="needs SIGKILL and fork (POSIX)",
    ),
]

KILLS = 250
STALE = 0.5
NOTEBOOK = "02_espionage_risk"
STUDENT = Student(id="ana-silva", name="Ana Silva")
ESSAY = "essay"


def essay(number: int) -> str:
    """A 5,000-character answer that says which save wrote it."""
    head = f"{number:08d} "
    return head + "x" * (5000 - len(head))


def saved_number(document: dict) -> int:
    return int(document["answers"][ESSAY]["value"][:8])


def save_forever(folder: Path, first: int, confirmed) -> None:
    """The child: save the essay again and again, reporting each save that returned."""
    store = ResponseStore(folder, stale_lock_seconds=STALE)
    number = first
    while True:
        store.save_answer(STUDENT, NOTEBOOK, ESSAY, essay(number))
        confirmed.value = number
        number += 1


def left_behind(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_killing_a_writer_mid_save_never_breaks_the_document(tmp_path):
    store = ResponseStore(tmp_path, stale_lock_seconds=STALE)
    others = {f"q{n:02d}": f"answer {n}: diplomatic cover, reciprocity" for n in range(99)}
    for question, value in others.items():
        store.save_answer(STUDENT, NOTEBOOK, question, value)
    store.save_answer(STUDENT, NOTEBOOK, ESSAY, essay(0))
    path = store.document_path(STUDENT, NOTEBOOK)
    folder = path.parent

    context = multiprocessing.get_context("fork")
    confirmed = context.RawValue("q", 0)
    rng = random.Random(20261127)
    mid_save = with_temporary_file = new_value_kept = 0
    longest_wait = 0.0
    current = 0
    started = time.monotonic()

    for _ in range(KILLS):
        first = current + 1
        confirmed.value = current
        child = context.Process(target=save_forever, args=(store.folder, first, confirmed))
        child.start()
        # The next writer must get through whatever the last one left behind.
        waited_from = time.monotonic()
        while confirmed.value < first:
            assert child.is_alive(), f"the writer died on its own (exit code {child.exitcode})"
            assert time.monotonic() - waited_from < 10, "the next writer could not save"
            time.sleep(0.0005)
        longest_wait = max(longest_wait, time.monotonic() - waited_from)

        time.sleep(rng.uniform(0, 0.004))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        last_returned = confirmed.value

        names = left_behind(folder)
        mid_save += any(".lock" in name or ".tmp-" in name for name in names)
        with_temporary_file += any(".tmp-" in name for name in names)
        document = json.loads(path.read_text(encoding="utf-8"))  # always parses
        current = saved_number(document)
        assert current in (last_returned, last_returned + 1), "neither the old nor the new value"
        new_value_kept += current == last_returned + 1
        assert {q: document["answers"][q]["value"] for q in others} == others
        assert not list(folder.glob("*.unreadable-*")), "a good document was set aside"

    # A normal writer carries on, and sweeps away what the killed writers left.
    store.save_answer(STUDENT, NOTEBOOK, "after", "still works")
    assert store.pop_notices() == []
    assert store.get_answer(STUDENT, NOTEBOOK, ESSAY)["value"] == essay(current)
    assert left_behind(folder) == []

    print(
        f"\n{KILLS} kills in {time.monotonic() - started:.1f} s: {mid_save} mid-save "
        f"({with_temporary_file} while writing the new version), {new_value_kept} after "
        f"the new version landed but before the save returned; {current} saves in all; "
        f"longest wait for the next writer {longest_wait * 1000:.0f} ms"
    )
    assert mid_save > KILLS // 2, f"only {mid_save} of {KILLS} kills landed mid-save"
