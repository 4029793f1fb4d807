"""Grading submissions: `grade()` and its command-line face `cli_grade()`.

Instructor-side, but safe in the class copy: it holds no answers and no hidden checks (it
imports `diplomatic_cover.instructor.hidden_checks` only when grading, and says so plainly
when that is absent). Neither fast grading nor `--execute` imports nbformat, jsonschema or
jupyter_client: `--execute` runs notebooks through its own sandboxed runner (`sandbox/`).
"""

from __future__ import annotations

from diplomatic_cover.grading.autograde import GradingError
from diplomatic_cover.grading.config import ConfigError
from diplomatic_cover.grading.run import GradeSummary, cli_grade, grade

__all__ = ["ConfigError", "GradeSummary", "GradingError", "cli_grade", "grade"]
