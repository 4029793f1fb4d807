"""The hostile corpus: what a clever, mischievous student (or an unlucky one) hands in.

Every file starts as an honest submission built with the kit's own API (`kit.hand_in`: a
real answer store, then `build_submission`), and is then changed the way any student can:
edit the zip and recompute the manifest's hashes (`rehash`), which is all the manifest asks.
The attacks are the failures of `shared/reviews/review-security.md`, by table row.

`build_corpus(folder)` lays the whole set out as one Canvas download with honest students
among the attackers, and says what the grader must make of each; the benchmark and the
memory test grade it whole.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplomatic_cover.answers.identity import Student
from tests.grading.kit import correct, good_answers, hand_in, notebook

Files = dict[str, bytes]

ANA = Student("ana-silva", "Ana Silva")
BEN = Student("ben-okafor", "Ben Okafor")
WEI = Student("wei-zhang", "Wei Zhang")
EVE = Student("eve-mallory", "Eve Mallory")

ALL_CHECKS = ("ex1.by-decade", "ex1.ratios")


def full_marks(folder: Path, student: Student, **kwargs: Any) -> Path:
    """An honest student who got everything in the test configuration right."""
    return hand_in(
        folder,
        student,
        answers=good_answers(),
        checks={c: correct(c) for c in ALL_CHECKS},
        **kwargs,
    )


# ---------------------------------------------------------------------------------------
# What any student can do to a zip


def members(path: Path) -> Files:
    """Every file of a zip by name."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rehash(source: Path, target: Path, edit: Callable[[Files], None]) -> Path:
    """Edit a submission's files, then recompute the manifest's hashes, as a student can."""
    files = members(source)
    edit(files)
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in files.items()
        if name != "manifest.json"
    }
    files["manifest.json"] = json.dumps(manifest).encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def set_manifest(**fields: Any) -> Callable[[Files], None]:
    """An edit that changes manifest fields (`created="2099-..."`)."""

    def edit(files: Files) -> None:
        manifest = json.loads(files["manifest.json"])
        manifest.update(fields)
        files["manifest.json"] = json.dumps(manifest).encode()

    return edit


def set_document(
    notebook: str, change: Callable[[dict[str, Any]], None]
) -> Callable[[Files], None]:
    """An edit that changes one response document."""

    def edit(files: Files) -> None:
        name = f"responses/{notebook}.json"
        document = json.loads(files[name])
        change(document)
        files[name] = json.dumps(document).encode()

    return edit


