"""Everything a student or instructor clicks: question widgets, the name box, the progress
page, the Hand in button, the rubric panel and the lessons' sliders and games.

The only room that imports ipywidgets or anywidget (tests/test_seams.py checks it); the
code that decides and saves lives in `answers`, `lessons`, `handin` and `grading`.
"""
