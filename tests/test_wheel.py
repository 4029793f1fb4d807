"""The built wheel, installed (not editable) into a fresh virtual environment, has everything.

An editable install (`make lab`) reads the package from `src/`, so a module or data file left
out of the wheel (a missing package-data glob) would only show on a JupyterHub image. This
builds the wheel as `pip wheel` does (build isolation: its own setuptools), installs it with
`--no-deps --no-index` into a new venv, and imports every module, every public name and every
old dotted path there, with `python -I` so nothing can come from this checkout.

The new venv sees the kit's dependencies through one `.pth` line naming the site-packages of
the environment running the tests (the versions pip resolved for pyproject.toml); that line is
read after the venv's own site-packages and does not run the editable install's hook, so
`diplomatic_cover` itself can only come from the wheel (the first test checks it).
Marked `long` (about 20 s here): `make test` runs it only with CI=true or `make test-all`.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.test_old_paths import OLD_PATHS
from tests.test_seams import PUBLIC, public_names

pytestmark = pytest.mark.long

ROOT = Path(__file__).resolve().parents[1]
# Modules that need an optional extra (pyproject's [project.optional-dependencies]), and the
# one library each may miss in a plain install: the course service runs in the hub's
# environment, which installs `diplomatic-cover[hub]`.
OPTIONAL = {"diplomatic_cover.hub.service": "jupyterhub"}


def _run(args, **kw):
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy, so the build leaves no build/ or egg-info here
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(source)])
    (built,) = work.glob("diplomatic_cover-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh(wheel, tmp_path_factory):
    """A new venv holding the wheel; its python."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    venv.create(home, with_pip=True, system_site_packages=False)
    python = home / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    Path(site.stdout.strip(), "zz_kit_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    return python


def in_fresh(python, code, **kw):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return _run([str(python), "-I", "-c", code], env=env, cwd=python.parents[2], **kw)


def test_the_kit_is_imported_from_the_wheel_not_this_checkout(fresh):
    done = in_fresh(fresh, "import diplomatic_cover; print(diplomatic_cover.__file__)")
    assert Path(done.stdout.strip()).is_relative_to(fresh.parents[1])
    assert "site-packages" in done.stdout


def test_the_wheel_holds_every_module_and_data_file_of_the_package(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = {n.removeprefix("diplomatic_cover/") for n in archive.namelist()}
    package = ROOT / "src" / "diplomatic_cover"
    wanted = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert wanted - names == set()


def test_every_module_public_name_and_old_path_imports_in_the_fresh_venv(fresh):
    public = {module: sorted(names or public_names(module)) for module, names in PUBLIC.items()}
    old = {module: names for module, names in OLD_PATHS.items()}
    code = f"""
import importlib, json, pkgutil, sys
import diplomatic_cover
missing = []
for info in pkgutil.walk_packages(diplomatic_cover.__path__, "diplomatic_cover."):
    try:
        importlib.import_module(info.name)
    except ModuleNotFoundError as error:
        # Modules of an optional extra may lack only that extra's libraries.
        if {json.dumps(OPTIONAL)}.get(info.name) != error.name:
            raise
for module, names in {{**{json.dumps(public)}, **{json.dumps(old)}}}.items():
    found = importlib.import_module(module)
    missing += [f"{{module}}.{{n}}" for n in names if not hasattr(found, n)]
print(json.dumps(missing))
"""
    assert json.loads(in_fresh(fresh, code).stdout) == []


def test_package_files_are_found_in_site_packages(fresh):
    code = """
from diplomatic_cover.answers.catalogue import load_catalogue
from diplomatic_cover.answers.checks import load_expectations
from diplomatic_cover.lessons import policy
from diplomatic_cover.widgets.question import STATIC
print(len(load_catalogue()), len(load_expectations()), len(policy.ROLE_CARDS),
      (STATIC / "question.js").is_file(), STATIC)
"""
    questions, expectations, cards, js, static = in_fresh(fresh, code).stdout.split()
    assert int(questions) > 50 and int(expectations) > 0 and cards == "6" and js == "True"
    assert "site-packages" in static


def test_the_console_script_and_python_m_work_in_the_fresh_venv(fresh):
    bin_dir = fresh.parent
    done = _run([str(bin_dir / "diplomatic-cover"), "--help"])
    assert "submit" in done.stdout and "grade" in done.stdout
    # setup_env also uninstalls rfc3987-syntax; through the .pth line that would reach the
    # environment running the tests, so it must already be gone there (the Makefile saw to it).
    assert importlib.util.find_spec("rfc3987_syntax") is None, "run diplomatic_cover.setup_env"
    in_fresh(
        fresh, "import runpy; runpy.run_module('diplomatic_cover.setup_env', run_name='__main__')"
    )
    config = json.loads((fresh.parents[1] / "etc/jupyter/jupyter_server_config.json").read_text())
    assert config["ContentsManager"]["pre_save_hook"] == "diplomatic_cover.lab_hooks.pre_save_hook"
