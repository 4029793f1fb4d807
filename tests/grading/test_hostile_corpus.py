"""The whole hostile corpus at once, as one Canvas download, in bounded memory (long suite).

About 60 s here (building four JSON bombs, a zip of zips and eight 60 MB notebooks takes most
of it). The honest students' grades must be the ones they get in a class without attackers;
every attacker's file must be named in problems.csv; the grader's peak memory must stay
under 300 MB, under a hard address-space limit so a regression fails at once.
"""

import shutil

import pytest

from tests.grading.hostile.corpus import build_corpus
from tests.grading.hostile.limited import grade_limited
from tests.grading.hostile.outputs import grades, problems

pytestmark = pytest.mark.long


def test_the_hostile_corpus_changes_no_honest_grade_and_costs_under_300_mb(tmp_path):
    corpus = build_corpus(tmp_path / "corpus")
    honest = tmp_path / "honest"
    honest.mkdir()
    for path in corpus.folder.iterdir():
        if path.name not in corpus.attackers and "zhangwei" not in path.name:
            shutil.copy(path, honest / path.name)

    control = grade_limited(submissions=honest, out=tmp_path / "control", roster=corpus.roster)
    run = grade_limited(submissions=corpus.folder, out=tmp_path / "g", roster=corpus.roster)
    assert run.peak_mb < 300, run.peak_mb
    assert control.graded == len(corpus.honest)

    expected, got = grades(tmp_path / "control"), grades(tmp_path / "g")
    for key in corpus.honest:
        for column in ("total", "lms_id", "ex1.by-decade", "02.arrest-or-expel"):
            assert got[key][column] == expected[key][column], (key, column)
    assert got["eve-mallory"]["total"] == "0"  # the forger's own (empty) work, on her own row
    assert not {"x-one", "x-two", "x-three"} & set(got)  # one upload, three ids: no one's
    named = {row["file"] for row in problems(tmp_path / "g")}
    graded_sources = {row["source"] for row in got.values() if row["status"] == "graded"}
    for attacker, review_row in corpus.attackers.items():
        if review_row in ("1.7", "1.9", "2.6", "2.10"):  # harmless once handled: graded
            assert attacker in graded_sources, attacker
        else:  # refused, graded for no one, or flagged: named in problems.csv
            assert any(attacker in file for file in named), attacker
