"""Diplomatic Cover: the code behind the kit's notebooks.

The notebooks use a handful of names: `check_setup`, `start`, `name_box`, `ask`, `reveal`,
`progress` and `submit_button`; on a JupyterHub also `pulse` (the class's live answers, for
the projector) and `feedback` (the student's own returned feedback). Importing this package
must stay cheap (a student's first cell waits for it), so those names are loaded on first
use, and heavy libraries (nbformat, jsonschema, pandas, matplotlib) are imported inside the
functions that need them.
No module may share a name with one of these (importing `diplomatic_cover.ask` would
replace the function `ask` with the module).
"""

from __future__ import annotations

import importlib
from typing import Any

from diplomatic_cover._version import __version__
from diplomatic_cover.setup.check import check_setup

_LAZY = {
    "ask": "diplomatic_cover.widgets.question",
    "reveal": "diplomatic_cover.answers.reveals",
    "start": "diplomatic_cover.widgets.session",
    "name_box": "diplomatic_cover.widgets.session",
    "progress": "diplomatic_cover.widgets.progress",
    "submit_button": "diplomatic_cover.widgets.handin",
    "pulse": "diplomatic_cover.widgets.pulse",
    "feedback": "diplomatic_cover.widgets.feedback",
}

__all__ = [
    "__version__",
    "ask",
    "check_setup",
    "feedback",
    "name_box",
    "progress",
    "pulse",
    "reveal",
    "start",
    "submit_button",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'diplomatic_cover' has no attribute {name!r}")
