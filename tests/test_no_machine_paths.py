"""No file of the kit names a folder on somebody's machine.

A path such as a home folder or this build machine's work folder means nothing on a student's
laptop or a hub, and it says who wrote the file where. Web addresses are left out of the scan
(a site may well have a page under /home/); system paths the kit really uses, such as Debian's
Chromium, are not personal and are not matched.
"""

import re

from tests.kit_files import ROOT, kit_texts

URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
# Written in pieces so that this file does not match itself.
MACHINE_PATH = re.compile(
    "|".join(
        [
            r"(?<![\w.~-])/" + "work/",
            r"(?<![\w.~-])/" + "root/",
            r"(?<![\w.~-])/" + r"home/[^/\s]+/",
            r"(?<![\w.~-])/" + r"Users/[^/\s]+/",
            r"\b[A-Za-z]:[\\/]+" + r"Users[\\/]",
            r"(?<![\w.~-])/" + "tmp/",
            r"(?<![\w.~-])/" + r"private/var/folders/",
        ]
    )
)


def machine_paths(text: str) -> list[str]:
    return [m.group(0) for m in MACHINE_PATH.finditer(URL.sub(" ", text))]


def test_the_pattern_finds_the_paths_it_is_meant_to_find():
    examples = [
        "see " + "/" + "work/wt/kit/notebooks",
        "saved in " + "/" + "home/alice/answers",
        "C:" + "\\Users\\Bob\\kit",
        "/" + "Users/carol/Desktop",
        "cd /" + "root/kit",
    ]
    assert all(machine_paths(text) for text in examples)
    assert machine_paths("https://example.org/home/page/ and /usr/bin/chromium") == []


def test_no_file_of_the_kit_names_a_folder_on_a_machine():
    found = [
        f"{path.relative_to(ROOT)}: {hit}"
        for path, text in kit_texts()
        for hit in machine_paths(text)
    ]
    assert found == []
