"""`grade()`: one pass over a folder of submissions, to gradebook files and feedback pages.

The steps, each in its own module: find and verify submissions (`ingest`), give each
account its row (`roster`), grade every item (`autograde`, or `execute` for `--execute`,
or a re-run kept from an earlier `--execute`, `reruns`), merge the manual scores of written
answers (`manual_store`) and the instructor's overrides (`overrides`), flag what a person
should look at (`review`), and write the outputs (`exports`, `feedback`, `classreport`).

A problem with one student's file is recorded and the rest of the class is graded; only a
problem with the grader's own set-up (no configuration, no hidden checks, an input that does
not exist, an `--out` that cannot be used) stops the run, before anything is written.

Grading the same folder again gives the same grades, and never silently undoes an
`--execute` run: its results are kept per submission (`reruns`) and reused while the
submission is unchanged. Manual scores and overrides live in files grading only reads. With
`only=[...]`, or when SUBMISSIONS is a single submission file, the students graded now are
merged into the earlier results in the output folder, so a late submission can be graded
alone without touching anyone else's grade.

Widget answers are scored by the rules version each answer key file names, except that
grading into a folder graded before keeps the versions those grades used (recorded in
results.json; none recorded means version 1): a newer kit never moves an old class's scores
unless `rescore=True` (`--rescore`).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from diplomatic_cover.answers.catalogue import (
    SCORING_RULES,
    Catalogue,
    KeyEntry,
    format_answer,
    is_answered,
    load_answer_key,
    load_catalogue,
)
from diplomatic_cover.grading import classreport, exports, feedback, review
from diplomatic_cover.grading.autograde import (
    GradingError,
    HiddenChecks,
    answered_past_reveal,
    find_answer,
    find_check,
    find_prediction,
    grade_check,
    grade_widget,
    load_hidden_checks,
)
from diplomatic_cover.grading.config import (
    AUTO,
    CHECK,
    MANUAL,
    ConfigError,
    GradingConfig,
    Item,
    load_config,
)
from diplomatic_cover.grading.deadlines import DeadlineError, lateness, parse_time
from diplomatic_cover.grading.ingest import (
    GRADED,
    NOT_GRADED,
    REJECTED,
    FolderSource,
    Limits,
    Problem,
    UploadSource,
    as_source,
    collect,
    version_tuple,
)
from diplomatic_cover.grading.manual_store import (
    ManualScores,
    answer_digest,
    read_outcome,
    write_queue,
)
from diplomatic_cover.grading.overrides import apply_overrides, read_overrides
from diplomatic_cover.grading.progress import ProgressBar
from diplomatic_cover.grading.reruns import NO_SANDBOX, SANDBOX, KeptRerun, RerunStore
from diplomatic_cover.grading.results import (
    AFTER_REVEAL,
    CHANGED,
    DAMAGED,
    ERROR,
    INVALID,
    MISSING,
    NOT_ANSWERED,
    NOT_REACHED,
    NOT_RUN,
    PENDING,
    TIMED_OUT,
    UNISOLATED,
    UNISOLATED_FLAG,
    UNVERIFIED,
    ItemResult,
    StudentResult,
    encode_results,
    read_results,
    read_settings,
)
from diplomatic_cover.grading.roster import (
    RosterError,
    Student,
    assign_students,
    read_roster,
)
from diplomatic_cover.grading.shards import MANIFEST as SHARD_MANIFEST
from diplomatic_cover.grading.shards import Shard, ShardRun, parse_shard, write_shard
from diplomatic_cover.safe_files import StoreError, atomic_write_bytes, file_lock

RESULTS = "results.json"
FAST = "fast (recorded values)"


@dataclass
class GradeSummary:
    """What a grading run did, for the closing message and for tests."""

    out: Path
    graded: int = 0
    flagged: int = 0
    rejected: int = 0
    missing: int = 0
    damaged: int = 0
    pending: int = 0
    kept: int = 0
    changed: int = 0
    merged: bool = False
    execute: bool = False
    unisolated: bool = False
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    students: dict[str, StudentResult] = field(default_factory=dict)
    rerun_seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    kept_rules: dict[str, int] = field(default_factory=dict)
    shard: str = ""
    shards_merged: int = 0

    def __str__(self) -> str:
        mode = "re-run (--execute)" if self.execute else "recorded values (no code run)"
        if self.unisolated:
            mode = "re-run WITHOUT a sandbox (--no-isolation; rows marked unisolated)"
        if self.shard:
            return self._shard_lines(mode)
        lines = [
            (
                f"Merged {self.shards_merged} shard(s): {self.graded} submission(s) graded "
                f"from {mode}; merged in {self.seconds:.1f} s."
                if self.shards_merged
                else f"Graded {self.graded} submission(s) from {mode} in {self.seconds:.1f} s"
                + (" and merged them into the earlier grades" if self.merged else "")
                + "."
            ),
            f"Flagged: {self.flagged} (see the flags column of grades.csv).",
            f"Rejected: {self.rejected} file(s); problems.csv says why "
            f"({len(self.problems)} problem(s) listed in all).",
        ]
        if self.kept:
            lines.append(
                f"Re-runs kept from an earlier --execute: {self.kept} unchanged submission(s) "
                "graded from them (graded_by column)."
            )
        if self.changed:
            lines.append(
                f"Changed since --execute: {self.changed} submission(s) graded from recorded "
                "values and NOT re-run (flagged; blank in the LMS files). Re-run them with "
                "--execute --only ID."
            )
        if self.missing:
            lines.append(f"No submission: {self.missing} student(s) on the roster.")
        if self.damaged:
            lines.append(f"Damaged submission: {self.damaged} student(s) (problems.csv).")
        if self.pending:
            lines.append(
                f"Written answers awaiting manual grading: {self.pending} "
                "(open instructors/manual_grading.ipynb, then grade again to merge)."
            )
        if self.kept_rules:
            versions = ", ".join(str(v) for v in sorted(set(self.kept_rules.values())))
            lines.append(
                f"Scored {len(self.kept_rules)} item(s) by the older scoring rules the earlier "
                f"grades here used (version {versions}), so their scores do not move; "
                "grade again with --rescore to apply the answer key's rules."
            )
        lines += [f"Warning: {w}" for w in self.warnings]
        lines.append(f"Outputs in {self.out}.")
        return "\n".join(lines)

    def _shard_lines(self, mode: str) -> str:
        lines = [
            f"Shard {self.shard}: graded {self.graded} submission(s) from {mode} in "
            f"{self.seconds:.1f} s; the other shards grade the rest of the class.",
            f"Every file was read ({self.rejected} rejected; the merge lists them).",
        ]
        if self.kept:
            lines.append(f"Re-runs kept from an earlier --execute: {self.kept}.")
        lines += [f"Warning: {w}" for w in self.warnings]
        lines.append(
            f"Shard output in {self.out}: when every shard is done, run "
            "diplomatic-cover merge-grades SHARD-FOLDERS... --out grades"
        )
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Grading one student


def _exercise_of(hidden: HiddenChecks | None, check_id: str) -> str:
    try:
        return str(hidden.exercise_of(check_id)) if hidden is not None else ""
    except Exception:
        return ""


def _answer_text(question: Any, entry: Any) -> str:
    value = entry.get("value") if isinstance(entry, Mapping) else None
    try:
        if value is None or not is_answered(question, value):
            return ""
        return format_answer(question, value)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        return str(value)


def _answered_too_late(result: ItemResult, question: Any, entry: Any) -> None:
    """A prediction answered only after its result was shown: no points, and why."""
    if _answer_text(question, entry):
        result.status = AFTER_REVEAL
        result.hint = (
            "This was a prediction: it counts only when answered before the cell that shows "
            "the result runs."
        )


#: The first kit whose notebooks record when a result was shown (`dc.reveal`); an older
#: kit's submission holds no reveal record through no doing of the student's.
RECORDS_REVEALS = (0, 2, 0)


def _records_reveals(kit_version: str) -> bool:
    version = version_tuple(kit_version)
    return version is None or version >= RECORDS_REVEALS


def _unverified(result: ItemResult, later: list[str]) -> None:
    """A prediction with no reveal record, though the student answered past its result.

    The record may have been deleted (to answer after seeing the result) or lost: the
    grader cannot tell, so the instructor decides (overrides.csv) and the student is told.
    """
    if result.status != GRADED:
        return
    result.status = UNVERIFIED
    result.points = 0.0
    result.passed = None
    result.feedback = ""
    result.hint = (
        "This was a prediction, and your work holds no record of when its result was shown, "
        "though you answered questions after it: your instructor will look at it."
    )
    result.flag = (
        f"prediction not graded: no record its result was shown, yet {', '.join(later)} "
        "(asked after the result) answered; award it in overrides.csv if you judge it fair"
    )


class _Grader:
    """Grades students against one configuration; holds what every student shares."""

    def __init__(
        self,
        config: GradingConfig,
        catalogue: Catalogue,
        key: Mapping[str, KeyEntry],
        hidden: HiddenChecks | None,
        rules: Mapping[str, int] | None = None,
    ) -> None:
        self.config = config
        self.catalogue = catalogue
        self.key = key
        self.hidden = hidden
        self.rules = rules or {}
        self.exercise = {
            item.id: _exercise_of(hidden, item.id) for item in config.items() if item.kind == CHECK
        }
        self.opinion_questions = [q for q in catalogue.values() if q.opinion]

    def exercises_to_run(self) -> list[str]:
        """Exercise notebooks that hold graded checks, in configuration order."""
        return list(dict.fromkeys(name for name in self.exercise.values() if name))

    def student(self, student: Student, reruns: Mapping[str, Any] | None) -> StudentResult:
        submission = student.submission
        if submission is None:
            raise GradingError(f"{student.key} has no submission to grade")
        documents = submission.documents
        result = StudentResult(
            key=student.key,
            name=student.name,
            lms_id=student.lms_id,
            lms=student.lms,
            section=student.section,
            sis_user_id=student.sis_user_id,
            sis_login_id=student.sis_login_id,
            late=student.late,
            source=submission.source,
            created=submission.created,
            received_at=submission.upload.received_at,
            sha256=submission.sha256,
            kit_version=submission.kit_version,
            mode="execute" if reruns is not None else "recorded",
            warnings=list(student.warnings),
            fingerprints=dict(submission.fingerprints),
        )
        for item in self.config.items():
            if item.kind == CHECK:
                recorded = find_check(documents, item.id, self.exercise.get(item.id, ""))
                if reruns is None:
                    result.items.append(grade_check(item, recorded, self.hidden))  # type: ignore[arg-type]
                else:
                    result.items.append(self._rerun_check(item, recorded, reruns))
            else:
                question = self.catalogue[item.id]
                entry = find_answer(documents, question)
                revealed, later = False, []
                if question.reveal:
                    entry, revealed = find_prediction(documents, question)
                    if not revealed and _records_reveals(submission.kit_version):
                        later = answered_past_reveal(
                            documents, question, self.catalogue.asked_after(question.reveal)
                        )
                if item.kind == AUTO:
                    graded = grade_widget(
                        item, question, entry, self.key[item.id], self.rules.get(item.id)
                    )
                else:
                    graded = self._written(item, question, entry)
                if revealed and graded.status == NOT_ANSWERED:
                    _answered_too_late(graded, question, find_answer(documents, question))
                if later:
                    _unverified(graded, later)
                result.items.append(graded)
        for question in self.opinion_questions:
            entry = find_answer(documents, question)
            value = entry.get("value") if isinstance(entry, Mapping) else None
            try:
                if value is not None and is_answered(question, value):
                    if isinstance(value, dict):  # a scale's reason ("why") is never pooled
                        value = {k: v for k, v in value.items() if k != "why"}
                    result.opinions[question.id] = value
            except (AttributeError, TypeError, ValueError):
                continue
        result.warnings += review.kit_version_flags(result)
        return result

    @staticmethod
    def _written(item: Item, question: Any, entry: Any) -> ItemResult:
        text = _answer_text(question, entry)
        result = ItemResult(
            item.assignment,
            item.id,
            MANUAL,
            item.points,
            points=None if text else 0.0,
            status=PENDING if text else NOT_ANSWERED,
            answer=text,
        )
        if entry is not None and not isinstance(entry, Mapping):
            result.status, result.points = INVALID, 0.0
            result.detail = f"the saved entry is {type(entry).__name__}, not a record of an answer"
        return result

    def _rerun_check(self, item: Item, recorded: Any, reruns: Mapping[str, Any]) -> ItemResult:
        from diplomatic_cover.grading.execute import INTERRUPTED, KILLED, describe, same_value
        from diplomatic_cover.grading.execute import NOT_RUN as NOT_RUN_CELL

        exercise = self.exercise.get(item.id, "")
        rerun = reruns.get(exercise)
        if rerun is None or rerun.problem:
            result = ItemResult(
                item.assignment, item.id, CHECK, item.points, points=0.0, status=NOT_RUN
            )
            result.detail = rerun.problem if rerun is not None else "notebook missing"
            return result
        entry = rerun.checks.get(item.id)
        result = grade_check(item, entry, self.hidden)  # type: ignore[arg-type]
        if entry is None:
            result.points = 0.0
            index = rerun.cell_of(item.id)
            upto = rerun.cells[: index + 1] if index is not None else rerun.cells
            stopped = [
                c for c in upto
                if c.status in (KILLED, INTERRUPTED) or c.error.startswith("MemoryError")
            ]  # fmt: skip
            if (
                index is not None
                and index < len(rerun.cells)
                and rerun.cells[index].status == NOT_RUN_CELL
            ):
                result.status = NOT_REACHED
                result.detail = f"code cell {(rerun.stopped_at or 0) + 1} was killed"
            elif stopped:
                result.status = TIMED_OUT
                result.detail = f"code cell {stopped[-1].index + 1}: {stopped[-1].error}"
        old = recorded.get("value") if isinstance(recorded, Mapping) else None
        new = entry.get("value") if isinstance(entry, Mapping) else None
        if old is not None and (new is None or not same_value(old, new)):
            # Flag only a change that changes the grade: a value that differs in the last
            # decimal, or is written differently but scores the same, is not news.
            before = grade_check(item, recorded, self.hidden)  # type: ignore[arg-type]
            if new is None or abs((before.points or 0.0) - (result.points or 0.0)) > 1e-9:
                result.flag = (
                    f"recorded {describe(old)} ({before.points or 0:g} points), re-run gave "
                    f"{describe(new) if new is not None else 'nothing'} "
                    f"({result.points or 0:g} points)"
                )
        return result


def _mark_changed(result: StudentResult, kept: KeptRerun) -> None:
    """A fast grade of a submission that changed after its --execute run: say so per check."""
    for item in result.items:
        if item.kind == CHECK:
            item.status = CHANGED
            item.detail = (
                f"graded from the recorded value: the submission changed after the --execute "
                f"run of {kept.ran_at}; re-run it with --execute --only {result.key}"
            )


# ---------------------------------------------------------------------------------------
# Manual scores and flags


def _apply_manual(
    students: dict[str, StudentResult], config: GradingConfig, scores: ManualScores
) -> None:
    items = {item.id: item for item in config.items() if item.kind == MANUAL}
    for student in students.values():
        for result in student.items:
            item = items.get(result.id)
            if item is None or not result.answer or result.status == INVALID:
                continue
            outcome = read_outcome(
                scores,
                student.key,
                item.id,
                config.criteria(item),
                item.points,
                answer_digest(result.answer),
            )
            result.criteria = outcome.criteria
            result.comment = outcome.comment
            result.points = outcome.points
            result.status = "graded" if outcome.complete else PENDING
            result.flag = (
                "the answer changed after it was scored; look at it again"
                if outcome.changed
                else ""
            )


def _flags(student: StudentResult, review_flags: list[str]) -> list[str]:
    flags = [UNISOLATED_FLAG] if student.mode == UNISOLATED else []
    flags += [f"{r.id}: {r.flag}" for r in student.items if r.flag]
    flags += [
        f"{r.id}: {r.status}"
        for r in student.items
        if r.status in (ERROR, TIMED_OUT, NOT_REACHED, NOT_RUN, CHANGED)
    ]
    return flags + student.warnings + review_flags


def _finish(students: dict[str, StudentResult]) -> None:
    """Flags and the graded_by column, from everything known about each row."""
    written = review.same_written_answers(students)
    documents = review.same_documents(students)
    for student in students.values():
        student.flags = _flags(
            student, written.get(student.key, []) + documents.get(student.key, [])
        )
        overrides = sum(1 for item in student.items if item.override)
        if overrides and student.graded_by and "set by hand" not in student.graded_by:
            student.graded_by += f"; {overrides} item(s) set by hand"


# ---------------------------------------------------------------------------------------
# Re-running


def _isolation(executor: Any) -> str:
    """How the executor isolated students' code, for the graded_by column and the flags.

    An executor may describe itself (`isolation`, text); else `isolated` says sandbox or not.
    """
    described = getattr(executor, "isolation", None)
    if isinstance(described, str) and described:
        return described
    return SANDBOX if getattr(executor, "isolated", False) is True else NO_SANDBOX


def _rerun_all(
    students: list[Student],
    grader: _Grader,
    jobs: int,
    settings: Any,
    bar: ProgressBar,
    problems: list[Problem],
) -> tuple[dict[str, dict[str, Any]], str]:
    """Re-run every student's notebooks, one sandboxed job per student; (results, isolation)."""
    from diplomatic_cover.grading.execute import KILLED, Executor, RerunResult
    from diplomatic_cover.grading.sandbox import SandboxUnavailable

    exercises = grader.exercises_to_run()
    found: dict[str, dict[str, Any]] = {s.key: {} for s in students}
    # Each student's problems, listed in the class's order however the re-runs finish, so
    # problems.csv is the same every time (and the same from shards as from one run).
    said: dict[str, list[Problem]] = {s.key: [] for s in students}
    tasks = []
    for student in students:
        submission = student.submission
        if submission is None:
            continue
        handed_in = submission.notebooks  # read again from the file: not kept in memory
        notebooks = {}
        for exercise in exercises:
            if exercise in handed_in:
                notebooks[exercise] = handed_in[exercise]
            else:
                found[student.key][exercise] = RerunResult(
                    exercise, problem=f"exercises/{exercise}.ipynb is missing from the submission"
                )
                said[student.key].append(
                    Problem(
                        submission.source,
                        student.key,
                        f"exercises/{exercise}.ipynb is missing, so its checks could not be re-run",
                        "graded; those checks 0",
                    )
                )
        if notebooks:
            tasks.append((student, notebooks))
    bar.total = len(tasks)
    try:
        executor = Executor(settings)
    except SandboxUnavailable as error:
        raise GradingError(
            f"--execute cannot build a sandbox here: {error}. Grade without --execute, or pass "
            "--no-isolation to re-run students' code without one (those rows are marked "
            "unisolated)."
        ) from error
    with executor, ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        futures = {
            pool.submit(executor.run_submission, student.key, student.name, notebooks): student
            for student, notebooks in tasks
        }
        for future in as_completed(futures):
            student = futures[future]
            source = student.submission.source if student.submission else ""
            for exercise, rerun in future.result().items():
                found[student.key][exercise] = rerun
                _rerun_problems(said[student.key], source, student.key, exercise, rerun, KILLED)
            bar.advance(student.key)
    problems += [problem for student in students for problem in said[student.key]]
    return found, _isolation(executor)


