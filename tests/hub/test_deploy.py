"""The deploy/ recipes agree with the kit: same library bounds, same service, same names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _requirements(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line:
            name, bounds = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", line).groups()
            found[name.lower()] = bounds.replace(" ", "")
    return found


def test_the_image_installs_the_kits_libraries_with_the_same_bounds_plus_the_hub_side():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _requirements(project["dependencies"] + project["optional-dependencies"]["hub"])
    image = _requirements((DEPLOY / "binder" / "requirements.txt").read_text().splitlines())
    assert image.pop("nbgitpuller")
    assert image == wanted


def test_the_image_installs_the_class_copy_and_the_save_hook_after_the_libraries():
    post_build = DEPLOY / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "repo2docker runs postBuild: it must be executable"
    text = post_build.read_text()
    assert "pip install --no-cache-dir --no-deps ." in text
    assert "python -m diplomatic_cover.setup_env" in text


def test_the_z2jh_values_run_the_same_service_with_the_same_roles_as_the_python_snippet():
    values = yaml.safe_load((DEPLOY / "z2jh" / "config.yaml").read_text())
    service = values["hub"]["services"]["diplomatic-cover"]
    assert service["command"][:3] == ["python3", "-m", "diplomatic_cover.hub.service"]
    port = int(service["url"].rsplit(":", 1)[1])
    assert service["command"][service["command"].index("--bind") + 1] == f"0.0.0.0:{port}"
    assert values["hub"]["service"]["extraPorts"][0]["port"] == port
    assert values["proxy"]["chp"]["networkPolicy"]["egress"][0]["ports"] == [{"port": port}]
    roles = values["hub"]["loadRoles"]
    snippet = (DEPLOY / "jupyterhub_config.py").read_text()
    for role in ("user", "server", "diplomatic-cover-service"):
        assert f'"name": "{role}"' in snippet
        for scope in roles[role]["scopes"]:
            assert scope.replace("diplomatic-cover", "{DC_SERVICE}") in snippet or scope in snippet
    url = values["singleuser"]["extraEnv"]["DIPLOMATIC_COVER_SERVICE_URL"]
    assert url.endswith("/services/diplomatic-cover/")


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule for a build context: a pattern leaves out the path or a folder above it.

    `**` matches any number of folders (none too), `*` and `?` stay within one name; a
    later `!pattern` takes a path back in.
    """
    ignored = False
    for pattern in patterns:
        keep = pattern.startswith("!")
        body = pattern.removeprefix("!").strip("/")
        regex = "".join(
            "(?:.*/)?" if part == "**/" else "[^/]*" if part == "*" else "[^/]" if part == "?"
            else re.escape(part)
            for part in re.split(r"(\*\*/|\*|\?)", body)
        )  # fmt: skip
        if re.fullmatch(rf"{regex}(?:/.*)?", path):
            ignored = not keep
    return ignored


def test_the_grader_image_leaves_out_a_classs_files_and_keeps_the_kit():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    class_files = [
        ".venv/bin/python",
        ".git/config",
        "my-work/exercises/ex1_expulsions_by_decade.ipynb",
        "responses/ana-silva.json",
        "submissions/submission-ana-silva.zip",
        "submission-ana-silva.zip",
        "canvas-download/assignment_1.zip",
        "roster.csv",
        "class/moodle-roster.csv",
        "grades/grades.csv",
        "grading/shards/0/results.json",
        "hub-token",
        "class-copy/README.md",
    ]
    assert [p for p in class_files if not _ignored(p, patterns)] == []
    kit_files = [
        "pyproject.toml",
        "README.md",
        "src/diplomatic_cover/questions/answer_key/01_reading_the_article.toml",
        "src/diplomatic_cover/grading/roster.py",
        "src/diplomatic_cover/grading/shards.py",
        "instructors/grading.toml",
        "data/expulsions.csv",
        "deploy/binder/requirements.txt",
    ]
    assert [p for p in kit_files if _ignored(p, patterns)] == []
    for path in kit_files:
        assert (ROOT / path).exists(), path