def zip_of(files: Files, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding `files`, as bytes."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------
# Bombs


def json_bomb(folder: Path, name: str, megabytes: int = 60) -> Path:
    """2.5: an honest submission padded with `{},{},...` (60 MB zips to about 70 KB)."""
    honest = hand_in(folder / "bomb-home", Student(name, name.title()))
    pad = b'{"answers": {}, "checks": {}, "pad": [' + b"{}," * (megabytes * 2**20 // 3) + b"{}]}"

    def add(files: Files) -> None:
        files["responses/zz_pad.json"] = pad

    return rehash(honest, folder / f"submission-{name}.zip", add)


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from members already deflated: (name, deflated bytes, crc32, size)."""
    local, central, offset = [], [], 0
    for name, data, crc, size in entries:
        encoded = name.encode()
        header = struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        local.append(header + encoded + data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
        offset += len(header) + len(encoded) + len(data)
    directory = b"".join(central)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0
    )
    return b"".join(local) + directory + end


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def nested_bomb(target: Path, fanout: int = 16, depth: int = 4, leaf_mb: int = 65) -> Path:
    """2.4: a zip of zips (42.zip style): `fanout` members per level, `leaf_mb` of zeros at
    the bottom. 16 x 4 levels is about 38 KB on disk and 65,536 leaves of 65 MB inside."""
    zeros = b"\0" * (leaf_mb * 2**20)
    level = [("leaf.bin", _deflate(zeros), zlib.crc32(zeros), len(zeros))]
    for number in range(depth):
        entries = [(f"{number}-{i}.zip", *level[0][1:]) for i in range(fanout)]
        data = _raw_zip(entries)  # type: ignore[arg-type]
        if number == depth - 1:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            break
        level = [("next.zip", _deflate(data), zlib.crc32(data), len(data))]
    return target


# ---------------------------------------------------------------------------------------
# The whole corpus


@dataclass
class Corpus:
    """A hostile class as one Canvas download, and what grading it must give."""

    folder: Path
    roster: Path
    honest: dict[str, str] = field(default_factory=dict)  # row key -> Canvas id
    attackers: dict[str, str] = field(default_factory=dict)  # file name -> review row


def canvas_name(name: str, user: int, submission: int, original: str) -> str:
    """A file name as Canvas's bulk download gives it."""
    return f"{name}_{user}_{submission}_{original}"


def build_corpus(folder: Path, *, heavy: bool = True) -> Corpus:
    """Honest Ana, Ben and two Wei Zhangs, among every attack of the review's table.

    `heavy` adds the files that cost seconds to build (eight 60 MB notebooks, four JSON
    bombs and the 38 KB zip of zips).
    """
    work = folder / "work"
    canvas = folder / "canvas"
    canvas.mkdir(parents=True)
    corpus = Corpus(canvas, folder / "roster.csv")

    def put(path: Path, name: str, row: str = "") -> None:
        shutil.copy(path, canvas / name)
        if row:
            corpus.attackers[name] = row

    ana = full_marks(work / "ana", ANA)
    put(ana, canvas_name("silvaana", 4821, 99120, ana.name))
    ben = full_marks(work / "ben", BEN)
    put(ben, canvas_name("okaforben", 4822, 99122, ben.name))
    wei_a = full_marks(work / "wei-a", WEI)
    put(wei_a, canvas_name("zhangwei", 4001, 9001, wei_a.name))
    wei_b = hand_in(work / "wei-b", WEI, answers={"02.arrest-or-expel": "evidence"})
    put(wei_b, canvas_name("zhangwei", 4002, 9002, wei_b.name))
    corpus.honest = {"ana-silva": "4821", "ben-okafor": "4822"}

    # 2.13 / 2.14: Eve types "Ana Silva" and dates her file 2099; once plainly, once inside
    # a zip named like Ana's Canvas file.
    forged = rehash(hand_in(work / "eve", ANA), work / "forged.zip",
                    set_manifest(created="2099-01-01T00:00:00.000Z"))  # fmt: skip
    put(forged, canvas_name("malloryeve", 5555, 99121, "submission-ana-silva.zip"), "2.13")
    nested = work / "nested.zip"
    nested.write_bytes(
        zip_of({canvas_name("silvaana", 4821, 99120, forged.name): forged.read_bytes()})
    )
    put(nested, canvas_name("malloryeve", 5555, 99123, "my-homework.zip"), "2.14")

    # 2.15: one upload holding three submissions under three kit ids.
    three = {f"submission-{s}.zip": hand_in(work / s, Student(s, s)).read_bytes()
             for s in ("x-one", "x-two", "x-three")}  # fmt: skip
    (work / "three.zip").write_bytes(zip_of(three))
    put(work / "three.zip", canvas_name("trioxavier", 5556, 99124, "all.zip"), "2.15")

    # 2.17: Ben's documents copied into Carl's submission.
    carl = hand_in(work / "carl", Student("carl-jones", "Carl Jones"))
    ben_files = members(ben)

    def copy_ben(files: Files) -> None:
        for name, data in ben_files.items():
            if name.startswith("responses/"):
                files[name] = data

    put(rehash(carl, work / "carl-copied.zip", copy_ben),
        canvas_name("jonescarl", 5557, 99125, "submission-carl-jones.zip"), "2.17")  # fmt: skip

    # 2.10: an answer entry stored as a string; 2.11: a created date out of range.
    dana = hand_in(work / "dana", Student("dana-lee", "Dana Lee"), answers=good_answers())
    put(rehash(dana, work / "dana-str.zip", set_document(
        "02_espionage_risk", lambda d: d["answers"].__setitem__("02.arrest-or-expel", "immunity"))),
        canvas_name("leedana", 5558, 99126, "submission-dana-lee.zip"), "2.10")  # fmt: skip
    omar = hand_in(work / "omar", Student("omar-aziz", "Omar Aziz"))
    put(rehash(omar, work / "omar-0001.zip", set_manifest(created="0001-01-01T00:00:00+01:00")),
        canvas_name("azizomar", 5559, 99127, "submission-omar-aziz.zip"), "2.11")  # fmt: skip

    # 1.7: control and direction characters in the name; 1.9: a scripted report.html.
    odd = hand_in(work / "odd", Student("odd-name", "Odd\x00\x1b[31m\u202eName\x07"))
    put(odd, canvas_name("nameodd", 5560, 99128, odd.name), "1.7")
    page = b"<script>window.__pwn=1;fetch('http://127.0.0.1:9/x')</script>"
    fay = hand_in(work / "fay", Student("fay-ng", "Fay Ng"), answers=good_answers())
    put(rehash(fay, work / "fay.zip", lambda f: f.__setitem__("report.html", page)),
        canvas_name("ngfay", 5561, 99129, "submission-fay-ng.zip"), "1.9")  # fmt: skip

    if heavy:
        _heavy(work, put)
    corpus.roster.write_text(
        "kit_id,lms_id,name\n"
        'ana-silva,4821,"Silva, Ana"\n'
        'ben-okafor,4822,"Okafor, Ben"\n'
        'wei-zhang,4001,"Zhang, Wei (A)"\n'
        'wei-zhang-2,4002,"Zhang, Wei (B)"\n'
        'eve-mallory,5555,"Mallory, Eve"\n',
        encoding="utf-8",
    )
    return corpus


def _heavy(work: Path, put: Callable[..., None]) -> None:
    """The expensive attacks: bombs and huge notebooks."""
    for number in range(4):
        bomb = json_bomb(work / f"bomb-{number}", f"bomb-{number}")
        put(bomb, canvas_name(f"bomb{number}", 5600 + number, 99200 + number, bomb.name), "2.5")
    inner = {f"submission-bomb-in-{n}.zip": json_bomb(work / f"in-{n}", f"bomb-in-{n}").read_bytes()
             for n in range(3)}  # fmt: skip
    (work / "bombs.zip").write_bytes(zip_of(inner, zipfile.ZIP_STORED))
    put(work / "bombs.zip", canvas_name("malloryeve", 5555, 99130, "bombs.zip"), "2.5")
    put(nested_bomb(work / "42.zip"), canvas_name("zipbomb", 5700, 99300, "42.zip"), "2.4")
    big_cell = "x = 1\n" + "# " + "padding " * (60 * 2**20 // 8)
    for number in range(8):
        student = Student(f"big-{number}", f"Big {number}")
        path = hand_in(work / f"big-{number}", student,
                       notebooks={"ex1_pandas_record": notebook(big_cell)})  # fmt: skip
        put(path, canvas_name(f"big{number}", 5800 + number, 99400 + number, path.name), "2.6")
