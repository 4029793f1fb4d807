"""The package's rooms keep their seams: checked from the source, import by import.

The graph holds every import statement in `src/diplomatic_cover`, the ones inside functions
included (only `if TYPE_CHECKING:` blocks are skipped: they never run). Rules:

* only `widgets/` imports a widget library (ipywidgets, anywidget, ipylab, traitlets,
  IPython.display) or a widget module, so the command line, the hand-in and the grader run
  without a kernel;
* no import cycles;
* nothing that ships in the class copy imports `instructor/` (which `release` leaves out),
  except where listed below with the reason;
* notebooks and exercises use only the public names listed in PUBLIC;
* the package's own modules import the rooms, never an old dotted path;
* package data is found with `paths.package_path` (importlib.resources), never from
  `__file__`, which breaks when the files are laid out differently (a wheel, a zip).

The thin modules at the old dotted paths (`diplomatic_cover/_old_paths.py`) are recognised by
their shape and exempt from the first rule: their job is to re-export a room.
"""

import ast
import json
from collections import defaultdict
from pathlib import Path

import pytest

from diplomatic_cover.instructor.release import _excluded

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "diplomatic_cover"
WIDGET_LIBRARIES = ("ipywidgets", "anywidget", "ipylab", "traitlets", "IPython.display")
WIDGETS = "diplomatic_cover.widgets"
INSTRUCTOR = "diplomatic_cover.instructor"

#: Shipped modules allowed to reach `instructor/`, and why that is safe in the class copy.
INSTRUCTOR_DOORS = {
    "diplomatic_cover.cli": (
        "build-exercises and release import their instructor module only when asked for, and "
        "print INSTRUCTOR_ONLY when the class copy lacks it (tests/test_class_copy.py)"
    ),
    "diplomatic_cover.grading.autograde": (
        "load_hidden_checks() imports HIDDEN_CHECKS_MODULE by name at grading time and says "
        "plainly that the hidden checks are not installed (tests/test_class_copy.py)"
    ),
    "diplomatic_cover.grading.sandbox.runtime": (
        "--execute builds the class copy its sandboxes run, with release, at grading time; "
        "in the class copy grading stops before that, as the hidden checks are not installed"
    ),
}

#: Modules outside widgets/ allowed a widget library, and why the rule's purpose still holds.
WIDGET_DOORS = {
    "diplomatic_cover.grading.sandbox.runner": (
        "the program --execute runs inside each sandbox in place of a kernel: it configures "
        "IPython's shell (traitlets) there; the grader only reads its constants"
    ),
}

#: The package facade: `dc.ask`, `dc.start`, ... are looked up by name on first use.
FACADE = "diplomatic_cover"

#: What notebooks and exercises may use: module -> names. None: the module itself, by alias;
#: then a notebook may use the public names of the rooms it forwards to (`public_names`).
PUBLIC = {
    "diplomatic_cover": {
        "ask",
        "check_setup",
        "feedback",
        "name_box",
        "progress",
        "pulse",
        "reveal",
        "start",
        "submit_button",
    },
    "diplomatic_cover.checks": {"check"},
    "diplomatic_cover.data": {"load_expulsions", "load_timeline", "load_missions"},
    "diplomatic_cover.figures": {"Figure", "Table", "kit_style", "OKABE_ITO"},
    "diplomatic_cover.record": None,
    "diplomatic_cover.claims": None,
    "diplomatic_cover.cover_model": None,
    "diplomatic_cover.capacity_model": None,
    "diplomatic_cover.reciprocity_game": None,
    "diplomatic_cover.policy": None,
    # Instructors' notebooks (instructors/ never ships).
    "diplomatic_cover.grading.manual": {"open_manual_grading"},
    "diplomatic_cover.instructor.hidden_checks": {"assert_passes"},
}


