"""The cluster recipes in deploy/grading/ call the kit's real commands with flags it accepts.

No cluster runs here, so the Kubernetes Jobs are read as YAML and each pod's arguments
(with `$(SHARD)`, the completion index, and the Job's variables filled in, as Kubernetes does) are
parsed by the kit's own command-line parser. The Slurm scripts are plain bash: they are run
for real, task by task with the variables Slurm would set, on a small class, and the
gradebook they merge is compared with a single run's.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml

from diplomatic_cover.cli import build_parser
from diplomatic_cover.grading.shards import Shard, parse_shard
from tests.grading.shard_class import build_class
from tests.grading.test_shards import command, comparable, run

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "deploy" / "grading"


def job(name: str) -> dict:
    return yaml.safe_load((RECIPES / name).read_text(encoding="utf-8"))


def pod_args(spec: dict, index: int | None = None) -> tuple[list[str], list[str]]:
    """The container's arguments as Kubernetes expands them, and its mount paths."""
    container = spec["spec"]["template"]["spec"]["containers"][0]
    values = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    if index is not None:
        (shard,) = [e for e in container["env"] if e["name"] == "SHARD"]
        annotation = "metadata.annotations['batch.kubernetes.io/job-completion-index']"
        assert shard["valueFrom"]["fieldRef"]["fieldPath"] == annotation
        values["SHARD"] = str(index)  # the annotation's value, set by the Job controller

    def expand(text: str) -> str:
        return re.sub(r"\$\((\w+)\)", lambda m: values[m[1]], text)

    mounts = [m["mountPath"] for m in container["volumeMounts"]]
    return [expand(str(a)) for a in container["args"]], mounts


def on_volume(path: Path, mounts: list[str]) -> bool:
    return any(PurePosixPath(path).is_relative_to(m) for m in mounts)


def test_the_indexed_job_runs_one_shard_per_completion_index():
    grade_job = job("k8s-grade-job.yaml")
    spec = grade_job["spec"]
    assert spec["completionMode"] == "Indexed"
    count = spec["completions"]
    container = spec["template"]["spec"]["containers"][0]
    assert {e["name"]: e.get("value") for e in container["env"]}["SHARDS"] == str(count)
    outs = []
    for index in range(count):
        argv, mounts = pod_args(grade_job, index)
        args = build_parser().parse_args(argv)  # the image's entry point is diplomatic-cover
        assert args.command == "grade" and args.execute
        assert parse_shard(args.shard) == Shard(index, count)
        assert on_volume(args.submissions, mounts) and on_volume(args.roster, mounts)
        assert on_volume(args.out, mounts)
        outs.append(args.out)
    assert len(set(outs)) == count  # each shard its own folder

    merge_argv, mounts = pod_args(job("k8s-merge-job.yaml"))
    merge = build_parser().parse_args(merge_argv)
    assert merge.command == "merge-grades"
    assert merge.shards == outs  # every shard's folder, once
    assert on_volume(merge.out, mounts) and merge.out not in outs
    volumes = [spec["template"]["spec"]["volumes"], job("k8s-merge-job.yaml")["spec"]["template"]]
    claims = {v["persistentVolumeClaim"]["claimName"] for v in volumes[0]}
    assert claims == {
        v["persistentVolumeClaim"]["claimName"] for v in volumes[1]["spec"]["volumes"]
    }


def test_the_image_is_the_class_images_recipe_plus_the_open_kit():
    recipe = (RECIPES / "grader.Dockerfile").read_text(encoding="utf-8")
    assert "deploy/binder/requirements.txt" in recipe and "bubblewrap" in recipe
    assert 'ENTRYPOINT ["diplomatic-cover"]' in recipe
    assert (ROOT / "deploy" / "binder" / "requirements.txt").is_file()


def sbatch_array(script: str) -> range:
    match = re.search(r"^#SBATCH --array=(\d+)-(\d+)$", script, re.M)
    assert match, "the grading script is a job array"
    return range(int(match[1]), int(match[2]) + 1)


def test_the_submit_script_queues_the_merge_after_the_whole_array():
    submit = (RECIPES / "slurm-submit.sh").read_text(encoding="utf-8")
    assert "slurm-grade.sbatch" in submit and "slurm-merge.sbatch" in submit
    assert "--dependency=" in submit and "afterok:" in submit
    grade_script = (RECIPES / "slurm-grade.sbatch").read_text(encoding="utf-8")
    merge_script = (RECIPES / "slurm-merge.sbatch").read_text(encoding="utf-8")
    tasks = sbatch_array(grade_script)
    assert tasks.start == 0
    for script in (grade_script, merge_script):
        assert re.search(rf"^SHARDS={len(tasks)}$", script, re.M), "SHARDS is the array's size"


@pytest.fixture(scope="module")
def grading_folder(tmp_path_factory):
    """The layout the scripts expect: submissions/ and roster.csv."""
    folder = tmp_path_factory.mktemp("slurm")
    download, roster = build_class(folder / "build", others=3)
    download.rename(folder / "submissions")
    roster.rename(folder / "roster.csv")
    return folder


@pytest.mark.long  # runs every array task and the merge as processes: about 12 s
def test_the_slurm_scripts_grade_and_merge_as_one_run_does(grading_folder):
    tasks = sbatch_array((RECIPES / "slurm-grade.sbatch").read_text(encoding="utf-8"))
    dc = command()
    assert len(dc) == 1, "the scripts call the installed diplomatic-cover command"
    env = {**os.environ, "GRADING": str(grading_folder), "DC": dc[0], "MODE": ""}
    for task in tasks:  # what Slurm runs, one task after another here
        done = subprocess.run(
            ["bash", str(RECIPES / "slurm-grade.sbatch")],
            env={**env, "SLURM_ARRAY_TASK_ID": str(task), "SLURM_CPUS_PER_TASK": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert f"Shard {task}/{len(tasks)}" in done.stdout
    done = subprocess.run(
        ["bash", str(RECIPES / "slurm-merge.sbatch")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    single = grading_folder / "single"
    alone = run(
        "grade", grading_folder / "submissions", "--roster", grading_folder / "roster.csv",
        "--out", single,
    )  # fmt: skip
    assert alone.returncode == 0, alone.stderr
    assert comparable(grading_folder / "grades") == comparable(single)
