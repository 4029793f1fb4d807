"""Grading in shards (`grade --shard I/N`) and `merge-grades`: the same gradebook as one run.

Each shard runs as its own process of the real command line, all shards of a split at once
(as a Kubernetes indexed Job or a Slurm array would), on a class that holds every case the
grader judges across students (`shard_class.py`). The merged folder must hold the files a
single `grade` of the whole class writes, byte for byte, once the time a Moodle worksheet is
stamped with and the manual queue's random salt are left out.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from diplomatic_cover.grading import GradingError
from diplomatic_cover.grading.ingest import shard_of
from diplomatic_cover.grading.merge import merge_grades
from diplomatic_cover.grading.shards import MANIFEST, parse_shard
from tests.grading.hostile.outputs import grades, problems
from tests.grading.kit import write_config
from tests.grading.shard_class import DEADLINE, build_class

MOODLE_STAMP = "Last modified (grade)"


def command() -> list[str]:
    """The installed `diplomatic-cover` script beside this interpreter, else `-m`."""
    script = Path(sys.executable).parent / "diplomatic-cover"
    return [str(script)] if script.exists() else [sys.executable, "-m", "diplomatic_cover.cli"]


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command(), *map(str, args)], capture_output=True, text=True, timeout=300
    )


class Class:
    """The class's download, roster and configuration, and the flags every run shares."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.download, self.roster = build_class(root)
        self.config = write_config(root / "instructors")
        self.done: dict[tuple[str, ...], list[Path]] = {}

    def flags(self) -> list[str]:
        return [
            "--roster", str(self.roster), "--config", str(self.config), "--deadline", DEADLINE,
        ]  # fmt: skip

    def shards(self, count: int, name: str = "fast", *extra: str) -> list[Path]:
        """Run all `count` shards at once, each a process of its own; their folders.

        Each split is graded once per module: the tests only read its folders.
        """
        if (str(count), name, *extra) in self.done:
            return self.done[(str(count), name, *extra)]
        folders = [self.root / f"{name}-{index}of{count}" for index in range(count)]
        running = []
        for index, folder in enumerate(folders):
            args = [*command(), "grade", str(self.download), *self.flags(), *extra]
            args += ["--shard", f"{index}/{count}", "--out", str(folder)]
            running.append(
                subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            )
        for process in running:
            stdout, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr
            assert "Shard " in stdout
        self.done[(str(count), name, *extra)] = folders
        return folders


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    return Class(tmp_path_factory.mktemp("shards"))


@pytest.fixture(scope="module")
def single(school):
    out = school.root / "single"
    done = run("grade", school.download, *school.flags(), "--out", out)
    assert done.returncode == 0, done.stderr
    return out


