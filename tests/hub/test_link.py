"""The nbgitpuller link: byte for byte what nbgitpuller's own link generator makes.

tests/fixtures/nbgitpuller_links.json holds links printed by nbgitpuller's generator
(`docs/_static/link_gen/link.js`, run under Node); the file says which commit.
The real hub follows a link in tests/hub/test_hub_instructor.py.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from diplomatic_cover.cli import main as cli_main
from diplomatic_cover.hub.link import LinkError, clone_folder, hub_base, pull_link

CASES = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "nbgitpuller_links.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["repo"] for c in CASES])
def test_the_link_is_the_one_nbgitpullers_generator_makes(case):
    link = pull_link(case["hub"], case["repo"], case["branch"], case["path"])
    assert link == case["link"]


@pytest.mark.parametrize("case", CASES, ids=[c["repo"] for c in CASES])
def test_nbgitpuller_reads_back_exactly_what_was_given(case):
    query = parse_qs(urlsplit(pull_link(**_args(case))).query, keep_blank_values=True)
    assert query["repo"] == [case["repo"]]
    # nbgitpuller pulls into the hidden folder, then the kit's landing route opens the path.
    assert query["urlpath"] == [f"diplomatic-cover/open/{case['path']}"]
    assert query["targetPath"] == [".diplomatic-cover-class"]
    assert query.get("branch", [""]) == [case["branch"]]


def _args(case):
    return {k: case[k] for k in ("hub", "repo", "branch", "path")}


def test_an_address_without_a_repository_name_is_refused_as_nbgitpuller_would_name_it():
    # nbgitpuller's UIHandler: repo.rstrip('/').split('/')[-1]; a .git ending stays.
    assert clone_folder("https://git.example.edu/course/class.git") == "class.git"
    assert clone_folder("https://git.example.edu/course/class-copy/") == "class-copy"
    assert clone_folder("/srv/courses/class-copy") == "class-copy"


def test_the_hub_address_is_written_as_a_browser_writes_it():
    assert hub_base("https://hub.example.edu") == "https://hub.example.edu/"
    assert hub_base("HTTPS://Hub.Example.EDU:443/jhub") == "https://hub.example.edu/jhub/"
    assert hub_base("http://[::1]:8000") == "http://[::1]:8000/"


@pytest.mark.parametrize(
    ("address", "repo", "path", "says"),
    [
        ("hub.example.edu", "https://g/x", "a.ipynb", "not a hub address"),
        ("ftp://hub.example.edu", "https://g/x", "a.ipynb", "not a hub address"),
        ("https://hub.example.edu/?next=/x", "https://g/x", "a.ipynb", "query"),
        ("https://teacher:secret@hub.example.edu", "https://g/x", "a.ipynb", "password"),
        ("https://hub.example.edu", "", "a.ipynb", "not a repository address"),
        ("https://hub.example.edu", "https://g/my class", "a.ipynb", "has spaces"),
        ("https://hub.example.edu", "///", "a.ipynb", "repository name"),
        ("https://hub.example.edu", "https://g/x", "../../etc/passwd", "not a file"),
    ],
)
def test_addresses_that_make_no_working_link_are_refused(address, repo, path, says):
    with pytest.raises(LinkError, match=says):
        pull_link(address, repo, "", path)


def test_the_command_prints_the_link_and_nothing_else(capsys):
    code = cli_main(
        ["link", "--hub", "https://hub.example.edu", "--repo", "https://g.edu/c/class-copy"]
    )
    out = capsys.readouterr()
    assert code == 0 and out.err == ""
    assert out.out == (
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fg.edu%2Fc%2F"
        "class-copy&urlpath=diplomatic-cover%2Fopen%2Fnotebooks%2F00_start_here.ipynb"
        "&targetPath=.diplomatic-cover-class\n"
    )


def test_the_command_says_what_is_wrong_with_a_bad_address(capsys):
    assert cli_main(["link", "--hub", "hub.example.edu", "--repo", "https://g/x"]) == 2
    assert "not a hub address" in capsys.readouterr().err


def test_main_writes_to_the_streams_it_is_given():
    from diplomatic_cover.hub.link import main

    out, err = io.StringIO(), io.StringIO()
    assert main(hub="https://h.edu", repo="https://g/x", branch="b", stdout=out, stderr=err) == 0
    assert out.getvalue().endswith("&branch=b&targetPath=.diplomatic-cover-class\n")
    assert err.getvalue() == ""
