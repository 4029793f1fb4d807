"""The lessons' data files (src/diplomatic_cover/lessons/data/*.toml) match their schemas.

The lessons read these files with the standard library only (tomllib), so a mistake in one
would surface as a KeyError in a student's notebook. These tests catch it first: each file
against the JSON Schema beside it, then the cross-references a schema cannot express.
"""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "diplomatic_cover" / "lessons" / "data"
FILES = sorted(DATA.glob("*.toml"))


def load(name):
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def problems(document, stem):
    schema = json.loads((DATA / f"{stem}.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return sorted(f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document))


def test_every_data_file_has_a_schema_and_every_schema_a_data_file():
    assert {p.stem for p in FILES} == {
        p.name.removesuffix(".schema.json") for p in DATA.glob("*.schema.json")
    }
    assert len(FILES) == 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_data_file_matches_its_schema(path):
    assert problems(tomllib.loads(path.read_text(encoding="utf-8")), path.stem) == []


def test_a_schema_catches_a_broken_entry():
    cards = load("role_cards.toml")
    sourced = next(p for p in cards["cards"][0]["arguments"] if "source" in p)
    del sourced["url"]  # a fact with a source title but no address
    cards["cards"][1]["goals"] = []
    found = problems(cards, "role_cards")
    assert any("['cards', 0, 'arguments'" in p for p in found)
    assert any("['cards', 1, 'goals']" in p for p in found)


def test_role_cards_cite_known_sources_and_ask_known_roles():
    cards = load("role_cards.toml")
    roles = [card["id"] for card in cards["cards"]]
    assert len(set(roles)) == len(roles)
    cited = {p["cite"] for card in cards["cards"] for p in card["arguments"] if "cite" in p}
    assert cited <= set(cards["sources"])
    assert set(cards["sources"]) <= cited, "a shared source nobody cites"
    for card in cards["cards"]:
        assert {q["to"] for q in card["questions"]} <= set(roles) - {card["id"]}, card["id"]


def test_the_matrix_scores_every_option_on_every_criterion():
    matrix = load("policy_matrix.toml")
    options = [o["id"] for o in matrix["options"]]
    criteria = [c["id"] for c in matrix["criteria"]]
    assert list(matrix["default_scores"]) == options
    for option, row in matrix["default_scores"].items():
        assert sorted(row) == sorted(criteria), option


def test_claims_use_the_kinds_and_source_types_they_define():
    claims = load("claims.toml")
    ids = [s["id"] for s in claims["statements"]]
    assert len(set(ids)) == len(ids)
    assert set(claims["classify_ids"]) <= set(ids)
    for s in claims["statements"]:
        assert s["kind"] in claims["kinds"], s["id"]
        assert s["source_type"] in claims["source_types"], s["id"]
        assert s["original_source_type"] in claims["source_types"], s["id"]


def test_each_capacity_baseline_lies_in_its_range():
    for name, entry in load("capacity_model.toml").items():
        assert entry["low"] <= entry["baseline"] <= entry["high"], name


def test_cover_model_waves_run_forwards_in_time():
    for wave in load("cover_model.toml")["waves"]:
        assert wave["first"] <= wave["last"], wave["label"]


def test_the_lessons_read_their_data_with_the_standard_library_only():
    code = (
        "import sys\n"
        "from diplomatic_cover.lessons import capacity_model, claims, cover_model, policy\n"
        "heavy = {'jsonschema', 'pandas', 'matplotlib', 'ipywidgets', 'anywidget'}\n"
        "assert not heavy & set(sys.modules), sorted(heavy & set(sys.modules))\n"
        "assert len(policy.ROLE_CARDS) == 6 and len(claims.CLAIMS) > 10\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
