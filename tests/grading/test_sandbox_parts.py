"""The sandbox's parts, without running a sandbox: its mounts, its report reader, its refusal.

These run everywhere (no bubblewrap or root needed) and in a second or two. What the sandbox
does to real student code is in test_sandbox_attacks.py and test_execute.py.
"""

import io
import json
import os
import sys
import time
from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import GradingError, cli_grade, grade
from diplomatic_cover.grading.execute import _notebook_result
from diplomatic_cover.grading.sandbox import Limits, Runtime
from diplomatic_cover.grading.sandbox import bubblewrap as bw
from diplomatic_cover.grading.sandbox.cgroups import v1_unavailable
from diplomatic_cover.grading.sandbox.channel import Channel, ChannelError, decode_event
from diplomatic_cover.grading.sandbox.runtime import installed_kit, python_layout
from tests.grading.kit import ROOT, correct, hand_in, notebook, solved_cells

ANA = Student("ana", "Ana")
SOLVED = {"ex1_pandas_record": notebook(*solved_cells("ex1_pandas_record"))}

# ---------------------------------------------------------------------------------------
# What a job can see


@pytest.fixture
def backend(tmp_path):
    """A bubblewrap backend for this machine's interpreter, never started."""
    layout = python_layout()
    runtime = Runtime(
        cache=tmp_path,
        kit=tmp_path / "class-copy",
        runner=tmp_path / "runner.py",
        python=layout,
        open_kit=ROOT,
        hidden=installed_kit(layout.site_dirs, ROOT),
    )
    backend = bw.Bubblewrap.__new__(bw.Bubblewrap)
    backend.runtime, backend.bwrap, backend._empty = runtime, bw.BWRAP, tmp_path / "empty"
    (tmp_path / "in").mkdir()
    return backend


def mounts(arguments):
    """(option, source, destination) of every bind mount in bwrap's arguments."""
    found = []
    for index, argument in enumerate(arguments):
        if argument in ("--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try"):
            found.append((argument, arguments[index + 1], arguments[index + 2]))
    return found


def test_a_job_sees_only_read_only_mounts_of_the_interpreter_the_class_copy_and_its_inputs(
    backend, tmp_path
):
    arguments = backend.arguments(tmp_path / "in", 2_100_000_007, Limits(2**30, 64, 2**28))
    binds = mounts(arguments)
    assert {option for option, _, _ in binds} == {"--ro-bind"}  # nothing writable from the host
    allowed = {
        "/usr/lib", "/usr/lib64", "/lib", "/lib64", bw.SETPRIV, "/etc/ld.so.cache",
        str(backend.runtime.python.prefix), *map(str, backend.runtime.python.site_dirs),
        str(tmp_path / "runner.py"), str(tmp_path / "class-copy"), str(tmp_path / "in"),
        str(tmp_path / "etc" / "passwd"), str(tmp_path / "etc" / "group"), str(tmp_path / "empty"),
    }  # fmt: skip
    assert {source for _, source, _ in binds} <= allowed
    assert "/" not in {source for _, source, _ in binds}
    for _, source, _ in binds:
        # Of the open kit, only its virtual environment's site-packages may be mounted.
        if Path(source).is_relative_to(ROOT):
            assert Path(source) in backend.runtime.python.site_dirs, source
    assert "--unshare-user" not in arguments and "--unshare-all" not in arguments
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--as-pid-1",
                 "--die-with-parent", "--new-session", "--clearenv"):  # fmt: skip
        assert flag in arguments
    drop = arguments[arguments.index(bw.SETPRIV) :]
    for flag in ("--reuid=2100000007", "--regid=2100000007", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"):  # fmt: skip
        assert flag in drop
    tmpfs = arguments.index("--tmpfs", arguments.index("--size"))
    assert arguments[tmpfs + 1] == bw.WORK  # the only writable place, of a fixed size
    assert arguments[arguments.index("--size") + 1] == str(2**28)


def test_the_kit_installed_in_the_environment_is_covered(backend, tmp_path):
    hidden = backend.runtime.hidden
    names = {entry.name for entry in hidden}
    # make test installs the open kit editable: its path file and metadata are hidden.
    assert any(name.startswith("__editable__") for name in names), names
    assert any(name.endswith(".dist-info") for name in names), names
    arguments = backend.arguments(tmp_path / "in", 2_100_000_007, Limits(2**30, 64, 2**28))
    covered = {arguments[i + 1] for i, a in enumerate(arguments) if a == "--tmpfs"}
    covered |= {dest for _, source, dest in mounts(arguments) if source == str(tmp_path / "empty")}
    for entry in hidden:
        assert f"{bw.SITE}/0/{entry.name}" in covered, entry


# ---------------------------------------------------------------------------------------
# Reading a job's report


def channel_with(data: bytes):
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    stdout = os.fdopen(read, "rb")
    return Channel(stdout, None, max_line=1000, max_total=5000)


def test_reports_are_read_line_by_line_until_the_end():
    channel = channel_with(b'{"event": "ready"}\n\n{"event": "done"}\n')
    deadline = time.monotonic() + 5
    assert channel.next_event(deadline) == {"event": "ready"}
    assert channel.next_event(deadline) == {"event": "done"}
    assert channel.next_event(deadline) is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"x" * 2000 + b"\n", "longer than"),
        (b'{"a": 1}\n' * 700, "more than"),
        (b"\x80\x81\n", "not a JSON line"),
        (b"[1, 2]\n", "not a JSON object"),
        (b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}\n", "nested deeper"),
        (b"{" + b'"a": ' * 1 + b"not json}\n", "not a JSON line"),
    ],
)
def test_a_report_that_breaks_a_limit_is_refused(data, reason):
    channel = channel_with(data)
    with pytest.raises(ChannelError, match=reason):
        for _ in range(1000):
            if channel.next_event(time.monotonic() + 5) is None:
                break


