"""Feedback pages named the way Moodle and Canvas take feedback files back in bulk.

**Moodle** ("Upload multiple feedback files in a zip", in the assignment's grading actions,
with the "Feedback files" feedback type on). Moodle matches each file to a student by the
*participant id* in its path: `assignfeedback_file_zip_importer::is_valid_filename_for_import`
in `mod/assign/feedback/file/importziplib.php` (github.com/moodle/moodle) splits each folder
or file name of the zip at `_` into `fullname_participantid_plugintype_pluginname[_rest]`,
looks the participant id up among the assignment's participants, and needs the plugin
`assignfeedback` / `file`. We write one folder per student,

    <Full Name>_<participant id>_assignfeedback_file_/diplomatic-cover-feedback.html

the shape Moodle 3.1 to 4.0 download ("...assignsubmission_file_/") and that the importer of
Moodle 4.1 and later still accepts next to its own (no trailing `_`). The participant id is
the number in Moodle's own download folders (what `grade` reads into `lms_id`), which is not
the Moodle user id; the name is only for people, so underscores in it (which would move the
id) are replaced by spaces. Grades go in separately, through the grading worksheet
`grade` writes (`moodle_grading_worksheet.csv`).

**Canvas** ("Re-Upload Submissions" in the gradebook's assignment menu or SpeedGrader). Canvas
attaches each file in the zip to a comment on a student's submission:
`Assignment#infer_comment_context_from_filename` in `app/models/assignment.rb`
(github.com/instructure/canvas-lms) splits the file's base name at `_`, takes the first two
parts made only of digits as the *user id* and the *attachment id*, and ignores the file
unless that attachment is a file of that user's submission. So a feedback file keeps the
start of the name Canvas gave the student's file in its download, up to those two numbers:

    silvaana_4821_99120_submission-ana-silva.zip   (downloaded)
    silvaana_4821_99120_feedback.zip               (uploaded back)

Canvas shows the attached file under the name of the student's original file
(`FileInContext.attach` is given the original attachment's `display_name`), so a student sees
`submission-ana-silva.zip`: we therefore send a zip holding `diplomatic-cover-feedback.html`,
which opens as what its name says. Files graded from anywhere but Canvas's download have no
such numbers, and Canvas could not place them: those students are listed, not guessed.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

PAGE_NAME = "diplomatic-cover-feedback.html"
MOODLE_SUFFIX = "_assignfeedback_file_"
_MOODLE_FOLDER = re.compile(r"^[^_/]*_\d+_assignfeedback_file_/" + re.escape(PAGE_NAME) + "$")
_PATH_PARTS = re.compile(r" › |/|\\")


def last_source(source: str) -> str:
    """The file name of the upload graded last, from a result's `source` label."""
    latest = source.split("; ")[-1]
    return _PATH_PARTS.split(latest)[-1].strip()


# ---------------------------------------------------------------------------------------
# Moodle


def moodle_participant(lms_id: str) -> str:
    """A Moodle participant id as the importer reads it (digits), or "" when it is not one."""
    text = lms_id.strip()
    return text if text.isdigit() else ""


def moodle_name(name: str, fallback: str) -> str:
    """The person's name for the folder: no `_` (it would move the participant id), no `/`."""
    cleaned = " ".join(re.sub(r"[_/\\\x00-\x1f]", " ", name).split())
    return cleaned or fallback.replace("_", "-")


def moodle_path(name: str, participant: str) -> str:
    """Where a student's page goes in Moodle's feedback zip."""
    return f"{name}_{participant}{MOODLE_SUFFIX}/{PAGE_NAME}"


def is_moodle_feedback_zip(path: Path) -> bool:
    """True for a zip this module wrote (only feedback folders in it): safe to replace."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False
    return all(_MOODLE_FOLDER.match(name) for name in names)


def write_moodle_zip(path: Path, pages: dict[str, bytes]) -> None:
    """Write the zip (member path -> page), whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for member, page in sorted(pages.items()):
                z.writestr(member, page)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------
# Canvas


def canvas_ids(file_name: str) -> tuple[str, str, str]:
    """(prefix up to the ids, user id, attachment id) as Canvas reads a file name; blanks if
    the name does not carry two numbers."""
    parts = file_name.split("_")
    numbers = [i for i, part in enumerate(parts) if re.fullmatch(r"\d+", part)]
    if len(numbers) < 2:
        return "", "", ""
    user, attachment = numbers[0], numbers[1]
    return "_".join(parts[: attachment + 1]), parts[user], parts[attachment]


def canvas_name(prefix: str) -> str:
    """The file name a student's feedback goes back to Canvas under."""
    return f"{prefix}_feedback.zip"


def canvas_file(page: bytes) -> bytes:
    """The feedback page in a zip (Canvas shows it under the student's original .zip name)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PAGE_NAME, page)
    return buffer.getvalue()


def write_canvas_dir(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write each file into `folder` (created; other files in it are left alone)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in sorted(files.items()):
        target = folder / name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
        written.append(target)
    return written
