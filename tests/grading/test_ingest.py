"""Finding submissions in what instructors really download, and refusing what is unsafe.

Every bad file becomes a row of problems with a plain reason, and never stops the others.
"""

import json
import os
import shutil
import stat
import zipfile

import pytest

from diplomatic_cover._version import __version__
from diplomatic_cover.answers.identity import Student
from diplomatic_cover.grading.ingest import (
    GRADED,
    GRADED_OTHER,
    IGNORED,
    REJECTED,
    Limits,
    check_kit_version,
    collect,
    parse_lms_name,
    unsafe_member,
)
from diplomatic_cover.grading.roster import RosterError, assign_students, read_roster
from tests.grading.kit import correct, hand_in, members, zip_bytes

ANA = Student("ana-silva", "Ana Silva")
BEN = Student("ben-okafor", "Ben Okafor")


@pytest.fixture
def ana_zip(tmp_path):
    return hand_in(
        tmp_path,
        ANA,
        checks={"ex1.by-decade": correct("ex1.by-decade")},
        answers={"00.tour-single": "run-above"},
    )


def reasons(problems):
    return [p.reason for p in problems]


def test_a_folder_of_kit_zips_gives_one_submission_each(tmp_path, ana_zip):
    hand_in(tmp_path, BEN, answers={"00.tour-single": "delete-cell"})
    found, problems = collect(tmp_path / "submissions")
    assert sorted(s.student_id for s in found) == ["ana-silva", "ben-okafor"]
    assert problems == []
    ana = next(s for s in found if s.student_id == "ana-silva")
    assert ana.student_name == "Ana Silva"
    assert ana.documents["ex1_pandas_record"]["checks"]["ex1.by-decade"]["value"]
    assert ana.source == "submission-ana-silva.zip"
    assert ana.account.kind == "folder" and ana.account.id == ""  # a folder vouches for no one


def test_canvas_file_names_give_the_user_id_and_lateness(tmp_path, ana_zip):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    shutil.copy(ana_zip, canvas / "silvaana_LATE_4821_99120_submission-ana-silva-1.zip")
    (found,), problems = collect(canvas)
    assert problems == []
    assert (found.account.kind, found.account.id, found.account.name) == (
        "canvas",
        "4821",
        "silvaana",
    )
    assert found.upload.lms_submission == "99120"
    assert found.upload.late is True


def test_a_canvas_bulk_download_is_a_zip_of_zips(tmp_path, ana_zip):
    bulk = tmp_path / "submissions.zip"
    bulk.write_bytes(
        zip_bytes({"silvaana_4821_99120_submission-ana-silva.zip": ana_zip.read_bytes()})
    )
    (found,), problems = collect(bulk)
    assert problems == []
    assert found.account.id == "4821" and not found.upload.late
    assert found.source == "submissions.zip › silvaana_4821_99120_submission-ana-silva.zip"
    assert found.upload.source == found.source


def test_moodle_folders_per_participant_on_disk_and_zipped(tmp_path, ana_zip):
    folder = tmp_path / "moodle" / "Ana Silva_1077_assignsubmission_file_"
    folder.mkdir(parents=True)
    shutil.copy(ana_zip, folder / ana_zip.name)
    (found,), problems = collect(tmp_path / "moodle")
    assert problems == []
    assert (found.account.kind, found.account.id, found.account.name) == (
        "moodle",
        "1077",
        "Ana Silva",
    )
    bulk = tmp_path / "moodle.zip"
    bulk.write_bytes(zip_bytes({
        "Ana Silva_1077_assignsubmission_file_/submission-ana-silva.zip": ana_zip.read_bytes(),
    }))  # fmt: skip
    (zipped,), _ = collect(bulk)
    assert zipped.account.id == "1077"


