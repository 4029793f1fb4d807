"""One-off tuning of the kit's environment, run by the Makefile after each install.

`python -m diplomatic_cover.setup_env` does two things:

1. It tells the environment's Jupyter server to save notebooks without widget views
   (`setup/hooks.py`), by setting it in `<prefix>/etc/jupyter/
   jupyter_server_config.json`, merged with whatever that file already holds. (Files in
   `jupyter_server_config.d/` are only read for enabling extensions, not for settings like
   this one.) Conda users run this command once after `conda env create`.
2. It removes `rfc3987-syntax`, which jupyter-events pulls in through
   `jsonschema[format-nongpl]`. jsonschema only uses it to check the rarely used "iri" string
   format, but importing it compiles a grammar that adds about three seconds to every
   `import nbformat`, so to every JupyterLab start and every nbval run (jupyter-server issue
   #1559). Without it jsonschema simply skips that one format check.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

SLOW_OPTIONAL_PACKAGES = ("rfc3987-syntax",)
#: Written by its old dotted path, which every environment set up so far already holds and
#: which stays (`lab_hooks.py` forwards to `setup/hooks.py`): one name in every config file.
HOOK = "diplomatic_cover.lab_hooks.pre_save_hook"


def server_config_path(prefix: Path | None = None) -> Path:
    """The config file Jupyter Server reads from this environment for the kit's hook."""
    return Path(prefix or sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.json"


def install_save_hook(prefix: Path | None = None) -> Path:
    """Set the save hook in the environment's server config, keeping other settings."""
    path = server_config_path(prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    config = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    config.setdefault("ContentsManager", {})["pre_save_hook"] = HOOK
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return path


def uninstall_command(names: list[str]) -> list[str]:
    """uv's uninstall where the Makefile installed uv (pip takes seconds just to start)."""
    uv = Path(sys.executable).with_name("uv")
    found = str(uv) if uv.is_file() else shutil.which("uv")
    if found:
        return [found, "pip", "uninstall", "--quiet", "--python", sys.executable, *names]
    return [sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", *names]


def remove_slow_packages() -> int:
    """Uninstall the slow optional packages if present; return the installer's exit code."""
    present = [
        name
        for name in SLOW_OPTIONAL_PACKAGES
        if importlib.util.find_spec(name.replace("-", "_")) is not None
    ]
    if not present:
        return 0
    return subprocess.call(uninstall_command(present))


def main() -> int:
    """Install the save hook and remove slow packages; return the process exit code."""
    install_save_hook()
    return remove_slow_packages()


if __name__ == "__main__":
    raise SystemExit(main())
