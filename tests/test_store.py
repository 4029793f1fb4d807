"""The answer store keeps every answer: across restarts, bad files, locks and two kernels."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from diplomatic_cover import safe_files as store_module
from diplomatic_cover._version import __version__
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.safe_files import StoreError, file_lock

NOTEBOOK = "02_espionage_risk"
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
ANA = Student(id="ana-silva", name="Ana Silva")


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path / "responses")


def leftovers(folder: Path) -> list[str]:
    """Lock and temporary files in a student's folder (there should be none at rest)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- Saving and reading back ------------------------------------------------------------


def test_an_answer_comes_back_after_a_restart(store):
    store.save_answer(ANA, NOTEBOOK, "02.cover-size", 12)
    restarted = ResponseStore(store.folder)
    assert restarted.get_answer(ANA, NOTEBOOK, "02.cover-size")["value"] == 12


@pytest.mark.parametrize(
    "value",
    ["Diplomats under cover", 3, 2.5, True, None, ["a", "b"], {"low": 1, "high": [2, 3]}, "é😀"],
)
def test_any_plain_json_value_round_trips(store, value):
    entry = store.save_answer(ANA, NOTEBOOK, "q", value)
    assert entry["value"] == value
    assert store.get_answer(ANA, NOTEBOOK, "q")["value"] == value


def test_the_stored_entry_is_what_reads_back(store):
    entry = store.save_answer(ANA, NOTEBOOK, "q", ("a", "b"))  # a tuple is stored as a list
    assert entry == store.get_answer(ANA, NOTEBOOK, "q")
    assert entry["value"] == ["a", "b"]


def test_what_the_student_typed_is_kept_even_when_it_was_not_understood(store):
    store.save_answer(ANA, NOTEBOOK, "02.cover-size", None, valid=False, raw="1O")
    entry = store.get_answer(ANA, NOTEBOOK, "02.cover-size")
    assert entry["valid"] is False and entry["raw"] == "1O" and entry["value"] is None


def test_values_that_are_not_plain_data_are_refused_and_nothing_is_written(store):
    for value in [{1, 2}, float("nan"), object()]:
        with pytest.raises(StoreError, match="plain data"):
            store.save_answer(ANA, NOTEBOOK, "q", value)
    assert not store.document_path(ANA, NOTEBOOK).exists()


def test_the_document_has_the_agreed_shape(store):
    store.save_answer(ANA, NOTEBOOK, "q1", "yes", raw="yes")
    store.save_check(ANA, NOTEBOOK, "c1", [1, 2], passed=True)
    path = store.document_path(ANA, NOTEBOOK)
    assert path == store.folder / "ana-silva" / f"{NOTEBOOK}.json"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n "schema"')  # indent 1
    document = json.loads(text)
    assert document["schema"] == "diplomatic-cover.responses"
    assert document["schema_version"] == 1
    assert document["kit_version"] == __version__
    assert document["student"] == {"id": "ana-silva", "name": "Ana Silva"}
    assert document["notebook"] == NOTEBOOK
    assert ISO_UTC.fullmatch(document["created"]) and ISO_UTC.fullmatch(document["updated"])
    assert document["revision"] == 2
    answer = document["answers"]["q1"]
    assert set(answer) == {"value", "valid", "raw", "saved_at", "revision"}
    assert ISO_UTC.fullmatch(answer["saved_at"])
    assert document["checks"]["c1"] == {
        "value": [1, 2],
        "passed": True,
        "saved_at": document["checks"]["c1"]["saved_at"],
        "revision": 2,
    }


def test_non_ascii_text_is_stored_readably_as_utf8(store):
    store.save_answer(ANA, NOTEBOOK, "q", "Ambassade à Moscou")
    assert "Ambassade à Moscou" in store.document_path(ANA, NOTEBOOK).read_text("utf-8")


def test_loading_before_any_save_gives_an_empty_document_and_writes_nothing(store):
    document = store.load(ANA, NOTEBOOK)
    assert document["answers"] == {} and document["checks"] == {}
    assert document["revision"] == 0 and document["student"]["id"] == "ana-silva"
    assert store.get_answer(ANA, NOTEBOOK, "q") is None
    assert not store.folder.exists()


