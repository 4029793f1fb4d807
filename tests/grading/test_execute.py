"""`--execute`: each submission re-run in its sandbox; a loop or a memory hog costs one question.

The notebooks are the instructors' own solutions with a cell swapped for a student's mistake,
re-run in the real sandbox (bubblewrap, as an unused uid) with short limits so the suite
stays quick.
"""

import csv
import io
import json
import pwd
import time

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading import grade
from diplomatic_cover.grading.execute import (
    FAILED,
    OK,
    ExecuteSettings,
    Executor,
    same_value,
)
from tests.grading.kit import correct, hand_in, notebook, replace_cell, solved_cells, wrong

pytestmark = [pytest.mark.long, pytest.mark.usefixtures("sandbox")]

CONFIG = """
[assignment.ex1_pandas_record]
title = "Exercise 1"
checks = {"ex1.by-decade" = 2, "ex1.largest-waves" = 2, "ex1.ratios" = 3, "ex1.median-days" = 2}
"""
EX1 = "ex1_pandas_record"
LOOP = "while True:\n    pass"
DEAF_LOOP = (
    "import time\nwhile True:\n    try:\n        time.sleep(60)\n"
    "    except KeyboardInterrupt:\n        pass  # the student's code swallows interrupts"
)
HOG = "hog = []\nwhile True:\n    hog.append(bytearray(50_000_000))"


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "grading.toml"
    path.write_text(CONFIG)
    return path


def all_correct():
    return {
        cid: correct(cid)
        for cid in ("ex1.by-decade", "ex1.largest-waves", "ex1.ratios", "ex1.median-days")
    }


def rows(out):
    text = (out / "grades.csv").read_text(encoding="utf-8-sig")
    return {row["student"]: row for row in csv.DictReader(io.StringIO(text))}


