"""One-off tuning of the kit's virtual environment, run by the Makefile after each install.

`python -m diplomatic_cover.setup_env` removes `rfc3987-syntax`, which jupyter-events pulls in
through `jsonschema[format-nongpl]`. jsonschema only uses it to check the rarely used "iri"
string format, but importing it compiles a grammar that adds about three seconds to every
`import nbformat`, so to every JupyterLab start and every nbval run (jupyter-server issue
#1559). Without it jsonschema simply skips that one format check.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

SLOW_OPTIONAL_PACKAGES = ("rfc3987-syntax",)


def main() -> int:
    """Uninstall the slow optional packages if present; return the process exit code."""
    present = [
        name
        for name in SLOW_OPTIONAL_PACKAGES
        if importlib.util.find_spec(name.replace("-", "_")) is not None
    ]
    if not present:
        return 0
    cmd = [sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", *present]
    return subprocess.call(cmd)


if __name__ == "__main__":
    raise SystemExit(main())