def test_every_change_counts_a_revision(store):
    assert store.save_answer(ANA, NOTEBOOK, "q1", "a")["revision"] == 1
    assert store.save_answer(ANA, NOTEBOOK, "q2", "b")["revision"] == 2
    assert store.save_check(ANA, NOTEBOOK, "c1", 3, passed=False)["revision"] == 3
    assert store.save_answer(ANA, NOTEBOOK, "q1", "a, revised")["revision"] == 4
    document = store.load(ANA, NOTEBOOK)
    assert document["revision"] == 4
    assert document["answers"]["q2"]["revision"] == 2  # untouched answers keep theirs


def test_clearing_an_answer_removes_only_that_answer(store):
    store.save_answer(ANA, NOTEBOOK, "q1", "a")
    store.save_answer(ANA, NOTEBOOK, "q2", "b")
    store.clear_answer(ANA, NOTEBOOK, "q1")
    assert store.get_answer(ANA, NOTEBOOK, "q1") is None
    assert store.get_answer(ANA, NOTEBOOK, "q2")["value"] == "b"
    assert store.load(ANA, NOTEBOOK)["revision"] == 3


def test_clearing_what_was_never_answered_changes_nothing(store):
    store.clear_answer(ANA, NOTEBOOK, "q1")
    assert not store.folder.exists()
    store.save_answer(ANA, NOTEBOOK, "q2", "b")
    store.clear_answer(ANA, NOTEBOOK, "q1")
    assert store.load(ANA, NOTEBOOK)["revision"] == 1


def test_checks_record_passed_failed_or_unmarked(store):
    store.save_check(ANA, NOTEBOOK, "c-pass", 42, passed=True)
    store.save_check(ANA, NOTEBOOK, "c-open", "essay", passed=None)
    checks = store.load(ANA, NOTEBOOK)["checks"]
    assert checks["c-pass"]["passed"] is True and checks["c-pass"]["value"] == 42
    assert checks["c-open"]["passed"] is None


def test_students_and_their_documents_are_listed(store):
    bo = Student(id="bo", name="Bo")
    store.save_answer(ANA, NOTEBOOK, "q", 1)
    store.save_answer(ANA, "03_reciprocity", "q", 1)
    store.save_answer(bo, NOTEBOOK, "q", 1)
    assert store.students() == ["ana-silva", "bo"]
    assert store.documents("ana-silva") == [
        store.folder / "ana-silva" / f"{NOTEBOOK}.json",
        store.folder / "ana-silva" / "03_reciprocity.json",
    ]
    assert store.documents("nobody") == []
    assert ResponseStore(store.folder / "missing").students() == []


def test_the_default_folder_is_the_kits_answer_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("DIPLOMATIC_COVER_RESPONSES", str(tmp_path / "elsewhere"))
    assert ResponseStore().folder == tmp_path / "elsewhere"


# -- Names that could escape the store ----------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "with space", "ü", "x" * 101, None]
)
def test_odd_notebook_names_and_question_ids_are_refused(store, bad):
    with pytest.raises(StoreError, match="not a valid notebook name"):
        store.save_answer(ANA, bad, "q", 1)
    with pytest.raises(StoreError, match="not a valid question id"):
        store.save_answer(ANA, NOTEBOOK, bad, 1)
    with pytest.raises(StoreError, match="not a valid check id"):
        store.save_check(ANA, NOTEBOOK, bad, 1, passed=None)
    with pytest.raises(StoreError):
        store.get_answer(ANA, NOTEBOOK, bad)
    assert not store.folder.exists()


@pytest.mark.parametrize("bad", ["../evil", "..", "Ana", "a/b", "", "-x"])
def test_student_ids_that_are_not_file_safe_are_refused(store, bad):
    with pytest.raises(StoreError, match="not a valid student id"):
        store.save_answer(Student(id=bad, name="Eve"), NOTEBOOK, "q", 1)
    with pytest.raises(StoreError, match="not a valid student id"):
        store.documents(bad)


# -- Files that cannot be read are kept aside, never lost ----------------------------------


