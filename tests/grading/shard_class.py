"""One class for the shard tests: honest students among the cases that look across students.

Laid out as an LMS download (Canvas file names, and one Moodle participant's folder), with a
roster, so every rule a shard must see whole is there: a resubmission (the latest by the
LMS's order counts), one kit id sent from two accounts, two accounts with the same name, a
copied answer-store document, a long written answer shared by several students, a damaged
file of a roster student, a roster student with no file, and a late upload.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from diplomatic_cover.answers.identity import Student
from tests.grading.hostile.corpus import (
    ANA,
    BEN,
    WEI,
    canvas_name,
    full_marks,
    members,
    rehash,
    set_manifest,
)
from tests.grading.kit import correct, hand_in, wrong

CARL = Student("carl-jones", "Carl Jones")
DAN = Student("dan-ruiz", "Dan Ruiz")
FAY = Student("fay-ng", "Fay Ng")

ROSTER = """kit_id,lms_id,name,section
ana-silva,4821,"Silva, Ana",S1
ben-okafor,4100,"Okafor, Ben",S1
dan-ruiz,4300,"Ruiz, Dan",S2
ed-absent,4400,"Absent, Ed",S2
"""
DEADLINE = "2026-12-10T23:59+00:00"


def _put(path: Path, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, folder / name)


def build_class(root: Path, others: int = 9) -> tuple[Path, Path]:
    """The class's download folder and roster under `root`; (submissions, roster)."""
    download = root / "download"
    canvas = download / "canvas"
    homes = root / "homes"
    # A resubmission: the first upload (claiming 2099) is wrong, Canvas's -1 is right.
    early = rehash(
        hand_in(homes / "ana-1", ANA, answers={"02.arrest-or-expel": "evidence"}),
        root / "early.zip",
        set_manifest(created="2099-01-01T00:00:00.000Z"),
    )
    _put(early, canvas, canvas_name("silvaana", 4821, 9912, "submission-ana-silva.zip"))
    late = full_marks(homes / "ana-1", ANA, out_dir=root / "late")
    _put(late, canvas, canvas_name("silvaana", 4821, 9912, "submission-ana-silva-1.zip"))
    # One kit id from two accounts: Eve hands in an empty file typed as Ana.
    forged = hand_in(homes / "eve", ANA)
    _put(forged, canvas, canvas_name("malloryeve", 5555, 9913, "submission-ana-silva.zip"))
    # Two accounts with the same name, one kit id between them.
    wei_a = full_marks(homes / "wei-a", WEI)
    wei_b = hand_in(homes / "wei-b", WEI, answers={"02.arrest-or-expel": "evidence"})
    _put(wei_a, canvas, canvas_name("zhangwei", 4001, 9001, wei_a.name))
    _put(wei_b, canvas, canvas_name("zhangwei", 4002, 9002, wei_b.name))
    # A copied document: Carl hands in Ben's answer store under his own kit id, late.
    ben = full_marks(homes / "ben", BEN)
    _put(ben, canvas, canvas_name("okafoben", 4100, 9100, ben.name))
    bens = members(ben)

    def copy(files: dict[str, bytes]) -> None:
        files.update({n: d for n, d in bens.items() if n.startswith("responses/")})

    carl = rehash(hand_in(homes / "carl", CARL), root / "carl.zip", copy)
    _put(carl, canvas, canvas_name("jonescarl_LATE", 4200, 9200, "submission-carl-jones.zip"))
    # A roster student whose only file was cut short on its way.
    dan = full_marks(homes / "dan", DAN).read_bytes()
    damaged = canvas / canvas_name("ruizdan", 4300, 9300, "submission-dan-ruiz.zip")
    damaged.write_bytes(dan[: len(dan) // 2])
    # A Moodle participant.
    fay = full_marks(homes / "fay", FAY)
    _put(fay, download / "moodle" / "Fay Ng_1077_assignsubmission_file_", fay.name)
    # Ordinary students, right and wrong in turn.
    for number in range(others):
        student = Student(f"student-{number:02d}", f"Student {number:02d}")
        checks = {"ex1.by-decade": correct("ex1.by-decade")}
        checks["ex1.ratios"] = correct("ex1.ratios") if number % 2 else wrong("ex1.ratios")
        answers = {"02.arrest-or-expel": "immunity" if number % 3 else "evidence"}
        path = hand_in(homes / student.id, student, checks=checks, answers=answers)
        user = 6000 + number
        _put(path, canvas, canvas_name(f"student{number:02d}", user, 9400 + number, path.name))
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    return download, roster
