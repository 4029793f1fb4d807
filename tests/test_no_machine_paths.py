"""No file of the kit names a place on somebody's machine.

An absolute path such as a home folder or a build machine's work folder means nothing on an
instructor's laptop or a hub, and it leaks where the kit was written. Web addresses are not
paths (`http://example.org/home/...` is fine), and system locations every install shares
(`/usr/bin/chromium`, `/tmp`) are not anybody's machine.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: A home folder (home, Users or root at the top of the file system, or a Windows user
#: folder), a mounted drive (mnt), or the build machine's work folder with the folders only it
#: has (shared, worktrees, notes, the library): the grading sandbox's own scratch folder is
#: also called /work, and that one is the kit's, not a machine's. The look-behind keeps parts
#: of longer paths and of addresses out.
MACHINE_PATH = re.compile(
    r"(?<![\w.:/~-])/(?:home|Users|root|mnt)/[\w.-]"
    r"|(?<![\w.:/~-])/work/(?:shared|wt|main|notes|\.library|\.mirror)\b"
    r"|\b[A-Za-z]:\\(?:Users|Documents and Settings)\\"
)
URL = re.compile(r"\b(?:https?|ftp|file)://\S+")


def tracked_files():
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the kit's files cannot be listed")
    return sorted(ROOT / name for name in listed.decode().split("\0") if name)


def machine_paths(text):
    return MACHINE_PATH.findall(URL.sub("", text))


def test_the_pattern_finds_machine_paths_but_not_addresses_or_system_paths():
    home, work = "/" + "home/ana/kit/data.csv", "/" + "work/shared/reading/article.txt"
    assert machine_paths(f"see {home} and {work}") != []
    assert machine_paths("C:" + "\\Users\\ana\\kit") != []
    assert machine_paths("http://www.wz.de/home/politik/x and /usr/bin/chromium") == []
    assert machine_paths("~/.local/share/diplomatic-cover and ROOT / 'home'") == []
    sandbox = "/" + "work/exercises"  # the grading sandbox's scratch folder, not a machine's
    assert machine_paths(f'WORK = "/work", cwd {sandbox}') == []


def test_no_file_of_the_kit_holds_a_path_of_someones_machine():
    found = {}
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        if hits := machine_paths(text):
            found[str(path.relative_to(ROOT))] = hits[:3]
    assert found == {}