def test_a_corrupted_document_is_kept_aside_and_a_fresh_one_started(store):
    path = store.document_path(ANA, NOTEBOOK)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"schema": "diplomatic-cover.responses", "answers": {"q1": ')

    assert store.load(ANA, NOTEBOOK)["answers"] == {}

    (kept,) = path.parent.glob(f"{NOTEBOOK}.json.unreadable-*")
    assert kept.read_bytes().endswith(b'{"q1": ')  # byte for byte what was there
    (notice,) = store.pop_notices()
    assert notice.startswith(f"Your saved answers for {NOTEBOOK} could not be read;")
    assert str(kept) in notice and "Tell your instructor." in notice
    assert store.pop_notices() == []
    # Saving starts the fresh document; the kept file is not listed as a document.
    store.save_answer(ANA, NOTEBOOK, "q1", "again")
    assert store.load(ANA, NOTEBOOK)["revision"] == 1
    assert store.documents("ana-silva") == [path]


def test_a_corrupted_document_found_while_saving_is_kept_aside_too(store):
    path = store.document_path(ANA, NOTEBOOK)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00\x00\x00")  # what a crashed file system can leave
    store.save_answer(ANA, NOTEBOOK, "q1", "new")
    assert len(list(path.parent.glob("*.unreadable-*"))) == 1
    assert len(store.pop_notices()) == 1
    assert store.get_answer(ANA, NOTEBOOK, "q1")["value"] == "new"


def _valid_document(store) -> dict:
    store.save_answer(ANA, NOTEBOOK, "q1", "a")
    document = store.load(ANA, NOTEBOOK)
    store.document_path(ANA, NOTEBOOK).unlink()
    return document


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(schema="someone-elses.responses"),
        lambda d: d.update(schema_version=2),
        lambda d: d.update(revision="3"),
        lambda d: d.update(answers=[]),
        lambda d: d["answers"]["q1"].pop("valid"),
        lambda d: d["answers"]["q1"].update(saved_at=None),
        lambda d: d.update(student={"id": "bo", "name": "Bo"}),  # a file copied from Bo
        lambda d: d.update(notebook="03_reciprocity"),
    ],
    ids=[
        "schema-name",
        "schema-version",
        "revision-type",
        "answers-type",
        "answer-missing-field",
        "saved-at-type",
        "other-student",
        "other-notebook",
    ],
)
def test_a_document_not_matching_the_schema_is_kept_aside(store, damage):
    document = _valid_document(store)
    damage(document)
    path = store.document_path(ANA, NOTEBOOK)
    path.write_text(json.dumps(document), encoding="utf-8")

    assert store.get_answer(ANA, NOTEBOOK, "q1") is None
    (kept,) = path.parent.glob(f"{NOTEBOOK}.json.unreadable-*")
    assert json.loads(kept.read_text("utf-8")) == document
    assert len(store.pop_notices()) == 1


def test_setting_aside_never_overwrites_an_earlier_kept_file(store, monkeypatch):
    monkeypatch.setattr(store_module, "_file_stamp", lambda: "20261127T104205.123Z")
    path = store.document_path(ANA, NOTEBOOK)
    path.parent.mkdir(parents=True)
    for content in (b"first bad", b"second bad"):
        path.write_bytes(content)
        store.load(ANA, NOTEBOOK)
    kept = sorted(path.parent.glob("*.unreadable-*"))
    assert [p.name for p in kept] == [
        f"{NOTEBOOK}.json.unreadable-20261127T104205.123Z",
        f"{NOTEBOOK}.json.unreadable-20261127T104205.123Z-2",
    ]
    assert [p.read_bytes() for p in kept] == [b"first bad", b"second bad"]


# -- Locks ----------------------------------------------------------------------------------


