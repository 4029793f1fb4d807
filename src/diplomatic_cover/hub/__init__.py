"""The class on a JupyterHub: a course service the hub runs, and the client a kernel uses.

Two sides, kept apart on purpose:

- `service` (with `storage`, `pulse` and `names`) runs inside the hub's environment as a
  JupyterHub managed service. It needs `jupyterhub` (the `hub` extra) and owns the course's
  storage folder: hand-ins, feedback and the live pulse. Identity is the hub user behind the
  token of each request, never a name written in an upload.
- `client` runs in a student's (or the instructor's) kernel. It uses the standard library
  only, so a student's first cell never pays for, or needs, JupyterHub's code.

Nothing here is imported by `import diplomatic_cover`.
"""
