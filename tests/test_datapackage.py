"""data/datapackage.json: the files pass it, a broken copy fails it, and it agrees with the
loader's rules and with the codebook in data/README.md.

frictionless is imported here only: it is a test tool, never needed to load the data.
"""

import json
import re
import shutil

import frictionless
import pytest

from diplomatic_cover import data
from diplomatic_cover.paths import data_dir

DATA = data_dir()
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
README = (DATA / "README.md").read_text(encoding="utf-8")
LOADER_COLUMNS = {
    "expulsions": data.EXPULSION_COLUMNS,
    "sources": data.SOURCE_COLUMNS,
    "missions": data.MISSION_COLUMNS,
    "timeline_2025": data.TIMELINE_COLUMNS,
}


def _problems(report: frictionless.Report) -> list[str]:
    return [f"{task.name} {error.message}" for task in report.tasks for error in task.errors]


def test_every_file_is_valid_against_the_data_package():
    report = frictionless.validate(DATA / "datapackage.json")
    assert _problems(report) == []
    assert report.valid
    assert {task.name for task in report.tasks} == set(LOADER_COLUMNS)


def test_the_data_package_catches_a_response_to_a_measure_that_does_not_exist(tmp_path):
    for name in ("datapackage.json", *(r["path"] for r in PACKAGE["resources"])):
        shutil.copy(DATA / name, tmp_path / name)
    record = tmp_path / "expulsions.csv"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(",2018-03-14_GBR_RUS,", ",2018-03-14_GBR_RUX,", 1))
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert any("foreign key" in problem for problem in _problems(report))


@pytest.mark.parametrize("resource", PACKAGE["resources"], ids=lambda r: r["name"])
def test_the_schema_and_the_loader_describe_the_same_columns(resource):
    fields = resource["schema"]["fields"]
    columns = LOADER_COLUMNS[resource["name"]]
    assert [f["name"] for f in fields] == [c.name for c in columns]
    for field, column in zip(fields, columns, strict=True):
        constraints = field.get("constraints", {})
        assert constraints.get("required", False) == column.required, column.name
        if column.categories:
            assert constraints["enum"] == list(column.categories), column.name
        expected_type = {"date": "date", "count": "integer"}.get(column.kind, "string")
        assert field["type"] == expected_type, column.name


def test_the_schema_declares_keys_and_links():
    schemas = {r["name"]: r["schema"] for r in PACKAGE["resources"]}
    assert schemas["expulsions"]["primaryKey"] == ["event_id"]
    links = {
        (name, tuple(fk["fields"]), fk["reference"]["resource"] or name)
        for name, schema in schemas.items()
        for fk in schema.get("foreignKeys", [])
    }
    assert links == {
        ("expulsions", ("responds_to",), "expulsions"),
        ("sources", ("event_id",), "expulsions"),
        ("missions", ("closed_by_event",), "expulsions"),
    }


def test_the_coverage_dates_agree_with_the_loader_and_the_readme():
    fields = {f["name"]: f for f in PACKAGE["resources"][0]["schema"]["fields"]}
    limits = fields["date"]["constraints"]
    assert limits["minimum"] == str(data.COVERAGE_START)
    assert limits["maximum"] == str(data.COVERAGE_END)
    assert "31 December 2025" in README


def test_the_readme_codebook_describes_every_column_of_every_file():
    for resource in PACKAGE["resources"]:
        heading = f"### `{resource['path']}`"
        assert heading in README, heading
        section = README.split(heading, 1)[1].split("\n#", 1)[0]
        documented = re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.MULTILINE)
        assert documented == [f["name"] for f in resource["schema"]["fields"]], heading


def test_the_readme_lists_every_party_code_with_its_name():
    for code, name in data.COUNTRY_CODES.items():
        assert f"| `{code}` | {name} |" in README, code


def test_the_compilation_is_licensed_cc_by_4():
    assert [lic["name"] for lic in PACKAGE["licenses"]] == ["CC-BY-4.0"]
    assert "CC BY 4.0" in README
