"""The instructor's side on a real hub: send the link, grade the hand-ins, return feedback.

Five students hand in real kit submissions (built by the kit's own store and hand-in) with
their own tokens; the instructor grades them straight from the course service with
`diplomatic-cover grade --from-hub URL` (the real command, run as a process of its own with
the instructor's token in JUPYTERHUB_API_TOKEN, as in a terminal on the hub), and returns the
feedback with `diplomatic-cover return-feedback`.
Each student then reads their own page with their own token, and cannot read a classmate's.
"""

from __future__ import annotations

import csv
import html
import os
import pwd
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.cli import main as cli_main
from diplomatic_cover.grading.results import read_results
from diplomatic_cover.hub.client import CourseService, ServiceError
from tests.grading.hostile.outputs import problems
from tests.grading.kit import correct, good_answers, hand_in, write_config, wrong
from tests.hub import class_repo
from tests.hub.kernel import run_code
from tests.hub.realhub import signed_in


def _service(hub, user):
    return CourseService(url=hub.service_url, token=hub.token_for(user))


def _kit_student(number):
    return Student(f"student-{number}", f"Student Number{number}")


def _answers(number):
    """Students 1-3 answer well, 4 and 5 make mistakes (so the scores differ)."""
    if number <= 3:
        return good_answers(), {"ex1.by-decade": correct("ex1.by-decade")}
    return {"02.arrest-or-expel": "evidence"}, {"ex1.by-decade": wrong("ex1.by-decade")}


@pytest.fixture(scope="module")
def course(hub, accounts, tmp_path_factory):
    """The class handed in, the instructor downloaded and graded: (folder, grades, roster)."""
    folder = tmp_path_factory.mktemp("instructor")
    config = write_config(folder / "instructors")
    for number, user in enumerate(accounts.students, start=1):
        answers, checks = _answers(number)
        built = hand_in(folder / "class", _kit_student(number), answers=answers, checks=checks)
        receipt = _service(hub, user).hand_in(built)
        assert receipt["user"] == user
    roster = folder / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kit_id", "name", "hub_user"])
        for number, user in enumerate(accounts.students, start=1):
            writer.writerow([f"student-{number}", f"Student Number{number}", user])
    grades = folder / "grades"
    graded = _grade_from_hub(hub, accounts.instructor, "--out", str(grades), "--config",
                             str(config), "--roster", str(roster))  # fmt: skip
    assert graded.returncode == 0, graded.stderr
    return folder, grades, roster