def test_the_account_comes_from_the_outermost_lms_name_never_from_inside_an_upload():
    moodle = parse_lms_name(["Ana Silva_1077_assignsubmission_file_", "x.zip"])
    assert (moodle.account.id, moodle.upload_parts) == ("1077", 2)
    canvas = parse_lms_name(["silvaana_4821_99120_submission-ana-silva.zip"])
    assert (canvas.account.kind, canvas.late) == ("canvas", False)
    assert parse_lms_name(["submission-ana-silva.zip"]) is None
    # Mallory's upload holds a zip named like Ana's Canvas file: the account stays Mallory's.
    nested = parse_lms_name(
        ["malloryeve_5555_99121_homework.zip", "silvaana_4821_99120_submission-ana-silva.zip"]
    )
    assert (nested.account.id, nested.account.name) == ("5555", "malloryeve")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.txt", "'..'"),
        ("a/../../evil.txt", "'..'"),
        ("/etc/passwd", "absolute"),
        ("C:/Windows/evil", "drive"),
        ("a\\b.txt", "backslash"),
        ("responses/ok.json", ""),
    ],
)
def test_member_names_that_could_escape_are_refused(name, why):
    assert why in unsafe_member(name) if why else unsafe_member(name) == ""


def test_a_path_that_escapes_the_folder_is_rejected_in_a_submission_and_a_container(
    tmp_path, ana_zip
):
    folder = tmp_path / "in"
    folder.mkdir()
    files = members(ana_zip)
    files["../../escape.txt"] = b"x"
    (folder / "submission-ana-silva.zip").write_bytes(zip_bytes(files))
    (folder / "bulk.zip").write_bytes(
        zip_bytes(
            {"../x_1_2_submission-ben.zip": b"x", "ok_1_2_submission-ana.zip": ana_zip.read_bytes()}
        )
    )
    found, problems = collect(folder)
    assert [s.source for s in found] == ["bulk.zip › ok_1_2_submission-ana.zip"]
    assert len(problems) == 2
    assert all("'..'" in p.reason and p.action == REJECTED for p in problems)
    assert not (tmp_path / "escape.txt").exists()


def test_a_symbolic_link_in_a_zip_is_refused(tmp_path, ana_zip):
    files = members(ana_zip)
    target = tmp_path / "in.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("exercises/link.ipynb")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    found, problems = collect(target)
    assert found == []
    assert "symbolic link" in problems[0].reason


def test_a_symlinked_file_in_the_folder_is_not_followed(tmp_path, ana_zip):
    folder = tmp_path / "in"
    folder.mkdir()
    os.symlink(ana_zip, folder / "submission-ana-silva.zip")
    found, problems = collect(folder)
    assert found == [] and problems[0].action == IGNORED


def bomb(size: int) -> bytes:
    return zip_bytes({"manifest.json": b"{}", "responses/big.json": b"0" * size})


def test_a_small_zip_that_expands_past_the_limit_is_rejected(tmp_path):
    limits = Limits(submission_bytes=1_000_000)
    path = tmp_path / "submission-x.zip"
    path.write_bytes(bomb(20_000_000))
    assert path.stat().st_size < 100_000
    found, problems = collect(path, limits)
    assert found == [] and "would expand to 19 MB" in problems[0].reason


def test_the_limit_holds_inside_a_zip_of_zips_too(tmp_path, ana_zip):
    limits = Limits(submission_bytes=1_000_000)
    outer = tmp_path / "bulk.zip"
    outer.write_bytes(zip_bytes({
        "a_1_2_submission-bomb.zip": bomb(20_000_000),
        "b_3_4_submission-ana-silva.zip": ana_zip.read_bytes(),
        "c_5_6_inner.zip": zip_bytes({"d_7_8_submission-bomb.zip": bomb(20_000_000)}),
    }))  # fmt: skip
    found, problems = collect(outer, limits)
    assert [s.student_id for s in found] == ["ana-silva"]
    assert sum(" cap" in r for r in reasons(problems)) == 2, reasons(problems)


