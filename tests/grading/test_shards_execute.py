"""Shards under `--execute`: re-runs split by account, merged into the single run's gradebook.

Five students' exercise 1 re-run in the real sandbox, once as one `grade --execute` and once
as two shards (separate processes at the same time); a loop and a wrong cell are among them,
so re-run problems (a time limit) and flags (a recorded value the re-run contradicts) go
through the merge, and the kept re-runs reach the merged folder. About 40 s on two cores, so
it is a `long` suite.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from diplomatic_cover.answers.identity import Student
from tests.grading.hostile.corpus import canvas_name
from tests.grading.hostile.outputs import grades, problems
from tests.grading.kit import correct, hand_in, notebook, replace_cell, solved_cells, wrong
from tests.grading.test_shards import command, comparable, run

pytestmark = [pytest.mark.long, pytest.mark.usefixtures("sandbox")]

EX1 = "ex1_pandas_record"
CONFIG = """
[assignment.ex1_pandas_record]
title = "Exercise 1"
checks = {"ex1.by-decade" = 2, "ex1.largest-waves" = 2, "ex1.ratios" = 3, "ex1.median-days" = 2}
"""
LIMITS = ["--execute", "--jobs", "1", "--cell-timeout", "6", "--memory-mb", "1536"]


def build(root):
    """Five Canvas uploads of exercise 1: solved, one with a loop, one with a wrong cell."""
    canvas = root / "download"
    canvas.mkdir()
    solved = solved_cells(EX1)
    variants = {
        "amy-li": solved,
        "bo-chen": replace_cell(solved, "largest = ", "while True:\n    pass"),
        "cy-diaz": replace_cell(solved, "ratios = ", "ratios = None"),
        "di-ott": solved,
        "ed-fox": solved,
    }
    for number, (kit_id, cells) in enumerate(variants.items()):
        recorded = {"ex1.by-decade": correct("ex1.by-decade"), "ex1.ratios": wrong("ex1.ratios")}
        path = hand_in(
            root / "homes" / kit_id,
            Student(kit_id, kit_id.replace("-", " ").title()),
            checks=recorded,
            notebooks={EX1: notebook(*cells)},
        )
        shutil.copy(
            path, canvas / canvas_name(kit_id.replace("-", ""), 7000 + number, 1, path.name)
        )
    config = root / "grading.toml"
    config.write_text(CONFIG)
    return canvas, config


def test_two_shards_under_execute_merge_into_the_single_runs_gradebook(tmp_path):
    download, config = build(tmp_path)
    flags = ["--config", str(config), *LIMITS]
    single = tmp_path / "single"
    done = run("grade", download, *flags, "--out", single)
    assert done.returncode == 0, done.stderr
    shards = [tmp_path / f"shard-{i}" for i in range(2)]
    running = [
        subprocess.Popen(
            [*command(), "grade", str(download), *flags, "--shard", f"{i}/2", "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, out in enumerate(shards)
    ]
    for process in running:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
    merged = tmp_path / "merged"
    done = run("merge-grades", *shards, "--config", config, "--out", merged)
    assert done.returncode == 0, done.stderr
    assert comparable(merged) == comparable(single)

    rows = grades(merged)
    assert rows["amy-li"]["ex1.ratios"] == "3"  # the re-run's value, not the recorded mistake
    assert "ex1.ratios: recorded" in rows["amy-li"]["flags"]
    assert rows["cy-diaz"]["ex1.ratios"] == "0"
    assert any("time limit" in p["problem"] for p in problems(merged) if "bo-chen" in p["file"])
    # Every re-run reached the merged folder, so a fast regrade there keeps them all.
    assert sorted(p.stem for p in (merged / "reruns").glob("*.json")) == sorted(rows)
    done = run("grade", download, "--config", config, "--out", merged)
    assert done.returncode == 0, done.stderr
    assert all(row["graded_by"].startswith("execute (re-run") for row in grades(merged).values())
    assert grades(merged)["amy-li"]["total"] == rows["amy-li"]["total"]