def _grade_from_hub(hub, user, *args):
    """`diplomatic-cover grade --from-hub` as a terminal on the hub runs it, with `user`'s token."""
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": hub.token_for(user)}
    command = [sys.executable, "-m", "diplomatic_cover", "grade", "--from-hub", hub.url, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def _return(hub, accounts, course, *extra, user=None):
    folder, grades, roster = course
    token_file = folder / f"token-{user or accounts.instructor}"
    token_file.write_text(hub.token_for(user or accounts.instructor) + "\n")
    args = ["return-feedback", "--grades", str(grades), "--hub", hub.url, "--token-file"]
    return cli_main([*args, str(token_file), "--roster", str(roster), *extra])


def test_the_instructor_graded_every_hand_in_from_the_hub(course, accounts):
    results = read_results(course[1] / "results.json")
    assert sorted(results) == [f"student-{n}" for n in range(1, 6)]
    for number, user in enumerate(accounts.students, start=1):
        row = results[f"student-{number}"]
        assert row.status == "graded"
        assert row.source.startswith(f"hub:{user}/")  # the hub user who handed it in
    assert results["student-1"].total == results["student-3"].total
    assert results["student-1"].total > results["student-4"].total == results["student-5"].total


def test_one_download_the_service_refuses_is_that_students_damaged_submission(
    hub, accounts, course, tmp_path
):
    """The file of student 2's newest hand-in is gone from the service's storage (its receipt
    is still there): the service refuses that one download, the rest of the class is graded
    and student 2 reads "damaged submission" with the refusal in problems.csv."""
    folder, _, roster = course
    user = accounts.students[1]
    receipt = _service(hub, accounts.instructor).download(user)[1]
    stored = next(hub.storage.glob(f"submissions/*/{receipt['id']}.zip"))
    aside = stored.with_name(stored.name + ".aside")
    stored.rename(aside)
    try:
        out = tmp_path / "grades"
        graded = _grade_from_hub(hub, accounts.instructor, "--out", str(out), "--config",
                                 str(folder / "instructors" / "grading.toml"), "--roster",
                                 str(roster))  # fmt: skip
    finally:
        aside.rename(stored)
    assert graded.returncode == 0, graded.stderr
    results = read_results(out / "results.json")
    assert results["student-2"].status == "damaged submission"
    assert all(results[f"student-{n}"].status == "graded" for n in (1, 3, 4, 5))
    refused = [row for row in problems(out) if "refused its download" in row["problem"]]
    assert [row["file"].split("/")[0] for row in refused] == [f"hub:{user}"]


def test_a_students_token_cannot_grade_from_the_hub(hub, accounts, course, tmp_path):
    graded = _grade_from_hub(hub, accounts.student(1), "--out", str(tmp_path / "g"))
    assert graded.returncode == 1
    assert graded.stderr.count("\n") == 1 and "does not teach this course" in graded.stderr
    assert not (tmp_path / "g").exists()


def test_a_dry_run_lists_each_hub_user_and_sends_nothing(hub, accounts, course, capsys):
    before = [_service(hub, user).my_feedback() for user in accounts.students]
    assert _return(hub, accounts, course, "--dry-run") == 0
    out = capsys.readouterr().out
    for number, user in enumerate(accounts.students, start=1):
        assert f"student-{number} (Student Number{number}) -> {user}: would send" in out
    assert "Would send: 5 of 5 student(s)" in out
    assert [_service(hub, user).my_feedback() for user in accounts.students] == before


def test_a_roster_naming_a_stranger_is_refused_for_that_student(hub, accounts, course, capsys):
    folder, grades, _ = course
    wrong_roster = folder / "wrong-roster.csv"
    wrong_roster.write_text(f"kit_id,hub_user\nstudent-1,{accounts.prefix}nobody\n")
    token_file = folder / "teacher-token"
    token_file.write_text(hub.token_for(accounts.instructor))
    code = cli_main(
        ["return-feedback", "--grades", str(grades), "--hub", hub.url, "--token-file",
         str(token_file), "--roster", str(wrong_roster), "--only", "student-1", "--dry-run"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert f"hub user '{accounts.prefix}nobody' is unknown to the hub" in out


def test_a_students_token_cannot_return_feedback(hub, accounts, course, capsys):
    assert _return(hub, accounts, course, user=accounts.student(2)) == 2
    assert "does not teach this course" in capsys.readouterr().err


def test_each_student_reads_their_own_feedback_and_no_one_elses(hub, accounts, course, capsys):
    grades = course[1]
    assert _return(hub, accounts, course) == 0
    assert "Sent: 5 of 5 student(s) with a feedback page" in capsys.readouterr().out
    results = read_results(grades / "results.json")
    for number, user in enumerate(accounts.students, start=1):
        key = f"student-{number}"
        own = _service(hub, user).my_feedback()
        assert own["page"] == (grades / "feedback" / f"{key}.html").read_text("utf-8")
        assert own["scores"]["total"] == results[key].total
        assert own["scores"]["max_total"] == results[key].max_total
        classmate = accounts.students[number % 5]
        with pytest.raises(ServiceError) as refused:
            _service(hub, user).feedback_of(classmate)
        assert refused.value.status == 403


def test_a_student_reads_their_feedback_from_their_own_kernel(hub, accounts, course):
    student = accounts.student(4)
    hub.start_server(student)
    out = run_code(
        hub,
        student,
        "from diplomatic_cover.hub.client import CourseService\n"
        "mine = CourseService.from_environment().my_feedback()\n"
        "print(mine['scores']['total'], 'Student Number4' in mine['page'])",
    )
    assert not out["error"], out["error"]
    total = read_results(course[1] / "results.json")["student-4"].total
    assert out["stdout"].split() == [f"{total}", "True"]


def _signed_in(hub, user):
    """A browser-like session signed in through the hub's login page."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(signed_in(hub, user)))


@pytest.fixture(scope="module")
def released_repo(hub):
    """The instructor's class-copy repository, filled and committed by `release --out`."""
    repo = hub.folder / "diplomatic-cover-class"  # the hub's folder: students can read it
    class_repo.release(repo)
    return str(repo)


def test_the_link_brings_the_released_class_copy_to_a_student(hub, accounts, released_repo, capsys):
    student = accounts.student(4)
    hub.start_server(student)
    assert cli_main(["link", "--hub", hub.url, "--repo", released_repo, "--branch", "main"]) == 0
    link = capsys.readouterr().out.strip()
    with _signed_in(hub, student).open(link, timeout=60) as page:
        landed, body = page.url, page.read().decode()
    assert landed.startswith(f"{hub.url}/user/{student}/git-pull?")
    data = {
        name: urllib.parse.unquote(html.unescape(value))
        for name, value in re.findall(r'data-([a-z-]+)="([^"]*)"', body)
    }
    assert data["repo"] == released_repo and data["branch"] == "main"
    assert data["path"] == "diplomatic-cover/open/notebooks/00_start_here.ipynb"
    assert data["targetpath"] == ".diplomatic-cover-class"
    # What the page's script does next: pull, then open base-url + path.
    query = urllib.parse.urlencode(
        {"repo": data["repo"], "branch": data["branch"], "targetpath": data["targetpath"]}
    )
    token = hub.token_for(student)
    pulled = hub.request(
        "GET", f"{hub.url}/user/{student}/git-pull/api?{query}", token=token, timeout=120
    )
    assert b'"phase": "finished"' in pulled.body, pulled.body[-300:]
    with _signed_in(hub, student).open(hub.url + data["base-url"] + data["path"]) as page:
        assert page.url.endswith(f"/user/{student}/lab/tree/my-work/notebooks/00_start_here.ipynb")

    def listed(path):
        reply = hub.request("GET", f"{hub.url}/user/{student}/api/contents/{path}", token=token)
        return reply.json() if reply.status == 200 else None

    opened = listed("my-work/notebooks/00_start_here.ipynb")
    assert opened is not None and opened["type"] == "notebook"
    # The pulled class copy is hidden from the file browser; root reads it on disk.
    pulled_copy = Path(pwd.getpwnam(student).pw_dir) / data["targetpath"]
    top = {path.name for path in pulled_copy.iterdir()}
    assert {"CLASS_COPY.md", "binder", "notebooks", "exercises", "src"} <= top
    assert "instructors" not in top
    assert not (pulled_copy / "src/diplomatic_cover/questions/answer_key").exists()
