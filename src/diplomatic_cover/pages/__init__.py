"""Pages: whole HTML documents from Jinja2 templates over one stylesheet, and the one escaping
helper for the small HTML pieces widgets and lessons show in a notebook.

* `render.py` fills the templates in `templates/` (autoescape on): the submission's
  `report.html`, the feedback pages, the class report, the progress overview and the manual
  grading panel. Python passes data; the words and the markup are in the templates, so an
  instructor can restyle or translate a page without touching Python
  (`DIPLOMATIC_COVER_TEMPLATES` names a folder whose templates are used first).
* `fragments.py` escapes text for the few small pieces built in code (a check's result line,
  a figure's caption). Standard library only: a student's first cell and `check()` import it
  without importing Jinja2.

This module imports nothing, so importing `diplomatic_cover.pages.fragments` stays cheap.
"""