def test_a_corrupted_zip_is_reported_and_the_rest_graded(tmp_path, ana_zip):
    folder = tmp_path / "submissions"
    data = ana_zip.read_bytes()
    (folder / "submission-cut.zip").write_bytes(data[: len(data) // 2])
    found, problems = collect(folder)
    assert [s.student_id for s in found] == ["ana-silva"]
    assert problems[0].source == "submission-cut.zip"
    assert problems[0].student == "cut"  # a guess from the file name, to know whom to ask
    assert problems[0].kit_id == "cut"
    assert "not a readable zip" in problems[0].reason


def test_a_manifest_whose_hashes_do_not_match_is_rejected(tmp_path, ana_zip):
    files = members(ana_zip)
    document = json.loads(files["responses/00_start_here.json"])
    document["answers"]["00.tour-single"]["value"] = "delete-cell"
    files["responses/00_start_here.json"] = json.dumps(document).encode()
    ana_zip.write_bytes(zip_bytes(files))
    found, problems = collect(ana_zip)
    assert found == []
    assert "does not match its SHA-256" in problems[0].reason
    assert "Build the file again" not in problems[0].reason  # advice for students, not here


@pytest.mark.parametrize(
    ("version", "usable"),
    [(__version__, True), ("0.0.1", True), ("99.0.0", False), ("banana", False), (None, False)],
)
def test_kit_versions(version, usable):
    assert check_kit_version(version)[0] is usable


def test_an_unknown_kit_version_is_rejected_with_the_reason(tmp_path, ana_zip):
    import hashlib

    files = members(ana_zip)
    manifest = json.loads(files["manifest.json"])
    manifest["kit_version"] = "7.0.0"
    files["manifest.json"] = json.dumps(manifest).encode()
    ana_zip.write_bytes(zip_bytes(files))
    assert hashlib  # the manifest itself is not hashed: only the files it lists are
    found, problems = collect(ana_zip)
    assert found == [] and "newer than this grader's kit" in problems[0].reason


def test_two_submissions_from_one_student_the_latest_counts_both_reported(tmp_path):
    early = hand_in(
        tmp_path, ANA, answers={"00.tour-single": "delete-cell"}, out_dir=tmp_path / "early"
    )
    late = hand_in(
        tmp_path, ANA, answers={"00.tour-single": "run-above"}, out_dir=tmp_path / "late"
    )
    folder = tmp_path / "canvas"
    folder.mkdir()
    shutil.copy(late, folder / "silvaana_4821_99121_submission-ana-silva-1.zip")
    shutil.copy(early, folder / "silvaana_4821_99120_submission-ana-silva.zip")
    found, _problems = collect(folder)
    students, notes = assign_students(found, None)
    ana = students["ana-silva"]  # both uploads came from Canvas user 4821: one row
    answer = ana.submission.documents["00_start_here"]["answers"]["00.tour-single"]["value"]
    assert answer == "run-above"
    assert sorted(p.action for p in notes) == [GRADED, GRADED_OTHER]
    assert ana.sources and len(ana.sources) == 2


def test_a_hand_made_zip_and_other_files_are_reported_not_graded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "silvaana_4821_99120_ex1.ipynb").write_text("{}")
    (folder / "silvaana_4821_99121_myzip.zip").write_bytes(zip_bytes({"ex1.ipynb": b"{}"}))
    (folder / ".DS_Store").write_bytes(b"junk")
    found, problems = collect(folder)
    assert found == []
    assert len(problems) == 2
    assert all(p.student == "Canvas user 4821 (silvaana)" for p in problems)
    assert all(p.account == "canvas:4821" for p in problems)
    assert any("zipped the files by hand" in r for r in reasons(problems))


def test_the_roster_maps_lms_ids_to_kit_ids_where_names_differ(tmp_path, ana_zip):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "\ufeffkit_id,lms_id,name,section,sis_user_id,sis_login_id\n"
        'ana-maria-silva,4821,"Silva, Ana Maria",S1,2024001,asilva\n'
        'ben-okafor,4822,"Okafor, Ben",S1,2024002,bokafor\n',
        encoding="utf-8",
    )
    folder = tmp_path / "canvas"
    folder.mkdir()
    shutil.copy(ana_zip, folder / "silvaana_4821_99120_submission-ana-silva.zip")
    found, _ = collect(folder)
    students, notes = assign_students(found, read_roster(roster))
    ana = students["ana-maria-silva"]
    assert ana.submission is not None and ana.name == "Silva, Ana Maria"
    assert (ana.lms_id, ana.section, ana.sis_login_id) == ("4821", "S1", "asilva")
    assert students["ben-okafor"].submission is None
    assert "built under kit id 'ana-silva'" in notes[0].reason


def test_a_roster_without_kit_ids_is_refused(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,id\nAna,1\n")
    with pytest.raises(RosterError, match="kit_id"):
        read_roster(roster)
