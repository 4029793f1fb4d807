"""Diplomatic Cover: the code behind the kit's notebooks.

Importing this package must stay cheap (a student's first cell waits for it), so heavy
libraries (nbformat, jsonschema, pandas, matplotlib) are imported inside the functions
that need them, never here.
"""

from __future__ import annotations

from diplomatic_cover._version import __version__
from diplomatic_cover.setup_check import check_setup

__all__ = ["__version__", "check_setup"]