# ---------------------------------------------------------------------------------------
# The graph


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST):
    """Every node under `node`, leaving out the bodies of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other
                yield from _walk(other)
            continue
        yield child
        yield from _walk(child)


def imports_of(name: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import statement of module `name`."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                child = f"{base}.{alias.name}"
                # `from package import module` reaches the module; anything else the package.
                found.append((child if child in MODULES else base, node.lineno))
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def _ast_of(name):
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


def is_old_path(name: str) -> bool:
    """A thin module at an old dotted path: a docstring, imports, `__getattr__ = forward(...)`
    and at most an `if __name__ == "__main__":` block (see `_old_paths.py`)."""
    body = _ast_of(name).body
    if not body or "_old_paths" not in MODULES[name].read_text(encoding="utf-8"):
        return False
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if (
            isinstance(node, ast.Assign)
            and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__getattr__"]
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "forward"
        ):
            continue
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            continue
        return False
    return True


OLD_PATHS = {name for name in MODULES if is_old_path(name)}


def lazy_names() -> dict[str, str]:
    """The facade's `_LAZY` table: public name -> module it is loaded from."""
    for node in _ast_of(FACADE).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_LAZY":
            return ast.literal_eval(node.value)
    raise AssertionError("diplomatic_cover/__init__.py has no _LAZY table")


def in_room(module: str, room: str) -> bool:
    return module == room or module.startswith(room + ".")


def ships(name: str) -> bool:
    return not _excluded(MODULES[name].relative_to(ROOT).as_posix())


# ---------------------------------------------------------------------------------------
# The graph itself is trustworthy


def test_the_graph_sees_imports_inside_functions_and_skips_type_checking_blocks():
    record = dict(GRAPH["diplomatic_cover.lessons.record"])
    assert "diplomatic_cover.lessons.figures" in record  # imported inside a plotting function
    assert "matplotlib.pyplot" in record
    assert "matplotlib.figure" not in record  # only under `if TYPE_CHECKING:`


def test_the_old_paths_are_recognised_and_nothing_else_is():
    assert {"diplomatic_cover.store", "diplomatic_cover.policy", "diplomatic_cover.lab_hooks"} <= (
        OLD_PATHS
    )
    assert "diplomatic_cover.answers.store" not in OLD_PATHS
    assert not any(name.startswith("diplomatic_cover.widgets") for name in OLD_PATHS)


# ---------------------------------------------------------------------------------------
# Rule 1: widgets only in widgets/


def test_only_widgets_import_widget_libraries_or_widget_modules():
    crossings = sorted(
        f"{name}:{line} imports {target}"
        for name, edges in GRAPH.items()
        if not in_room(name, WIDGETS) and name not in OLD_PATHS and name not in WIDGET_DOORS
        for target, line in edges
        if in_room(target, WIDGETS) or any(in_room(target, lib) for lib in WIDGET_LIBRARIES)
    )
    assert crossings == []


def test_the_package_itself_imports_the_rooms_not_the_old_paths():
    through_old_paths = sorted(
        f"{name}:{line} imports {target}"
        for name, edges in GRAPH.items()
        if name not in OLD_PATHS
        for target, line in edges
        if target in OLD_PATHS
    )
    assert through_old_paths == []


#: Public names the facade loads lazily from outside widgets/, each with its reason.
LAZY_OUTSIDE_WIDGETS = {
    "reveal": "answers.reveals records in the store that a result was shown; it draws nothing",
}


def test_the_facade_loads_widgets_by_name_only_for_its_public_names():
    lazy = lazy_names()
    assert set(lazy) == PUBLIC["diplomatic_cover"] - {"check_setup"}
    for public, module in lazy.items():
        assert module in MODULES, (public, module)
        assert in_room(module, WIDGETS) or public in LAZY_OUTSIDE_WIDGETS, (public, module)


# ---------------------------------------------------------------------------------------
# Rule 2: no cycles


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in graph.get(node, []):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def internal_graph() -> dict[str, list[str]]:
    return {
        name: sorted({t for t, _ in edges if t in MODULES and t != name})
        for name, edges in GRAPH.items()
    }


def test_the_cycle_finder_names_a_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": []}) is None


def test_no_import_cycles():
    cycle = find_cycle(internal_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


# ---------------------------------------------------------------------------------------
# Rule 3: instructor/ stays out of the class copy


def _names_instructor(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value == INSTRUCTOR or node.value.startswith(INSTRUCTOR + "."))
    )


def test_nothing_that_ships_imports_the_instructor_package():
    reaching = defaultdict(list)
    for name, edges in GRAPH.items():
        if ships(name):
            for target, line in edges:
                if in_room(target, INSTRUCTOR):
                    reaching[name].append(f"line {line} imports {target}")
            # A module named in a string is imported by name (importlib): it counts too.
            for node in _walk(_ast_of(name)):
                if _names_instructor(node):
                    reaching[name].append(f"line {node.lineno} names {node.value!r}")
    assert set(reaching) == set(INSTRUCTOR_DOORS), dict(reaching)