def _rerun_problems(
    problems: list[Problem], source: str, key: str, exercise: str, rerun: Any, killed: str
) -> None:
    """What went wrong in one notebook's re-run, as problems.csv rows."""
    if rerun.problem:
        problems.append(Problem(source, key, rerun.problem, "graded; those checks 0"))
    for cell in rerun.cells:
        if cell.status == killed or "time limit" in cell.status:
            problems.append(
                Problem(
                    source,
                    key,
                    f"{exercise}: code cell {cell.index + 1} {cell.status}: {cell.error}",
                    "graded; checks in and after it 0"
                    if cell.status == killed
                    else "graded; checks in that cell 0",
                )
            )
        elif cell.error.startswith("MemoryError"):
            problems.append(
                Problem(
                    source,
                    key,
                    f"{exercise}: code cell {cell.index + 1} ran out of memory",
                    "graded; checks in that cell 0",
                )
            )


# ---------------------------------------------------------------------------------------
# The whole run


def scoring_rules(
    config: GradingConfig, key: Mapping[str, KeyEntry], out: Path, rescore: bool
) -> dict[str, int]:
    """The scoring rules version for each widget item graded against the key.

    The key's own version, unless `out` holds earlier results and `rescore` is off: then the
    version those results recorded for the item (version 1 for results graded before
    versions were recorded; the key's own for an item they did not grade).
    """
    own = {item.id: key[item.id].rules for item in config.items() if item.kind == AUTO}
    earlier = None if rescore else read_settings(out / RESULTS)
    if earlier is None:
        return own
    recorded = earlier.get("scoring_rules")
    if not isinstance(recorded, dict):
        return dict.fromkeys(own, 1)
    return {
        item: recorded[item] if recorded.get(item) in SCORING_RULES else version
        for item, version in own.items()
    }


