"""Handing in: `submission-<id>.zip` (build, verify, the `submit` command) and the offline
`report.html` inside it. No widgets: the Hand in button is `widgets.handin`.
"""
