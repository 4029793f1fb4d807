"""The class link on a real hub updates a student's working copy by the laptop's rules.

The student opens the link `diplomatic-cover link` prints (nbgitpuller's page, then what its
script does: pull into the hidden folder, open the landing route), saves an edited exercise
and a run-only one through their server's contents API as JupyterLab does, and records an
answer from a kernel. The instructor commits new versions of both exercises. The student
opens the link again: the run-only exercise is replaced, the edited one is kept with the new
version beside it as "(updated)", and the answer store is byte for byte as it was.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from diplomatic_cover.hub.link import pull_link
from tests.hub.realhub import signed_in
from tests.hub.student_kernel import StudentKernel

EX1 = "exercises/ex1_pandas_record.ipynb"
EX3 = "exercises/ex3_capacity.ipynb"
GIT = ["-c", "user.name=Teacher", "-c", "user.email=teacher@example.edu"]


@pytest.fixture(scope="module")
def course_repo(hub, class_copy_repo):
    """The instructor's repository (a clone of the class copy), which this test changes."""
    repo = hub.folder / "course-with-updates"
    subprocess.run(["git", "clone", "--quiet", class_copy_repo, str(repo)], check=True)
    _readable(repo)
    return repo


def _readable(repo):
    for path in [repo, *repo.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def open_link(hub, student, link):
    """What a browser does with the link: nbgitpuller's page, its pull, then its redirect.

    Returns the landing route's answer (status, Location, page), its redirect not followed.
    """
    token, jar = hub.token_for(student), signed_in(hub, student)
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with browser.open(link, timeout=60) as page:
        data = {
            name: urllib.parse.unquote(html.unescape(value))
            for name, value in re.findall(r'data-([a-z-]+)="([^"]*)"', page.read().decode())
        }
    query = urllib.parse.urlencode(
        {"repo": data["repo"], "branch": data["branch"], "targetpath": data["targetpath"]}
    )
    pulled = hub.request(
        "GET", f"{hub.url}/user/{student}/git-pull/api?{query}", token=token, timeout=120
    )
    assert b'"phase": "finished"' in pulled.body, pulled.body[-500:]
    landing = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _Stay)
    try:
        with landing.open(hub.url + data["base-url"] + data["path"], timeout=120) as reply:
            return reply.status, reply.headers.get("Location"), reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location"), error.read().decode()


class _Stay(urllib.request.HTTPRedirectHandler):
    """Leave redirects to the test, which checks where they point."""

    def redirect_request(self, *args, **kwargs):
        return None


def contents(hub, student, path):
    reply = hub.request(
        "GET", f"{hub.url}/user/{student}/api/contents/{urllib.parse.quote(path)}",
        token=hub.token_for(student),
    )  # fmt: skip
    return reply.json() if reply.status == 200 else None


def save(hub, student, path, notebook):
    """Save a notebook as JupyterLab's Ctrl+S does (a PUT to the contents API)."""
    body = json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode()
    reply = hub.request(
        "PUT", f"{hub.url}/user/{student}/api/contents/{path}", body,
        hub.token_for(student), {"Content-Type": "application/json"},
    )  # fmt: skip
    assert reply.status == 200, reply.body


def commit_new_hint(repo, relative, text):
    path = repo / relative
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "id": "hint-2", "metadata": {},
                              "source": [text]})  # fmt: skip
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), *GIT, "commit", "-qam", f"New hint: {relative}"],
                   check=True)  # fmt: skip
    _readable(repo)


ANSWER_AND_STORE = """
import json
from pathlib import Path
import diplomatic_cover as dc
from diplomatic_cover import paths
dc.ask("00.tour-short").value = "Reciprocity decides how many officers stay."
store = paths.responses_dir()
print(json.dumps({str(p): p.read_text() for p in sorted(store.rglob("*.json"))}))
"""


def _store(hub, student):
    with StudentKernel(hub, student, "my-work/notebooks") as kernel:
        return kernel.json("""
            import json
            from diplomatic_cover import paths
            store = paths.responses_dir()
            print(json.dumps({str(p): p.read_text() for p in sorted(store.rglob("*.json"))}))
        """)


