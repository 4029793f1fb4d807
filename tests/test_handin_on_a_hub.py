"""Hand in where the hub's course service is down, and `dc.feedback()` without a hub.

The zip is built in the student's folder before anything is sent, so a service that cannot
be reached loses nothing: the button and the command name the file and say why it did not
go. A real hub, with the service up and down, is tested in tests/hub/test_student_handin.py.
"""

from __future__ import annotations

import io
import socket

import pytest

from diplomatic_cover import paths
from diplomatic_cover.answers import identity
from diplomatic_cover.answers.catalogue import parse_catalogue
from diplomatic_cover.answers.store import ResponseStore
from diplomatic_cover.handin.delivery import deliver
from diplomatic_cover.handin.submission import build_submission, cli_submit, verify_submission
from diplomatic_cover.hub.client import CourseService
from diplomatic_cover.widgets.feedback import feedback, feedback_html
from diplomatic_cover.widgets.handin import BUTTON_LABEL, HUB_BUTTON_LABEL, submit_button
from tests.sample_answers import ANA, CATALOGUE_TOML, fill_store

ZIP_NAME = "submission-ana-silva.zip"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def service_down():
    return CourseService(f"http://127.0.0.1:{closed_port()}/services/diplomatic-cover/", "token")


@pytest.fixture
def store(tmp_path):
    store = ResponseStore(tmp_path / "responses")
    fill_store(store)
    return store


def test_off_a_hub_nothing_is_sent_and_the_button_builds_a_file_as_before(tmp_path, store):
    button, status = submit_button(
        student=ANA, store=store, out_dir=tmp_path, service=None
    ).children
    assert button.description == BUTTON_LABEL
    button.click()
    assert "Wrote submission-ana-silva.zip" in status.value
    assert "Hand in that file." in status.value


def test_with_the_service_down_the_zip_stays_and_the_line_gives_its_path_and_why(
    tmp_path, store, service_down
):
    button, status = submit_button(
        "02_cover", student=ANA, store=store, out_dir=tmp_path / "home", service=service_down
    ).children
    assert button.description == HUB_BUTTON_LABEL

    button.click()

    kept = tmp_path / "home" / ZIP_NAME
    verify_submission(kept)
    assert "✗ Not handed in: The course service at http://127.0.0.1:" in status.value
    assert "could not be reached" in status.value
    assert f"Your submission is kept at {kept}" in status.value
    assert "Handed in" not in status.value
    assert not button.disabled


def test_a_delivery_says_where_the_file_is_whatever_happened(tmp_path, store, service_down):
    catalogue = parse_catalogue(CATALOGUE_TOML)
    path = build_submission(ANA, store=store, out_dir=tmp_path, catalogue=catalogue)
    assert deliver(path, None).on_hub is False
    down = deliver(path, service_down)
    assert (down.on_hub, down.handed_in, down.path) == (True, False, path)
    assert "\n" not in down.problem
    assert path.exists()


def test_the_command_on_a_hub_with_the_service_down_keeps_the_file_and_fails(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.RESPONSES_ENV, str(tmp_path / "responses"))
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "token")
    monkeypatch.setenv("DIPLOMATIC_COVER_SERVICE_URL", f"http://127.0.0.1:{closed_port()}/")
    student = identity.set_student("Ana Silva")
    ResponseStore().save_answer(student, "00_start_here", "00.tour-short", "who gets expelled")
    out, err = io.StringIO(), io.StringIO()

    code = cli_submit(out_dir=tmp_path / "out", exercises_dir=None, stdout=out, stderr=err)

    kept = tmp_path / "out" / ZIP_NAME
    assert code == 1 and out.getvalue() == ""
    assert err.getvalue().startswith("diplomatic-cover submit: Not handed in: The course service")
    assert f"Your submission is kept at {kept}" in err.getvalue()
    verify_submission(kept)

    # --local: only build the file, as on a laptop.
    out = io.StringIO()
    assert cli_submit(out_dir=tmp_path / "out", send=False, stdout=out, stderr=err) == 0
    assert out.getvalue().startswith(f"Wrote {ZIP_NAME}")


# -- dc.feedback() ---------------------------------------------------------------------------


def test_feedback_off_a_hub_says_where_feedback_comes_from_instead():
    shown = feedback(service=None).value
    assert "not running on one" in shown
    assert "learning platform" in shown


def test_feedback_from_a_service_that_is_down_says_so(service_down):
    assert "Your feedback could not be fetched" in feedback(service=service_down).value


def test_the_feedback_page_is_sandboxed_and_every_score_is_text():
    page = '<html><body><p>Well argued.</p><script>alert("x")</script></body></html>'
    shown = feedback_html(
        {
            "received_at": "2026-03-02T10:42:05.000000Z",
            "page": page,
            "scores": {"total": 17.5, "questions": {"01.why": 4, "<b>odd</b>": None}},
        }
    )
    assert '<time datetime="2026-03-02T10:42:05.000000Z">' in shown
    assert 'sandbox="allow-same-origin"' in shown  # no allow-scripts: the page runs nothing
    assert "<script>" not in shown and "&lt;script&gt;" in shown  # only inside srcdoc
    assert "questions › 01.why" in shown and "17.5" in shown
    assert "<b>odd</b>" not in shown and "&lt;b&gt;odd&lt;/b&gt;" in shown