def _selected(students: dict[str, Student], only: list[str] | None) -> list[Student]:
    wanted = {w.strip().lower() for w in only or [] if w.strip()}
    chosen = []
    for student in students.values():
        if student.submission is None:
            continue
        names = {student.key.lower(), student.lms_id.lower(), student.submission.student_id.lower()}
        if only is None or names & wanted:
            chosen.append(student)
    return chosen


def _check_paths(submissions: Path, out: Path) -> None:
    """GradingError, before anything is written, for an input or --out that cannot work."""
    if not submissions.exists():
        raise GradingError(
            f"{submissions}: there is no such file or folder. Nothing was graded and "
            f"{out} was left as it was."
        )
    if out.exists() and not out.is_dir():
        raise GradingError(f"--out {out} is a file, not a folder: choose a folder for the grades.")
    source, target = submissions.resolve(), out.resolve()
    if submissions.is_dir() and (target == source or target.is_relative_to(source)):
        raise GradingError(
            f"--out {out} is inside the submissions folder {submissions}: the next run would "
            "read the grades as submissions. Choose a folder outside it."
        )


def _make_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".dc-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise GradingError(
            f"--out {out} cannot be used ({error.strerror or error}): choose a folder you may "
            "write to."
        ) from error


class _Claim:
    """`out` held by this run: an exclusive flock on the folder itself (no file is left in
    it), released by `close()` or when the process ends."""

    def __init__(self, fd: int | None) -> None:
        self.fd = fd

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def claim_out(out: Path, shard: Shard | None = None) -> _Claim:
    """Hold `out` for this run, or refuse it because another run is writing there.

    Two runs writing one folder (two shards given the same --out, a second terminal) would
    interleave their files and the merge would then miss a shard; the second run is refused
    instead. The lock is the operating system's (flock on the folder), so a run that dies
    releases it. A shard is also refused where another shard's results already are.
    """
    if shard is not None:
        _refuse_another_shards_folder(out, shard)
    try:
        import fcntl
    except ImportError:  # Windows: no second-run guard there
        return _Claim(None)
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise GradingError(
            f"Another grade run is writing to --out {out} right now: wait for it to finish, "
            "or give this run (each shard) a folder of its own."
        ) from None
    except OSError:  # a file system without flock on folders (NFS emulates it for files only)
        os.close(fd)
        return _Claim(None)
    return _Claim(fd)


