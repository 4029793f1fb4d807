"""The class on a real JupyterHub: start-up, a class handing in at once, the live pulse.

Starts the same hub the tests use (tests/hub: JupyterHub from PyPI, configurable-http-proxy
from npm, the kit's course service, LocalProcessSpawner) on 127.0.0.1 and prints:

1. hub start to the proxy's first 200, then the first student's server spawned and ready
   (a 200 through the proxy), then a first cell run in that server's kernel;
2. N students (default 30) handing in a submission-sized zip at the same moment, each
   with their own token, through the proxy: wall time and per-request latency;
3. the pulse with 300 pooled answers to one ranking question: the 300 writes, then the
   read a projector repeats every few seconds (median, p95, worst of 200 reads);
4. `dc.pulse` on the projector, in a real kernel of the spawned student's server, over those
   300 answers: one refresh (fetch through the proxy, draw, update the widget), and the
   time from a student's changed answer to the view showing it, with the default 3 s period.
5. the instructor's side for N students (default 30) handing in real kit submissions (built
   as benchmarks/bench_grading.py builds them: every question answered, exercise notebooks
   with the solutions and mistakes, one that loops forever): `grade --from-hub` without
   running code (downloads through the service included, a fresh interpreter, best of 3),
   `grade --execute` from the hub (each submission re-run in its sandbox; needs bubblewrap
   and root), and `return-feedback` sending every page and score back to the service.

Needs root (it creates one Linux user), like the hub tests. Every process it starts is
ended by pid, and the user is deleted. Figures on this 2-core machine share the cores with
the hub, the proxy and the service, so they are upper bounds for a dedicated host.

    .venv/bin/python benchmarks/bench_hub.py [--students 30] [--pooled 300] [--zip-kb 200]
        [--changes 20] [--graded 30] [--no-execute] [--jobs 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grading import build_class

from diplomatic_cover.hub.client import CourseService
from tests.hub import hubenv, linux_users, realhub
from tests.hub.kernel import run_code
from tests.hub.student_kernel import StudentKernel

RANKING = "06.rank-options"
OPTIONS = ["restore-fully", "restore-capped", "status-quo", "reduce-further"]


def submission(size_kb: int) -> bytes:
    """A zip shaped like a hand-in, with incompressible content so it really is size_kb."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "diplomatic-cover-submission"}))
        archive.writestr("exercises/ex1_pandas_record.ipynb", os.urandom(size_kb * 1024))
    return buffer.getvalue()


