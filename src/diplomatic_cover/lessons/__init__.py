"""The lessons' models, tables and figures (notebooks 01-06 and the exercises).

Pure functions over plain data: the data they teach from (role cards, claims map, published
estimates, default matrix weights and scores) is in `lessons/data/`, read with the standard
library. Their sliders and games are in `diplomatic_cover.widgets`.
"""

from __future__ import annotations

import tomllib
from typing import Any

from diplomatic_cover import paths


def read_data(name: str) -> dict[str, Any]:
    """One of the lessons' data files (`lessons/data/<name>`), parsed with the standard library.

    Each file has a JSON Schema beside it (`<stem>.schema.json`) that tests/test_lesson_data.py
    checks it against; the loaders here stay plain, so a lesson never waits for a validator.
    """
    return tomllib.loads(paths.package_path("lessons", "data", name).read_text(encoding="utf-8"))