def comparable(folder: Path) -> dict[str, bytes]:
    """Every output file, with the times, durations and salt that differ between any two runs
    removed (the Moodle worksheet's grading time, the manual queue's salt, the re-runs' times)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    moodle = "moodle_grading_worksheet.csv"
    rows = list(csv.reader(io.StringIO(files[moodle].decode("utf-8-sig"))))
    stamp = rows[0].index(MOODLE_STAMP)
    files[moodle] = repr([row[:stamp] + row[stamp + 1 :] for row in rows]).encode()
    queue = json.loads(files["manual/queue.json"])
    for item in queue["items"]:
        del item["token"]
    queue["items"].sort(key=lambda i: (i["question"], i["student"]))
    del queue["salt"]
    files["manual/queue.json"] = json.dumps(queue, sort_keys=True).encode()
    for name in [n for n in files if n.startswith("reruns/")]:
        files[name] = json.dumps(timeless(json.loads(files[name])), sort_keys=True).encode()
    return files


def timeless(value: object) -> object:
    """A kept re-run without when it ran and how long each cell took (`ran_at`, `seconds`,
    the `saved_at` of each value the re-run recorded)."""
    if isinstance(value, dict):
        drop = {"ran_at", "seconds", "saved_at"}
        return {k: timeless(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [timeless(v) for v in value]
    return value


@pytest.mark.parametrize("count", [1, 2, 3])
def test_merged_shards_are_the_gradebook_a_single_run_writes(school, single, count):
    folders = school.shards(count)
    out = school.root / f"merged-{count}"
    done = run("merge-grades", *folders, "--config", school.config, "--out", out)
    assert done.returncode == 0, done.stderr
    assert f"Merged {count} shard(s)" in done.stdout
    merged, alone = comparable(out), comparable(single)
    assert sorted(merged) == sorted(alone)
    for name in ("grades.csv", "results.json", "canvas_import.csv", "moodle_grading_worksheet.csv"):
        assert merged[name] == alone[name], name
    assert merged == alone  # feedback pages, class report, problems.csv, the manual queue too


def test_the_class_holds_the_cases_a_shard_must_see_whole(school, single):
    """What the equality above is worth: the cross-student rules really fired in this class."""
    rows = grades(single)
    flags = " | ".join(row["flags"] for row in rows.values())
    assert "arrived from 2 accounts" in flags  # one kit id from two accounts
    assert "the same name" in flags  # two Wei Zhangs
    assert "same saved document as" in flags  # Carl's copy of Ben's store
    assert "the same written answer" in flags  # the essay several students share
    assert rows["ana-silva"]["total"] == "10"  # the resubmission counts, not the 2099 file
    assert rows["dan-ruiz"]["status"] == "damaged submission"
    assert rows["ed-absent"]["status"] == "no submission"
    assert rows["carl-jones"]["late"]
    assert any(row["lms_id"] == "1077" for row in rows.values())  # the Moodle participant
    assert {p["action"] for p in problems(single)} >= {"rejected", "graded another file"}


def test_every_row_is_graded_in_exactly_one_shard_and_every_shard_read_every_file(school):
    folders = school.shards(3)
    manifests = [json.loads((f / MANIFEST).read_text()) for f in folders]
    graded = [set(m["graded"]) for m in manifests]
    assert all(graded), "each of the three shards grades some of this class"
    assert set.union(*graded) == {row["key"] for row in manifests[0]["identities"]}
    assert sum(map(len, graded)) == len(set.union(*graded))
    for manifest in manifests:
        assert manifest["identities"] == manifests[0]["identities"]
        assert manifest["problems"]["class"] == manifests[0]["problems"]["class"]
        index = manifest["shard"]["index"]
        for row in manifest["identities"]:
            assert (row["key"] in manifest["graded"]) == (shard_of(row["owner"], 3) == index)
    # One account's uploads, both of Ana's, stay in one shard with the row they make.
    ana = next(r for r in manifests[0]["identities"] if r["key"] == "ana-silva")
    assert ana["owner"] == "canvas:4821" and len(ana["sources"]) == 2


# -- what the merge refuses, and says why --------------------------------------------------


@pytest.fixture(scope="module")
def three(school):
    return school.shards(3)


def refused(school, *folders, out=None):
    with pytest.raises(GradingError) as caught:
        merge_grades(list(folders), out or school.root / "never", config=school.config)
    assert not (out or school.root / "never").exists()
    return str(caught.value)


def test_a_missing_shard_is_named(school, three):
    assert "shard(s) 1/3 missing" in refused(school, three[0], three[2])


def test_a_shard_given_twice_is_named_with_both_folders(school, three):
    message = refused(school, three[0], three[1], three[2], three[1])
    assert "shard 1/3 is given twice" in message and message.count("fast-1of3") == 2


def test_shards_of_different_splits_are_refused(school, three):
    two = school.shards(2)
    assert "different splits" in refused(school, three[0], three[1], three[2], two[0], two[1])


def test_shards_graded_from_different_files_are_refused(school, three, tmp_path):
    """A download refreshed between two tasks of the array: one more file in it."""
    late = school.root / "download-refreshed"
    shutil.copytree(school.download, late)
    extra = late / "canvas" / "student00_6000_9999_submission-student-00-1.zip"
    shutil.copy(next((late / "canvas").glob("student01_*")), extra)
    done = run(
        "grade", late, *school.flags(), "--shard", "1/3", "--out", tmp_path / "refreshed-1of3"
    )
    assert done.returncode == 0, done.stderr
    message = refused(school, three[0], tmp_path / "refreshed-1of3", three[2])
    assert "different inputs" in message


def test_shards_of_another_kit_version_or_configuration_are_refused(school, three, tmp_path):
    copied = tmp_path / "old-kit"
    shutil.copytree(three[1], copied)
    manifest = json.loads((copied / MANIFEST).read_text())
    manifest["kit_version"] = "0.0.1"
    (copied / MANIFEST).write_text(json.dumps(manifest))
    assert "graded by kit 0.0.1" in refused(school, three[0], copied, three[2])
    other = tmp_path / "other" / "grading.toml"
    write_config(other.parent)
    other.write_text(other.read_text().replace('"02.reply-share" = 1', '"02.reply-share" = 4'))
    with pytest.raises(GradingError, match="another grading configuration"):
        merge_grades(three, tmp_path / "never", config=other)


def test_a_folder_that_is_no_shard_is_named(school, single, three):
    message = refused(school, three[0], three[1], single)
    assert f"{single} holds no shard.json" in message


def test_the_merge_command_fails_in_one_line(school, three):
    done = run("merge-grades", three[0], "--config", school.config, "--out", school.root / "x")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "shard(s) 1/3, 2/3 missing" in done.stderr


def test_overrides_and_manual_scores_in_the_merged_folder_apply(school, three):
    out = school.root / "with-overrides"
    out.mkdir()
    (out / "overrides.csv").write_text(
        "student,item,points,comment\nstudent-00,ex1.ratios,3,Right after all.\n"
    )
    merge_grades(three, out, config=school.config)
    assert grades(out)["student-00"]["ex1.ratios"] == "3"


# -- --shard's own errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2/2", "with 2 shard(s) it is 0 to 1"),
        ("1/0", "must be at least 1"),
        ("a/b", "expected I/N"),
        ("-1/2", "expected I/N"),
        ("3", "expected I/N"),
    ],
)
def test_a_bad_shard_is_refused_in_one_line_before_anything_is_written(school, text, says):
    out = school.root / f"bad-{text.replace('/', '-')}"
    done = run("grade", school.download, *school.flags(), f"--shard={text}", "--out", out)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and says in done.stderr
    assert not out.exists()


def test_shard_indexes_count_from_zero_as_the_schedulers_do():
    assert [parse_shard(f"{i}/3").index for i in range(3)] == [0, 1, 2]
    assert parse_shard(" 0 / 1 ").count == 1


def test_only_and_shard_do_not_go_together(school):
    done = run(
        "grade", school.download, *school.flags(), "--shard", "0/2", "--only", "ana-silva",
        "--out", school.root / "only",
    )  # fmt: skip
    assert done.returncode == 1 and "--only and --shard do not go together" in done.stderr


def test_a_second_shard_into_the_same_folder_is_refused_and_the_first_kept(school, three):
    manifest = (three[0] / MANIFEST).read_bytes()
    done = run("grade", school.download, *school.flags(), "--shard", "1/3", "--out", three[0])
    assert done.returncode == 1
    assert "holds shard 0/3's results: give shard 1/3 a folder of its own" in done.stderr
    assert (three[0] / MANIFEST).read_bytes() == manifest


def test_a_run_into_a_folder_another_run_is_writing_is_refused(school, tmp_path):
    from diplomatic_cover.grading.run import claim_out

    out = tmp_path / "busy"
    out.mkdir()
    held = claim_out(out)  # what a run does first; here the other run is this test
    try:
        done = run("grade", school.download, *school.flags(), "--shard", "0/2", "--out", out)
    finally:
        held.close()
    assert done.returncode == 1
    assert "Another grade run is writing to --out" in done.stderr
    assert list(out.iterdir()) == []
    again = run("grade", school.download, *school.flags(), "--shard", "0/2", "--out", out)
    assert again.returncode == 0, again.stderr  # free once the other run has ended