@pytest.fixture(scope="module")
def updated(hub, accounts, course_repo):
    """Student 5's class so far: link, work, the instructor's update, the link again.

    Returns the student, the landing page of the second visit and the answer store before it.
    """
    student = accounts.student(5)
    hub.start_server(student)
    link = pull_link(hub.url, str(course_repo), "main", EX3)

    status, location, _ = open_link(hub, student, link)
    assert (status, location) == (302, f"/user/{student}/lab/tree/my-work/{EX3}")
    assert contents(hub, student, ".diplomatic-cover-class") is None  # hidden from the browser

    ran = contents(hub, student, f"my-work/{EX1}")["content"]
    for cell in ran["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran"}]
            cell["execution_count"] = 1
    save(hub, student, f"my-work/{EX1}", ran)
    edited = contents(hub, student, f"my-work/{EX3}")["content"]
    code = next(cell for cell in edited["cells"] if cell["cell_type"] == "code")
    code["source"] = "# my capacity model\n" + code["source"]
    save(hub, student, f"my-work/{EX3}", edited)
    with StudentKernel(hub, student, "my-work/notebooks") as kernel:
        kernel.json(ANSWER_AND_STORE)
    answers = _store(hub, student)
    assert any("Reciprocity decides" in text for text in answers.values()), answers

    commit_new_hint(course_repo, EX1, "A second hint for exercise 1.")
    commit_new_hint(course_repo, EX3, "A second hint for exercise 3.")
    status, _, page = open_link(hub, student, link)
    assert status == 200, page
    return student, page, answers


def test_a_second_pull_replaces_run_notebooks_and_keeps_edited_ones(hub, updated):
    student, page, answers = updated
    assert "Kept your edited exercises/ex3_capacity.ipynb" in page
    assert "ex3_capacity (updated).ipynb" in page
    replaced = contents(hub, student, f"my-work/{EX1}")["content"]
    assert "A second hint for exercise 1." in replaced["cells"][-1]["source"]
    assert all(c.get("outputs", []) == [] for c in replaced["cells"] if c["cell_type"] == "code")
    kept = contents(hub, student, f"my-work/{EX3}")["content"]
    assert "# my capacity model" in json.dumps(kept["cells"])
    assert "A second hint for exercise 3." not in json.dumps(kept["cells"])
    beside = contents(hub, student, "my-work/exercises/ex3_capacity (updated).ipynb")
    assert "A second hint for exercise 3." in beside["content"]["cells"][-1]["source"]
    assert contents(hub, student, "my-work/exercises/ex1_pandas_record (updated).ipynb") is None
    assert _store(hub, student) == answers


HAND_IN_AND_UPDATE = """
import json, subprocess, sys, zipfile
from pathlib import Path
work = Path.home() / "my-work"
built = subprocess.run([sys.executable, "-m", "diplomatic_cover", "submit", "--local"],
                       cwd=work / "exercises", capture_output=True, text=True)
(path,) = (work / "submissions").glob("submission-*.zip")
with zipfile.ZipFile(path) as archive:
    ex3 = archive.read("exercises/ex3_capacity.ipynb").decode()
update = subprocess.run([sys.executable, "-m", "diplomatic_cover", "update"],
                        cwd=work, capture_output=True, text=True)
print(json.dumps({"built": built.returncode, "edited": "# my capacity model" in ex3,
                  "update": update.returncode, "said": update.stdout + update.stderr}))
"""


def test_hand_in_and_update_work_from_the_working_copy(hub, updated):
    """After the link: Hand in takes ~/my-work's exercises, and `update` finds the pulled copy."""
    student = updated[0]
    with StudentKernel(hub, student, "my-work") as kernel:
        done = kernel.json(HAND_IN_AND_UPDATE, timeout=180)
    assert done["built"] == 0 and done["edited"], done
    assert done["update"] == 0 and "(nothing new from the kit)" in done["said"], done