def problems(out):
    text = (out / "problems.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def run(tmp_path, config, **kw):
    return grade(
        submissions=tmp_path / "submissions",
        out=tmp_path / "grades",
        config=config,
        execute=True,
        cell_timeout=6,
        memory_mb=1536,
        **kw,
    )


def test_a_loop_and_a_memory_hog_each_cost_one_question(tmp_path, config):
    cells = solved_cells(EX1)
    cells = replace_cell(cells, "largest = ", LOOP)
    cells = replace_cell(cells, "median_days = ", HOG)
    hand_in(
        tmp_path, Student("ana", "Ana"), checks=all_correct(), notebooks={EX1: notebook(*cells)}
    )
    hand_in(
        tmp_path,
        Student("ben", "Ben"),
        checks=all_correct(),
        notebooks={EX1: notebook(*solved_cells(EX1))},
    )
    started = time.monotonic()
    summary = run(tmp_path, config, jobs=2)
    assert time.monotonic() - started < 60
    grades = rows(tmp_path / "grades")
    ana, ben = grades["ana"], grades["ben"]
    assert (ana["ex1.by-decade"], ana["ex1.ratios"]) == ("2", "3")
    assert (ana["ex1.largest-waves"], ana["ex1.median-days"]) == ("0", "0")
    assert ben["total"] == "9" and ben["flags"] == ""
    assert "ex1.largest-waves" in ana["flags"] and "re-run gave nothing" in ana["flags"]
    assert summary.flagged == 1
    reasons = " ".join(p["problem"] for p in problems(tmp_path / "grades"))
    assert "interrupted (time limit)" in reasons and "ran out of memory" in reasons


def test_code_that_ignores_interrupts_is_killed_and_later_questions_are_not_reached(
    tmp_path, config
):
    cells = replace_cell(solved_cells(EX1), "ratios = ", DEAF_LOOP)
    hand_in(
        tmp_path, Student("ana", "Ana"), checks=all_correct(), notebooks={EX1: notebook(*cells)}
    )
    started = time.monotonic()
    run(tmp_path, config)
    assert time.monotonic() - started < 45
    ana = rows(tmp_path / "grades")["ana"]
    assert (ana["ex1.by-decade"], ana["ex1.largest-waves"]) == ("2", "2")
    assert (ana["ex1.ratios"], ana["ex1.median-days"]) == ("0", "0")
    assert "ex1.median-days: not reached" in ana["flags"]
    results = json.loads((tmp_path / "grades" / "results.json").read_text())
    statuses = {i["id"]: i["status"] for i in results["students"][0]["items"]}
    assert statuses["ex1.median-days"] == "not reached"
    (killed,) = [p for p in problems(tmp_path / "grades") if "killed" in p["problem"]]
    assert "did not stop when interrupted" in killed["problem"]
    page = (tmp_path / "grades" / "feedback" / "ana.html").read_text()
    assert "not reached" in page


def test_a_value_that_differs_from_the_rerun_is_flagged_and_the_rerun_counts(tmp_path, config):
    # The store says every answer was right; the notebook handed in computes a wrong one.
    cells = replace_cell(
        solved_cells(EX1), "by_decade = ",
        'decade = people["date"].dt.year // 10 * 10\n'
        'by_decade = people[people["action"] == "expulsion"].groupby(decade)'
        '["people_expelled"].sum()',
    )  # fmt: skip
    hand_in(
        tmp_path, Student("ana", "Ana"), checks=all_correct(), notebooks={EX1: notebook(*cells)}
    )
    run(tmp_path, config)
    ana = rows(tmp_path / "grades")["ana"]
    assert float(ana["ex1.by-decade"]) < 2
    assert ana["ex1.ratios"] == "3"
    assert ana["flags"].startswith("ex1.by-decade: recorded a series of 6 values: 1970: ")
    assert "re-run gave a series of" in ana["flags"] and "ex1.ratios" not in ana["flags"]
    assert "__type__" not in ana["flags"] and "{" not in ana["flags"], ana["flags"]  # words


def test_deleted_and_reordered_cells_are_graded_on_what_was_answered(tmp_path, config):
    cells = solved_cells(EX1)
    setup = [c for c in cells if "load_expulsions()" in c or "dc.start" in c]
    ratios = [c for c in cells if "ratios" in c and "check(" not in c]
    checks = [c for c in cells if 'check("ex1.ratios"' in c]
    decade = [c for c in cells if "by_decade" in c]
    mine = setup + decade[::-1] + ratios + checks + ["by_decade"]  # check before compute
    hand_in(
        tmp_path,
        Student("ana", "Ana"),
        checks={"ex1.ratios": wrong("ex1.ratios")},
        notebooks={EX1: notebook(*mine)},
    )
    run(tmp_path, config)
    ana = rows(tmp_path / "grades")["ana"]
    assert ana["ex1.ratios"] == "3"  # re-run value counts, and it is right
    assert ana["ex1.by-decade"] == "0"  # checked before it was computed: nothing recorded
    assert ana["ex1.largest-waves"] == "0" and ana["ex1.median-days"] == "0"
    assert "ex1.ratios: recorded" in ana["flags"]  # the store held a wrong value


def test_a_missing_notebook_is_reported_and_its_checks_score_zero(tmp_path, config):
    hand_in(tmp_path, Student("ana", "Ana"), checks=all_correct())
    summary = run(tmp_path, config)
    assert rows(tmp_path / "grades")["ana"]["total"] == "0"
    assert summary.graded == 1
    (problem,) = problems(tmp_path / "grades")
    assert "ex1_pandas_record.ipynb is missing" in problem["problem"]


def test_a_notebook_runs_as_an_unused_uid_on_the_class_copy_with_limits(monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "do-not-leak")
    probe = (
        "import os, resource, sys\n"
        "import diplomatic_cover\n"
        "from diplomatic_cover.identity import current_student\n"
        "from diplomatic_cover.store import ResponseStore\n"
        "try:\n"
        "    import diplomatic_cover.instructor\n"
        "    instructor = 'imported'\n"
        "except ImportError as error:\n"
        "    instructor = type(error).__name__\n"
        "seen = {'env': sorted(os.environ), 'cwd': os.getcwd(), 'uid': os.getuid(),\n"
        "        'gid': os.getgid(), 'groups': os.getgroups(), 'ppid': os.getppid(),\n"
        "        'as': resource.getrlimit(resource.RLIMIT_AS)[0],\n"
        "        'cpu': resource.getrlimit(resource.RLIMIT_CPU)[0],\n"
        "        'package': diplomatic_cover.__file__, 'instructor': instructor,\n"
        "        'root': sorted(os.listdir('/')), 'kit': sorted(os.listdir('/kit')),\n"
        "        'who': current_student().id, 'store': os.environ['DIPLOMATIC_COVER_RESPONSES'],\n"
        "        'caps': [l for l in open('/proc/self/status') if l.startswith('Cap')]}\n"
        "seen['writable'] = []\n"
        "for top, folders, _files in os.walk('/'):\n"
        "    if top.startswith(('/proc', '/sys')) or os.statvfs(top).f_flag & os.ST_RDONLY:\n"
        "        folders[:] = []  # a read-only mount: nothing below can be written\n"
        "    elif os.access(top, os.W_OK):\n"
        "        seen['writable'].append(top)\n"
        "        folders[:] = []\n"
        "ResponseStore().save_check(current_student(), 'ex9', 'ex9.probe', seen, passed=None)"
    )
    settings = ExecuteSettings(cell_timeout=20, memory_mb=1024, cpu_seconds=120)
    with Executor(settings) as executor:
        result = executor.run("ana-silva", "Ana Silva", "ex9", json.dumps(notebook(probe)).encode())
        cache = executor.cache
    assert [c.status for c in result.cells] == [OK], result.cells
    seen = result.checks["ex9.probe"]["value"]
    assert seen["uid"] >= 2_000_000_000 and seen["gid"] == seen["uid"] and seen["groups"] == []
    with pytest.raises(KeyError):
        pwd.getpwuid(seen["uid"])  # a uid nobody on this machine uses
    assert all(line.split()[1] == "0000000000000000" for line in seen["caps"]), seen["caps"]
    assert seen["ppid"] == 1  # the warm runner is PID 1 of the sandbox's own namespace
    assert "SECRET_TOKEN" not in seen["env"]
    assert seen["who"] == "ana-silva" and seen["cwd"] == "/work/exercises"
    assert seen["store"].startswith("/work/")
    assert seen["package"] == "/kit/src/diplomatic_cover/__init__.py"  # the class copy
    assert seen["instructor"] == "ModuleNotFoundError"
    assert "instructors" not in seen["kit"] and "exercises" in seen["kit"]
    assert seen["root"] == ["dev", "etc", "in", "kit", "lib", "lib64", "opt", "proc", "tmp",
                            "usr", "work"]  # fmt: skip
    assert seen["writable"] == ["/work"]  # the scratch folder, and nothing else
    assert seen["as"] == settings.process_memory_mb * 2**20 < 1024 * 2**20
    assert seen["cpu"] == 120
    assert not cache.exists()  # the run's cache is removed afterwards


def test_cells_report_errors_and_broken_notebooks_are_reported(tmp_path):
    settings = ExecuteSettings(cell_timeout=10)
    with Executor(settings) as executor:
        result = executor.run("ana", "Ana", "ex1", json.dumps(notebook("1/0", "x = 1")).encode())
        broken = executor.run("ana", "Ana", "ex1", b"{not json")
    assert [c.status for c in result.cells] == [FAILED, OK]
    assert result.cells[0].error.startswith("ZeroDivisionError")
    assert "not a readable notebook" in broken.problem


def test_each_notebook_starts_from_a_clean_process_forked_from_the_warm_one():
    first = notebook("import pandas, sys\nleft_behind = 42\nsys.modules['pandas'].marker = 1")
    second = notebook(
        "import pandas, sys\n"
        "from diplomatic_cover.checks import check\n"
        "check('ex1.ratios', [('left_behind' in globals()), hasattr(pandas, 'marker'),\n"
        "                     'pandas' in sys.modules])"
    )
    with Executor(ExecuteSettings(cell_timeout=10)) as executor:
        results = executor.run_submission(
            "ana", "Ana", {"ex9": json.dumps(first).encode(), "ex1": json.dumps(second).encode()}
        )
    assert [c.status for c in results["ex9"].cells] == [OK]
    # Nothing of the first notebook reaches the second; pandas was already imported.
    assert results["ex1"].checks["ex1.ratios"]["value"] == [False, False, True]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (1, 1.0, True),
        (0.1 + 0.2, 0.3, True),
        ([1, 2], [1, 2.0000001], False),
        ({"a": [1]}, {"a": [1]}, True),
        (True, 1, False),
        (None, 0, False),
    ],
)
def test_same_value(a, b, same):
    assert same_value(a, b) is same
