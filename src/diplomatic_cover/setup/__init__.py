"""Setting up a student's environment: `check_setup()` (notebook 00), `python -m
diplomatic_cover.setup_env` (the Makefile runs it) and the JupyterLab save hook it installs.
"""
