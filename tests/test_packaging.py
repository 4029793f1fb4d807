"""The two install routes (pip via the Makefile, conda via environment.yml) must agree."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_and_bounds_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(r) for r in pyproject["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("pip")
    assert conda.pop("python") == pyproject["project"]["requires-python"]
    assert conda == wanted


def test_environment_yml_installs_the_kit_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_parts = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_parts == [["-e ."]]


def test_environment_test_yml_lists_the_same_test_tools_and_bounds_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(r) for r in pyproject["project"]["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment-test.yml").read_text())
    conda = dict(_split(d) for d in env["dependencies"])
    assert conda == wanted
    assert env["name"] == yaml.safe_load((ROOT / "environment.yml").read_text())["name"]


def test_pyproject_lists_every_package_folder_and_maps_the_record_into_the_package():
    """`packages` is a list (a mapped folder cannot be found), so a new folder must join it."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    package = ROOT / "src" / "diplomatic_cover"
    folders = {
        ".".join(("diplomatic_cover", *p.relative_to(package).parts))
        for p in [package, *package.rglob("*")]
        if p.is_dir() and "__pycache__" not in p.parts
    }
    assert set(setuptools["packages"]) == folders | {"diplomatic_cover.dataset"}
    assert setuptools["package-dir"] == {"": "src", "diplomatic_cover.dataset": "data"}