def test_the_instructor_package_and_its_old_paths_do_not_ship():
    assert not any(ships(name) for name in MODULES if in_room(name, INSTRUCTOR))
    assert not ships("diplomatic_cover.authoring")
    assert not ships("diplomatic_cover.release")
    assert ships("diplomatic_cover.grading.autograde") and ships("diplomatic_cover.cli")


# ---------------------------------------------------------------------------------------
# Rule 4: notebooks use the public names


NOTEBOOKS = sorted(
    [
        *ROOT.glob("notebooks/*.ipynb"),
        *ROOT.glob("exercises/*.ipynb"),
        *ROOT.glob("instructors/**/*.ipynb"),
    ]
)


def public_names(module: str) -> set[str]:
    """The names a lesson module offers: `__all__` of each room an old path forwards to (or,
    for a room without `__all__`, the names it defines that do not start with "_")."""
    homes = [
        node.module
        for node in _ast_of(module).body
        if isinstance(node, ast.ImportFrom) and [a.name for a in node.names] == ["*"]
    ]
    names: set[str] = set()
    for home in homes or [module]:
        tree = _ast_of(home)
        declared = [
            node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
        ]
        if declared:
            names |= set(ast.literal_eval(declared[0]))
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return {name for name in names if not name.startswith("_")}


def uses_of(path: Path) -> list[str]:
    """Problems with the kit names one notebook's code cells use."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    # IPython magics and shell lines are not Python.
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    aliases: dict[str, str] = {}
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("diplomatic_cover"):
                    aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "diplomatic_cover"
        ):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                if child in PUBLIC and PUBLIC[child] is None:
                    aliases[alias.asname or alias.name] = child
                elif node.module not in PUBLIC or alias.name not in (PUBLIC[node.module] or ()):
                    problems.append(f"from {node.module} import {alias.name}")
    for module in aliases.values():
        if module not in PUBLIC:
            problems.append(f"import {module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            if module is None or module not in PUBLIC:
                continue
            allowed = PUBLIC[module] if PUBLIC[module] is not None else public_names(module)
            if node.attr not in allowed:
                problems.append(f"{module}.{node.attr}")
    return sorted(set(problems))


def test_the_notebook_check_finds_a_private_name(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "code", "source": "import diplomatic_cover as dc\ndc._LAZY\n"},
            {
                "cell_type": "code",
                "source": "from diplomatic_cover.answers.store import ResponseStore",
            },
        ]
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    assert uses_of(path) == [
        "diplomatic_cover._LAZY",
        "from diplomatic_cover.answers.store import ResponseStore",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_use_only_public_names(path):
    assert uses_of(path) == []


def test_every_public_module_is_a_module_of_the_package():
    assert set(PUBLIC) <= set(MODULES)


def test_a_lesson_offers_its_declared_names_and_its_sliders_but_not_its_helpers():
    offered = public_names("diplomatic_cover.capacity_model")
    assert {"coverage", "BASELINE", "coverage_explorer"} <= offered
    assert "read_data" not in offered and "_ASSUMPTIONS" not in offered
    assert {"people_rows"} <= public_names("diplomatic_cover.record")


# ---------------------------------------------------------------------------------------
# Rule 5: package data through paths.package_path, not __file__

#: Modules allowed to read `__file__`, and why.
FILE_DOORS = {
    "paths.py": "finds the open kit's folder of an editable install (`kit_root`), not data",
}


def uses_of_file(source: str) -> list[int]:
    """The lines of `source` that read `__file__`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name) and node.id == "__file__"
    ]


def test_the_file_finder_flags_a_path_built_from_file():
    source = 'from pathlib import Path\nDATA = Path(__file__).with_name("data") / "x.toml"\n'
    assert uses_of_file(source) == [2]
    assert uses_of_file('DATA = package_path("data", "x.toml")\n') == []


def test_package_data_is_found_with_package_path_not_file():
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in FILE_DOORS
        for line in uses_of_file(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use paths.package_path(...) for package data: " + ", ".join(found)