def _plant_lock(path: Path, *, age: float, host: str = "another-machine") -> Path:
    """A lock file as another writer would leave it, `age` seconds old."""
    lock = path.with_name(f".{path.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    owner = {"pid": 4242, "host": host, "namespace": "elsewhere", "time": "", "token": "theirs"}
    lock.write_text(json.dumps(owner))
    stamp = time.time() - age
    os.utime(lock, (stamp, stamp))
    return lock


def test_a_stale_lock_left_by_a_crashed_writer_is_broken(tmp_path):
    store = ResponseStore(tmp_path, stale_lock_seconds=30)
    path = store.document_path(ANA, NOTEBOOK)
    _plant_lock(path, age=120)
    started = time.monotonic()
    store.save_answer(ANA, NOTEBOOK, "q1", "saved anyway")
    assert time.monotonic() - started < 5
    assert store.get_answer(ANA, NOTEBOOK, "q1")["value"] == "saved anyway"
    assert leftovers(path.parent) == []


def test_a_fresh_lock_of_another_machine_is_respected(tmp_path):
    """A live writer on another machine is never overruled before the stale timeout."""
    store = ResponseStore(tmp_path, stale_lock_seconds=30, lock_timeout=0.5)
    path = store.document_path(ANA, NOTEBOOK)
    lock = _plant_lock(path, age=1)
    with pytest.raises(StoreError, match="stayed busy"):
        store.save_answer(ANA, NOTEBOOK, "q1", "too early")
    assert json.loads(lock.read_text())["token"] == "theirs"
    assert not path.exists()


def test_a_lock_whose_process_has_ended_on_this_machine_is_broken_at_once(tmp_path):
    store = ResponseStore(tmp_path, stale_lock_seconds=30, lock_timeout=2)
    path = store.document_path(ANA, NOTEBOOK)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    lock = _plant_lock(path, age=0, host=socket.gethostname())
    owner = json.loads(lock.read_text())
    owner.update(pid=int(ended.stdout), namespace=store_module._process_namespace())
    lock.write_text(json.dumps(owner))
    if not owner["namespace"]:
        pytest.skip("process checks need Linux; elsewhere locks are broken by age only")
    store.save_answer(ANA, NOTEBOOK, "q1", "no wait")
    assert store.get_answer(ANA, NOTEBOOK, "q1")["value"] == "no wait"


def test_a_second_writer_waits_for_a_held_lock_and_then_saves(store):
    store.save_answer(ANA, NOTEBOOK, "q1", "first")
    path = store.document_path(ANA, NOTEBOOK)
    errors = []

    def second_kernel() -> None:
        try:
            ResponseStore(store.folder).save_answer(ANA, NOTEBOOK, "q2", "second")
        except Exception as error:  # reported by the main thread
            errors.append(error)

    with file_lock(path):
        writer = threading.Thread(target=second_kernel)
        writer.start()
        time.sleep(0.5)
        assert writer.is_alive(), "the second writer should be waiting for the lock"
        assert store.get_answer(ANA, NOTEBOOK, "q2") is None
    writer.join(timeout=10)
    assert not writer.is_alive() and errors == []
    answers = store.load(ANA, NOTEBOOK)["answers"]
    assert answers["q1"]["value"] == "first" and answers["q2"]["value"] == "second"
    assert leftovers(path.parent) == []


WRITER = """
import sys, time
from pathlib import Path
from diplomatic_cover.identity import Student
from diplomatic_cover.store import ResponseStore

folder, question = Path(sys.argv[1]), sys.argv[2]
store = ResponseStore(folder)
student = Student(id="ana-silva", name="Ana Silva")
print("ready", flush=True)
while not (folder / "go").exists():  # start together with the other kernel
    time.sleep(0.001)
for number in range(1000):
    store.save_answer(student, "02_espionage_risk", question, number)
"""


@pytest.mark.slow
def test_two_kernels_writing_the_same_document_lose_nothing(tmp_path):
    kernels = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), question],
            stdout=subprocess.PIPE,
            text=True,
        )
        for question in ("q-left", "q-right")
    ]
    for kernel in kernels:
        assert kernel.stdout.readline() == "ready\n"
    (tmp_path / "go").touch()
    for kernel in kernels:
        assert kernel.wait(timeout=120) == 0
        kernel.stdout.close()

    path = ResponseStore(tmp_path).document_path(ANA, NOTEBOOK)
    document = json.loads(path.read_text("utf-8"))
    left, right = document["answers"]["q-left"], document["answers"]["q-right"]
    assert left["value"] == 999 and right["value"] == 999
    assert document["revision"] == 2000  # every single write was applied, none overwritten
    # The kernel that finished first saw writes of the other in between: they really raced.
    assert min(left["revision"], right["revision"]) > 1000
    assert leftovers(path.parent) == []