def percentiles(seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    return f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, worst {ms[-1]:.1f} ms"


def hand_in_at_once(hub: realhub.RealHub, users: list[str], data: bytes, label: str) -> None:
    tokens = {user: hub.token_for(user) for user in users}

    def one(user: str) -> tuple[int, float]:
        started = time.perf_counter()
        reply = hub.service("POST", "api/me/submissions", tokens[user], data)
        return reply.status, time.perf_counter() - started

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = list(pool.map(one, users))
    wall = time.perf_counter() - started
    statuses = {status for status, _ in results}
    print(
        f"2. {len(users)} students hand in {len(data) / 1024:.0f} KB at once ({label}): "
        f"all done in {wall:.2f} s; per request {percentiles([s for _, s in results])}; "
        f"statuses {sorted(statuses)}"
    )


def pulse(hub: realhub.RealHub, users: list[str], reads: int) -> None:
    rng = random.Random(13)
    writes = []
    for user in users:
        order = rng.sample(OPTIONS, len(OPTIONS))
        started = time.perf_counter()
        reply = hub.service(
            "PUT",
            f"api/me/pulse/{RANKING}",
            hub.token_for(user),
            json.dumps({"answer": order}).encode(),
        )
        writes.append(time.perf_counter() - started)
        if reply.status != 200:
            raise RuntimeError(reply.body)
    reader = hub.token_for(users[0])
    latencies = []
    for _ in range(reads):
        started = time.perf_counter()
        reply = hub.service("GET", f"api/pulse/{RANKING}", reader)
        latencies.append(time.perf_counter() - started)
    result = reply.json()
    print(
        f"3. pulse, {len(users)} answers pooled: one write {percentiles(writes)}; "
        f"a read of the distribution (n={result['n']}) {percentiles(latencies)} "
        f"over {reads} reads"
    )


def instructor_side(
    hub: realhub.RealHub, users: list[str], teacher: str, execute: bool, jobs: int
) -> None:
    """Step 5: real hand-ins from `users`, then grade --from-hub, with --execute, return."""
    from diplomatic_cover.grading import grade
    from diplomatic_cover.grading.sandbox.bubblewrap import unavailable
    from diplomatic_cover.hub.inbox import HubServiceSource, instructor_service
    from diplomatic_cover.instructor.feedback_return import main as return_feedback

    work = Path(tempfile.mkdtemp(prefix="bench-hub-grading-"))
    try:
        started = time.perf_counter()
        kinds = build_class(work / "class", len(users), execute=True)
        zips = sorted((work / "class" / "submissions").iterdir())
        roster = work / "roster.csv"
        rows = ["kit_id,hub_user"]
        for user, path in zip(users, zips, strict=True):
            CourseService(hub.service_url, hub.token_for(user)).hand_in(path)
            rows.append(f"{path.stem.removeprefix('submission-')},{user}")
        roster.write_text("\n".join(rows) + "\n")
        sizes = [p.stat().st_size for p in zips]
        print(
            f"5. {len(users)} real submissions ({kinds}; median "
            f"{statistics.median(sizes) / 1000:.0f} kB) built and handed in, one per student, "
            f"in {time.perf_counter() - started:.1f} s"
        )
        env = {**os.environ, "JUPYTERHUB_API_TOKEN": hub.token_for(teacher)}
        runs = []
        for attempt in range(3):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "diplomatic_cover", "grade", "--from-hub", hub.url,
                 "--out", str(work / f"grades-{attempt}"), "--roster", str(roster)],
                capture_output=True, text=True, check=True, env=env,
            )  # fmt: skip
            runs.append(time.perf_counter() - started)
        print(
            f"   grade --from-hub (fast, recorded values): {min(runs):.2f} s best of 3 "
            f"({', '.join(f'{r:.2f}' for r in runs)}), downloads and a fresh interpreter "
            "included; " + done.stdout.strip().splitlines()[0]
        )
        if execute:
            reason = unavailable()
            if reason:
                print(f"   grade --execute: not measured ({reason})")
            else:
                started = time.perf_counter()
                service = instructor_service(hub.url, hub.token_for(teacher))
                with HubServiceSource(service) as from_hub:
                    summary = grade(
                        submissions=from_hub, out=work / "grades-execute", roster=roster,
                        execute=True, jobs=jobs, progress=None,
                    )  # fmt: skip
                wall = time.perf_counter() - started
                per = sorted(summary.rerun_seconds.values())
                print(
                    f"   grade --execute --jobs {jobs}: {wall:.1f} s wall, "
                    f"{wall / len(users):.2f} s per submission; re-run per submission median "
                    f"{statistics.median(per):.2f} s, worst {per[-1]:.2f} s"
                    + (
                        " (student 7's loops forever, to the 30 s cell limit)"
                        if len(users) > 7
                        else ""
                    )
                )
        token_file = work / "token"
        token_file.write_text(hub.token_for(teacher))
        sent = []
        for _ in range(3):
            started = time.perf_counter()
            code = return_feedback(
                grades=work / "grades-0", hub=hub.url, roster=roster, token_file=token_file,
                stdout=open(os.devnull, "w"),  # noqa: SIM115
            )  # fmt: skip
            sent.append(time.perf_counter() - started)
        mine = CourseService(hub.service_url, hub.token_for(users[0])).my_feedback()
        pages = len(list((work / "grades-0" / "feedback").glob("*.html")))
        print(
            f"   return-feedback to {len(users)} students ({pages} pages, exit {code}): "
            f"{min(sent):.2f} s best of 3 ({', '.join(f'{r:.2f}' for r in sent)}), "
            f"{1000 * min(sent) / len(users):.0f} ms per student; the first student reads "
            f"{'their page' if mine and mine['page'] else 'NOTHING'} back"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def projector(hub: realhub.RealHub, viewer: str, users: list[str], trials: int) -> None:
    """dc.pulse in a real kernel: the cost of a refresh and answer-to-screen latency."""
    with StudentKernel(hub, viewer) as kernel:
        cost = kernel.json(
            f"""
            import json, time
            import diplomatic_cover as dc
            view = dc.pulse({RANKING!r})
            seconds = []
            for _ in range(50):
                started = time.perf_counter()
                view.refresher.refresh()
                seconds.append(time.perf_counter() - started)
            changes = []
            view.chart.observe(lambda change: changes.append(time.time()), names="value")
            print(json.dumps({{"seconds": seconds, "n": "300 answers" in view.chart.value}}))
            """
        )
        if not cost["n"]:
            raise RuntimeError("the view does not show the 300 pooled answers")
        rng = random.Random(7)
        changed_at = []
        for trial in range(trials):
            token = hub.token_for(users[1 + trial])
            mine = hub.service("GET", f"api/me/pulse/{RANKING}", token).json()["answer"]
            body = json.dumps({"answer": mine[::-1]}).encode()  # reversed: new Borda points
            reply = hub.service("PUT", f"api/me/pulse/{RANKING}", token, body)
            changed_at.append(time.time())
            if reply.status != 200:
                raise RuntimeError(reply.body)
            time.sleep(3.0 + rng.random())  # the next change once the view has caught up
        shown_at = kernel.json("view.close()\nprint(json.dumps(changes))")
    latencies = []
    for changed in changed_at:
        later = [t for t in shown_at if t >= changed]
        latencies.append(min(later) - changed if later else float("inf"))
    print(
        f"4. dc.pulse over {len(users)} pooled answers, in a kernel: one refresh (fetch, draw, "
        f"widget update) {percentiles(cost['seconds'])}; a changed answer on the projector "
        f"after {percentiles(latencies)} ({trials} changes, refreshing every 3 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--pooled", type=int, default=300)
    parser.add_argument("--zip-kb", type=int, default=200)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--changes", type=int, default=20, help="answer changes the view times")
    parser.add_argument("--graded", type=int, default=30, help="students graded in step 5")
    parser.add_argument("--no-execute", action="store_true", help="skip grade --execute")
    parser.add_argument("--jobs", type=int, default=2, help="grade --execute --jobs")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: the benchmark creates a Linux user for the spawned server")
    realhub.sweep()
    print("load average at start: {:.1f} {:.1f} {:.1f} (2 cores)".format(*os.getloadavg()))
    started = time.perf_counter()
    env = hubenv.ensure_environment()
    hubenv.ensure_proxy()
    print(f"0. hub environment ready in {time.perf_counter() - started:.1f} s ({env})")
    run_id, folder = linux_users.new_run()
    prefix = f"{linux_users.PREFIX}{run_id}-"
    spawner_user = prefix + "s1"
    # Only the spawned student needs a Linux account; the others only call the service.
    hub_users = [spawner_user] + [f"{prefix}p{i}" for i in range(1, args.pooled)]
    teacher = f"{prefix}teacher"  # a hub user only: grades off the hub, never spawns
    hub = realhub.RealHub(env=env, folder=folder, run_id=run_id)
    try:
        linux_users.create(spawner_user)
        hub_start = hub.start([spawner_user, teacher], [teacher])
        spawn = hub.start_server(spawner_user)
        started = time.perf_counter()
        output = run_code(hub, spawner_user, "print(6 * 7)")
        first_cell = time.perf_counter() - started
        if output["stdout"].strip() != "42":
            raise RuntimeError(output)
        print(
            f"1. hub start to proxy 200: {hub_start:.1f} s; first server spawned and "
            f"answering through the proxy: {spawn:.1f} s (total {hub_start + spawn:.1f} s); "
            f"a kernel started and its first cell run: {first_cell:.1f} s"
        )
        started = time.perf_counter()
        reply = hub.hub_api("POST", "users", {"usernames": hub_users[1:]})
        if reply.status != 201:
            raise RuntimeError(reply.body)
        for user in hub_users:
            hub.token_for(user)
        print(
            f"   ({len(hub_users) - 1} more hub users and {len(hub_users)} tokens made through "
            f"the REST API in {time.perf_counter() - started:.1f} s)"
        )
        data = submission(args.zip_kb)
        # First use of each token: the service asks the hub who it is (then caches 60 s).
        hand_in_at_once(hub, hub_users[: args.students], data, "tokens new to the service")
        hand_in_at_once(hub, hub_users[: args.students], data, "again, tokens cached")
        pulse(hub, hub_users[: args.pooled], args.reads)
        projector(hub, spawner_user, hub_users[: args.pooled], args.changes)
        if args.graded:
            instructor_side(hub, hub_users[: args.graded], teacher, not args.no_execute, args.jobs)
        print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    finally:
        hub.stop()
        linux_users.remove(spawner_user)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
