"""Instructors only: the exercises' reference answers and hidden checks.

Everything in this package is left out of the class copy (`diplomatic-cover release`), so a
student's copy of the kit cannot be read for answers. Grading always runs from the
instructor's open kit.
"""