def test_too_many_values_are_refused():
    with pytest.raises(ChannelError, match="more than 10 values"):
        decode_event(json.dumps({"a": list(range(20))}).encode(), max_nodes=10)


def test_a_silent_job_runs_into_its_deadline():
    read, write = os.pipe()
    channel = Channel(os.fdopen(read, "rb"), None, max_line=100, max_total=100)
    with pytest.raises(TimeoutError):
        channel.next_event(time.monotonic() + 0.2)
    os.close(write)


def good_event(**changes):
    event = {
        "event": "notebook",
        "name": "ex1",
        "cells": [{"index": 0, "status": "ok", "seconds": 0.1, "error": ""}],
        "stopped_at": None,
        "checks": {"ex1.ratios": {"value": [1, 2], "saved_at": "2026", "passed": True}},
        "seconds": 0.2,
    }
    return event | changes


def test_a_notebook_report_keeps_only_the_recorded_values():
    result = _notebook_result(good_event(), "ex1", ["x = 1"])
    assert result.checks == {"ex1.ratios": {"value": [1, 2], "saved_at": "2026"}}
    assert [c.status for c in result.cells] == ["ok"]


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "ex2"},
        {"cells": []},
        {"cells": [{"index": 0, "status": "graded by me", "seconds": 0, "error": ""}]},
        {"cells": [{"index": 3, "status": "ok", "seconds": 0, "error": ""}]},
        {"stopped_at": 7},
        {"checks": ["ex1.ratios"]},
    ],
)
def test_a_malformed_notebook_report_is_refused(changes):
    with pytest.raises(ChannelError):
        _notebook_result(good_event(**changes), "ex1", ["x = 1"])


# ---------------------------------------------------------------------------------------
# Where no sandbox can be built


def test_cgroup_v2_only_machines_are_told_so(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("memory pids\n")
    assert "cgroup v2 only" in v1_unavailable(tmp_path)
    for name in ("memory", "pids"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cgroup.procs").write_text("")
    assert v1_unavailable(tmp_path) is None  # as root, writable v1 hierarchies


@pytest.mark.skipif(
    bw.unavailable() is not None, reason="needs a machine where the sandbox can be built"
)
def test_a_cgroup_v2_only_machine_is_refused_in_one_line_that_says_what_to_do(
    tmp_path, monkeypatch
):
    v2_only = tmp_path / "cgroup"  # what /sys/fs/cgroup holds where v1 is absent
    v2_only.mkdir()
    (v2_only / "cgroup.controllers").write_text("cpuset cpu io memory hugetlb pids rdma misc\n")
    monkeypatch.setattr(bw, "v1_unavailable", lambda: v1_unavailable(v2_only))
    hand_in(tmp_path, ANA, checks={"ex1.ratios": correct("ex1.ratios")}, notebooks=SOLVED)
    with pytest.raises(GradingError) as refused:
        grade(submissions=tmp_path / "submissions", out=tmp_path / "grades", execute=True)
    message = str(refused.value)
    assert "\n" not in message
    assert "cgroup v2 only" in message
    assert "as root on a Linux machine or VM with cgroup v1" in message
    assert "--no-isolation" in message and "without --execute" in message
    assert not (tmp_path / "grades" / "grades.csv").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reasons are Linux's")
def test_the_reason_says_what_is_missing(tmp_path):
    missing = str(tmp_path / "missing")
    assert "apt-get install bubblewrap" in bw.unavailable(bwrap=missing)
    assert "setpriv" in bw.unavailable(bwrap=sys.executable, setpriv=missing)


def test_without_a_sandbox_execute_refuses_in_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(bw, "BWRAP", str(tmp_path / "no-bwrap"))
    hand_in(tmp_path, ANA, checks={"ex1.ratios": correct("ex1.ratios")}, notebooks=SOLVED)
    with pytest.raises(GradingError) as refused:
        grade(submissions=tmp_path / "submissions", out=tmp_path / "grades", execute=True)
    message = str(refused.value)
    assert "\n" not in message
    assert "bubblewrap is not installed" in message and "--no-isolation" in message
    assert not (tmp_path / "grades" / "grades.csv").exists()
    stderr = io.StringIO()
    code = cli_grade(
        submissions=tmp_path / "submissions",
        out=tmp_path / "grades",
        execute=True,
        stdout=io.StringIO(),
        stderr=stderr,
    )
    assert code == 1 and stderr.getvalue().count("\n") == 1


@pytest.mark.long
def test_no_isolation_runs_the_same_way_and_marks_every_row_unisolated(tmp_path, monkeypatch):
    monkeypatch.setattr(bw, "BWRAP", str(tmp_path / "no-bwrap"))
    config = tmp_path / "grading.toml"
    config.write_text(
        '[assignment.ex1_pandas_record]\ntitle = "Exercise 1"\nchecks = {"ex1.ratios" = 3}\n'
    )
    hand_in(tmp_path, ANA, checks={"ex1.ratios": correct("ex1.ratios")}, notebooks=SOLVED)
    summary = grade(
        submissions=tmp_path / "submissions",
        out=tmp_path / "grades",
        config=config,
        execute=True,
        no_isolation=True,
        jobs=1,
    )
    assert summary.unisolated and "WITHOUT a sandbox" in str(summary)
    grades = (tmp_path / "grades" / "grades.csv").read_text(encoding="utf-8-sig")
    assert "re-run without a sandbox (--no-isolation)" in grades
    assert ",3,3,3," in grades.replace('"', "")  # graded all the same: 3 of 3
    report = (tmp_path / "grades" / "class_report.html").read_text()
    assert "re-run without a sandbox" in report
