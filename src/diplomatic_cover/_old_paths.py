"""Old dotted paths, kept for at least one release after the package was grouped into rooms.

Notebooks, students' working copies and handed-in exercises, the save hook that
`setup_env` wrote into environments' `jupyter_server_config.json`, and people's habits
(`python -m diplomatic_cover.setup_env`) name modules by the paths they had before issue 9
(`diplomatic_cover.checks`, `diplomatic_cover.policy`, ...). Each of those modules is now a
few lines: star imports of its new home(s), so the usual names are there at once, and
`__getattr__ = forward(...)` for the names a star import leaves out (private helpers, names
missing from a module's `__all__`). tests/test_old_paths.py imports every old path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def forward(old: str, *new: str) -> Callable[[str], Any]:
    """A module `__getattr__` for `old` that looks a missing name up in the `new` modules."""

    def __getattr__(name: str) -> Any:
        # Dunder names stay the shim's own: a star import of the shim must not pick up one
        # new module's `__all__` and miss the names of the other.
        if not (name.startswith("__") and name.endswith("__")):
            for module in new:
                found = importlib.import_module(module)
                if hasattr(found, name):
                    return getattr(found, name)
        raise AttributeError(f"module {old!r} has no attribute {name!r}")

    return __getattr__