def _refuse_another_shards_folder(out: Path, shard: Shard) -> None:
    try:
        earlier = json.loads((out / SHARD_MANIFEST).read_text(encoding="utf-8"))["shard"]
        index, count = int(earlier["index"]), int(earlier["count"])
    except (OSError, ValueError, KeyError, TypeError):
        return  # no shard here (or not readable as one): nothing to protect
    if (index, count) != (shard.index, shard.count):
        raise GradingError(
            f"--out {out} holds shard {index}/{count}'s results: give shard {shard} a folder "
            "of its own (merge-grades then reads each)."
        )


def _deadline(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_time(text)
    except DeadlineError as error:
        raise GradingError(f"--deadline {error}") from error


def _lateness(student: Student, result: StudentResult, deadline: datetime | None) -> None:
    own = parse_time(student.deadline) if student.deadline else deadline
    late_by = lateness(result.received_at, own)
    if late_by:
        result.late, result.late_by = True, late_by
    elif result.late:
        result.late_by = "late (the LMS says so)"


def grade(
    *,
    submissions: Path | UploadSource,
    out: Path,
    roster: Path | None = None,
    config: Path | None = None,
    execute: bool = False,
    only: list[str] | None = None,
    jobs: int | None = None,
    cell_timeout: float = 30.0,
    memory_mb: int = 2048,
    no_isolation: bool = False,
    deadline: str | None = None,
    limits: Limits | None = None,
    course: str = "",
    progress: IO[str] | None = None,
    catalogue: Catalogue | None = None,
    answer_key: Mapping[str, KeyEntry] | None = None,
    hidden_checks: HiddenChecks | None = None,
    rubrics_dir: Path | None = None,
    rescore: bool = False,
    shard: Shard | None = None,
) -> GradeSummary:
    """Grade every submission from `submissions` and write the outputs into `out`.

    `submissions` is a folder or one file (an LMS download, a plain folder, a late zip), or
    any `ingest.UploadSource` (the hub's: `hub.inbox`).

    Raises GradingError (or ConfigError) only for problems of the grader's own set-up
    (including `execute` where no sandbox can be built, unless `no_isolation`); everything
    wrong with a student's file goes to problems.csv. `jobs` (submissions re-run at once)
    defaults to the number of cores. `catalogue`, `answer_key`, `hidden_checks` and
    `rubrics_dir` default to the kit's own. `rescore` scores by the answer key's rules even
    where earlier grades in `out` used older ones.

    With `shard` (`--shard I/N`) every file is still read and every identity resolved, but
    only the accounts of shard I are graded (or re-run), and `out` gets what
    `merge.merge_grades` needs instead of a gradebook (`shards.write_shard`).
    """
    started = time.monotonic()
    if shard is not None and only is not None:
        raise GradingError(
            "--only and --shard do not go together: grade every shard, merge them with "
            "merge-grades, then grade a late student into the merged folder with --only."
        )
    if execute and os.name != "posix":
        raise GradingError(
            "--execute needs Linux (its sandbox is bubblewrap): grade without --execute here, "
            "or run the grader on a Linux machine or container."
        )
    source, out = as_source(submissions), Path(out)
    if isinstance(source, FolderSource):
        _check_paths(source.root, out)
    class_deadline = _deadline(deadline)
    catalogue = catalogue if catalogue is not None else load_catalogue()
    key = answer_key if answer_key is not None else (load_answer_key() or {})
    grading = load_config(config, catalogue, key, rubrics_dir=rubrics_dir)
    needs_checks = any(item.kind == CHECK for item in grading.items())
    hidden = (
        hidden_checks
        if hidden_checks is not None
        else (load_hidden_checks() if needs_checks else None)
    )
    try:
        roster_map = read_roster(Path(roster)) if roster is not None else None
    except (OSError, UnicodeDecodeError, RosterError) as error:
        raise GradingError(f"The roster could not be used: {error}") from error
    _make_out(out)
    claim = claim_out(out, shard)
    try:
        found, problems = collect(source, limits, progress)
        people, more = assign_students(found, roster_map, problems)
        problems += more
        chosen = _selected(people, only)
        matched = {n.lower() for s in chosen for n in (s.key, s.lms_id) if n}
        matched |= {s.submission.student_id for s in chosen if s.submission is not None}
        for wanted in only or []:
            if wanted.strip().lower() not in matched:
                problems.append(
                    Problem(
                        "",
                        wanted,
                        "--only names no student with a submission here (kit id or LMS id)",
                        NOT_GRADED,
                    )
                )
        if shard is not None:
            chosen = [student for student in chosen if shard.holds(student.owner)]
        single = isinstance(source, FolderSource) and source.single_file
        merged = shard is None and (only is not None or (single and len(found) == 1))
        before_reruns = len(problems)
        rules = scoring_rules(grading, key, out, rescore)
        grader = _Grader(grading, catalogue, key, hidden, rules)
        kept_store = RerunStore(out)
        summary = GradeSummary(out=out, merged=merged, execute=execute, shard=str(shard or ""))

        reruns: dict[str, dict[str, Any]] | None = None
        isolation = ""
        if execute and grader.exercises_to_run():
            from diplomatic_cover.grading.execute import ExecuteSettings

            settings = ExecuteSettings(
                cell_timeout=cell_timeout, memory_mb=memory_mb, isolation=not no_isolation
            )
            bar = ProgressBar(len(chosen), "Re-running", progress)
            reruns, isolation = _rerun_all(
                chosen, grader, jobs or os.cpu_count() or 1, settings, bar, problems
            )
            bar.close()
            summary.unisolated = isolation != SANDBOX
            summary.rerun_seconds = {
                key: sum(getattr(run, "seconds", 0.0) for run in runs.values())
                for key, runs in reruns.items()
            }
            for student in chosen:
                if student.submission is not None and reruns.get(student.key):
                    kept_store.save(
                        student.key, student.submission.sha256, reruns[student.key], isolation
                    )

        before_grading = len(problems)
        results = _grade_all(
            chosen,
            grader,
            reruns,
            isolation,
            kept_store,
            class_deadline,
            progress,
            problems,
            summary,
        )
        if not merged:
            _rows_without_submission(people, results, shard)
        if shard is not None:
            final = results
            write_shard(
                out,
                shard,
                ShardRun(
                    people=people,
                    results=results,
                    class_problems=problems[:before_reruns],
                    rerun_problems=problems[before_reruns:before_grading],
                    grade_problems=problems[before_grading:],
                    config=grading,
                    roster=None if roster is None else Path(roster),
                    settings={
                        "execute": execute,
                        "no_isolation": bool(execute and no_isolation),
                        "cell_timeout": cell_timeout if execute else None,
                        "memory_mb": memory_mb if execute else None,
                        "deadline": deadline or "",
                        "roster": roster is not None,
                        "scoring_rules": dict(sorted(rules.items())),
                    },
                ),
            )
        else:
            final = write_class(
                out, grading, catalogue, results, problems, course, rules, merged=merged
            )
        summary.graded = sum(1 for r in results.values() if r.submitted)
        summary.flagged = sum(1 for r in results.values() if r.flags)
        summary.rejected = sum(1 for p in problems if p.action == REJECTED)
        summary.missing = sum(1 for r in results.values() if r.status == MISSING)
        summary.damaged = sum(1 for r in results.values() if r.status == DAMAGED)
        summary.pending = sum(r.pending for r in final.values())
        summary.problems = problems
        summary.students = final
        if shard is None:
            summary.warnings += export_warnings(final, roster_map is not None)
        summary.kept_rules = {i: v for i, v in rules.items() if v != key[i].rules}
        summary.seconds = time.monotonic() - started
        return summary
    finally:
        claim.close()


def _grade_all(
    chosen: list[Student],
    grader: _Grader,
    reruns: dict[str, dict[str, Any]] | None,
    isolation: str,
    kept_store: RerunStore,
    deadline: datetime | None,
    progress: IO[str] | None,
    problems: list[Problem],
    summary: GradeSummary,
) -> dict[str, StudentResult]:
    """Every chosen student's result: re-run now, kept from an earlier re-run, or fast."""
    bar = ProgressBar(len(chosen), "Grading", progress)
    results: dict[str, StudentResult] = {}
    for student in chosen:
        submission = student.submission
        source = submission.source if submission else ""
        try:
            if reruns is not None:
                result = grader.student(student, reruns.get(student.key, {}))
                result.graded_by = f"execute ({isolation})"
                if isolation != SANDBOX:
                    result.mode = UNISOLATED
            else:
                result = _grade_fast(student, grader, kept_store, summary)
            result.graded_by += f"; kit {result.kit_version}"
            _lateness(student, result, deadline)
            results[student.key] = result
        except Exception as error:  # one student's odd file must not stop the class
            problems.append(
                Problem(
                    source,
                    student.key,
                    f"could not be graded ({type(error).__name__}: {error})",
                    NOT_GRADED,
                )
            )
        bar.advance(student.key)
    bar.close()
    return results


def _grade_fast(
    student: Student, grader: _Grader, kept_store: RerunStore, summary: GradeSummary
) -> StudentResult:
    """A fast grade, using the student's kept --execute re-run if the file is unchanged."""
    kept = kept_store.load(student.key) if student.submission is not None else None
    if kept is not None and student.submission is not None:
        if kept.sha256 == student.submission.sha256:
            result = grader.student(student, RerunStore.outcomes(kept))
            result.graded_by = kept.describe()
            if kept.isolation != SANDBOX:
                result.mode = UNISOLATED  # still unisolated, and flagged so, when kept
            summary.kept += 1
            return result
        result = grader.student(student, None)
        _mark_changed(result, kept)
        result.graded_by = f"{FAST}: changed since the --execute run of {kept.ran_at}, not re-run"
        summary.changed += 1
        return result
    result = grader.student(student, None)
    result.graded_by = FAST
    return result


def _rows_without_submission(
    people: dict[str, Student], results: dict[str, StudentResult], shard: Shard | None = None
) -> None:
    for student in people.values():
        if student.submission is None and (shard is None or shard.holds(student.owner)):
            results[student.key] = StudentResult(
                key=student.key,
                name=student.name,
                status=student.status or MISSING,
                lms_id=student.lms_id,
                lms=student.lms,
                section=student.section,
                sis_user_id=student.sis_user_id,
                sis_login_id=student.sis_login_id,
                source="; ".join(student.sources),
            )


def export_warnings(students: dict[str, StudentResult], with_roster: bool) -> list[str]:
    """What the LMS files cannot hold, said once in the summary."""
    graded = [s for s in students.values() if s.submitted]
    without = [s for s in graded if not s.lms_id]
    if not without:
        return []
    advice = (
        "grade again with --roster (kit_id, lms_id, ...) so every row has one"
        if not with_roster
        else "add their lms_id to the roster"
    )
    return [
        f"{len(without)} of {len(graded)} graded student(s) have no LMS id, so "
        f"canvas_import.csv cannot match them and the Moodle worksheet leaves them out: {advice}."
    ]


def write_class(
    out: Path,
    grading: GradingConfig,
    catalogue: Catalogue,
    results: dict[str, StudentResult],
    problems: list[Problem],
    course: str,
    rules: Mapping[str, int],
    *,
    merged: bool = False,
) -> dict[str, StudentResult]:
    """Everything that needs the whole class, then every output file; the final results.

    Manual scores and overrides from `out` are applied, and the cross-student flags (the
    same written answer, the same document) computed once over every row: a run of the
    whole class and `merge-grades` of its shards both end here. `merged` merges `results`
    into the earlier results in `out` (`--only`, one late file). `problems` gains what the
    overrides and the pages add.
    """
    with file_lock(out / RESULTS, stale_seconds=120):
        earlier = read_results(out / RESULTS) if merged else {}
        final = {**earlier, **results}
        _apply_manual(final, grading, ManualScores(out, snapshot=True))
        overrides, bad = read_overrides(out)
        problems += bad + apply_overrides(final, overrides)
        _finish(final)
        _write_outputs(
            out,
            grading,
            catalogue,
            final,
            problems,
            course,
            earlier_problems=_earlier_problems(out, results) if merged else [],
            rules=rules,
        )
    return final


def _earlier_problems(out: Path, updated: Mapping[str, StudentResult]) -> list[Problem]:
    """Problems of the last full run about students not graded again now."""
    import csv

    path = out / exports.PROBLEMS
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError:
        return []
    return [
        Problem(r.get("file", ""), r.get("student", ""), r.get("problem", ""), r.get("action", ""))
        for r in rows
        if r.get("student", "") not in updated
    ]


def _queue_questions(config: GradingConfig, catalogue: Catalogue) -> dict[str, Any]:
    questions = {}
    for item in config.items():
        if item.kind != MANUAL:
            continue
        question = catalogue.questions.get(item.id)
        questions[item.id] = {
            "title": question.title if question else item.id,
            "prompt": question.prompt if question else "",
            "points": item.points,
            "criteria": [
                {
                    "id": c.id,
                    "title": c.title,
                    "max_points": c.max_points,
                    "levels": [
                        {"points": lv.points, "description": lv.description} for lv in c.levels
                    ],
                }
                for c in config.criteria(item)
            ],
        }
    return questions


def _write_outputs(
    out: Path,
    config: GradingConfig,
    catalogue: Catalogue,
    students: dict[str, StudentResult],
    problems: list[Problem],
    course: str,
    earlier_problems: list[Problem],
    rules: Mapping[str, int],
) -> None:
    """Every output file; one student's page that cannot be written is a problem, not a stop."""
    written = [
        (r.key, item.id, item.answer)
        for r in students.values()
        for item in r.items
        if item.kind == MANUAL and item.answer and item.status != INVALID
    ]
    write_queue(out, written, _queue_questions(config, catalogue))
    exports.write_grades(out, config, students)
    exports.write_detail(out, students)
    exports.write_canvas(out, config, students)
    exports.write_moodle(out, config, students, datetime.now(UTC))

    def no_page(key: str, error: Exception) -> None:
        source = students[key].source
        problems.append(Problem(source, key, f"no feedback page ({error})", "graded; no page"))

    feedback.write_feedback(out, students, config, catalogue, course, on_error=no_page)
    exports.write_problems(out, earlier_problems + problems)
    classreport.write_class_report(out, students, config, catalogue, course)
    settings = {"config": config.source, "scoring_rules": dict(sorted(rules.items()))}
    atomic_write_bytes(out / RESULTS, encode_results(students, settings))


# ---------------------------------------------------------------------------------------
# Command line (cli.py maps flags onto this)


def cli_grade(
    *,
    submissions: Path | UploadSource,
    out: Path,
    roster: Path | None = None,
    config: Path | None = None,
    execute: bool = False,
    only: list[str] | None = None,
    jobs: int | None = None,
    cell_timeout: float = 30.0,
    memory_mb: int = 2048,
    no_isolation: bool = False,
    deadline: str | None = None,
    course: str = "",
    rescore: bool = False,
    shard: str | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`diplomatic-cover grade SUBMISSIONS --out DIR ...`: 0 when grading ran, 1 if it could not.

    Problems with students' files do not make it fail: they are in problems.csv and the
    summary counts them. A missing input or an --out that cannot be used does (nothing is
    written then).
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        summary = grade(
            submissions=submissions, out=out, roster=roster, config=config, execute=execute,
            only=only, jobs=jobs, cell_timeout=cell_timeout, memory_mb=memory_mb,
            no_isolation=no_isolation, deadline=deadline, course=course, progress=stderr,
            rescore=rescore, shard=None if shard is None else parse_shard(shard),
        )  # fmt: skip
    except (GradingError, ConfigError, StoreError) as error:
        print(f"diplomatic-cover grade: {error}", file=stderr)
        return 1
    print(summary, file=stdout)
    return 0


__all__ = ["GRADED", "GradeSummary", "cli_grade", "grade"]
