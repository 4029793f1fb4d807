"""What every job of a run shares: the class copy, the runner, and the grader's interpreter.

The notebooks run against the **class copy** of the kit, built by `release` into the run's
cache, never against the open kit: the class copy has no `instructor` package, no answer
key and no exercise sources, so `import diplomatic_cover.instructor` fails inside a job and
there is nothing secret to read. The interpreter and its site-packages are the grader's own
(same versions as the grader, so a student's values are read as they were computed); any copy
of the kit installed in those site-packages (an editable install's path file, the package
itself, its metadata) is listed in `hidden` so that backends can cover it.
"""

from __future__ import annotations

import compileall
import shutil
import site
import sys
from pathlib import Path

from diplomatic_cover import paths
from diplomatic_cover.grading.sandbox import PythonLayout, Runtime, SandboxUnavailable

RUNNER = ("grading", "sandbox", "runner.py")  # in the package: paths.package_path
_KIT_NAMES = ("diplomatic_cover", "diplomatic-cover")


def python_layout() -> PythonLayout:
    """The interpreter that runs the grader, as jobs will run it (SandboxUnavailable if odd)."""
    prefix = Path(sys.base_prefix).resolve()
    executable = Path(getattr(sys, "_base_executable", "") or sys.executable).resolve()
    if not executable.is_file() or not executable.is_relative_to(prefix):
        raise SandboxUnavailable(
            f"the grader's interpreter {executable} is not inside its prefix {prefix}"
        )
    found: list[Path] = []
    for folder in site.getsitepackages():
        path = Path(folder).resolve()
        if path.is_dir() and path not in found:
            found.append(path)
    return PythonLayout(prefix, executable, tuple(found), sys.version)


def _mentions_kit(path: Path, open_kit: Path | None) -> bool:
    if open_kit is None or path.suffix != ".pth":
        return False
    try:
        return str(open_kit) in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def installed_kit(site_dirs: tuple[Path, ...], open_kit: Path | None) -> list[Path]:
    """Entries of the site-packages that hold or point at a copy of the kit itself."""
    hidden = []
    for folder in site_dirs:
        for entry in sorted(folder.iterdir()):
            name = entry.name.lower().replace("-", "_")
            if (
                name.startswith("diplomatic_cover")
                or (name.startswith("__editable__") and "diplomatic_cover" in name)
                or _mentions_kit(entry, open_kit)
            ):
                hidden.append(entry)
    return hidden


def build_class_copy(out: Path, open_kit: Path) -> Path:
    """`release` the class copy into `out`, compiled (SandboxUnavailable if it refuses)."""
    from diplomatic_cover.instructor.release import ReleaseError, release

    try:
        # Jobs run only the exercises: a guided notebook edited in the open kit since the
        # last commit matters to a hand-out, not to a re-run.
        release(out=out, root=open_kit, allow_modified=("all",))
    except (ReleaseError, OSError, ValueError) as error:
        reason = " ".join(str(error).split())
        raise SandboxUnavailable(
            f"the class copy to run notebooks in could not be built: {reason}"
        ) from error
    # Compiled once here, so no job spends time compiling (and none could write a .pyc).
    compileall.compile_dir(out / "src", quiet=1, workers=1)
    return out


def build_runtime(cache: Path) -> Runtime:
    """The class copy, the runner and the interpreter's layout, in `cache`."""
    open_kit = paths.open_kit_root()
    if open_kit is None:
        raise SandboxUnavailable(
            "--execute builds a class copy of the kit to run notebooks in: grade from the "
            "open kit (the folder with instructors/)"
        )
    layout = python_layout()
    kit = build_class_copy(cache / "class-copy", open_kit)
    runner = cache / "runner.py"
    shutil.copyfile(paths.package_path(*RUNNER), runner)
    return Runtime(
        cache=cache,
        kit=kit,
        runner=runner,
        python=layout,
        open_kit=open_kit.resolve(),
        hidden=installed_kit(layout.site_dirs, open_kit.resolve()),
    )
