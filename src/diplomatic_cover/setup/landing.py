"""Where the class link lands on a hub: apply the working-copy rules, then open the notebook.

On a laptop, `make lab` copies the kit's notebooks into a working copy and updates it by the
rules in `setup/workcopy.py`. On a JupyterHub the class link (`diplomatic-cover link`, in
`hub/link.py`) asks nbgitpuller to pull the class copy into a hidden folder of the student's
home (`paths.PULLED_DIR`, nbgitpuller's `targetpath`) and then to open `OPEN_ROUTE/<path>`
(its `urlpath`) instead of a notebook. That route is served by this module, a Jupyter Server
extension in the student's own server: it runs the same update rules from the pulled folder
into the working copy `~/my-work` (`paths.WORK_DIR`) and redirects to the notebook there. So
after every pull, exactly as on a laptop after `git pull`:

* a notebook the student only ran (outputs or metadata differ) is replaced by the new version;
* an edited one is kept and the new version is put beside it as `NAME (updated).ipynb`
  (the landing page then says so before going on to the notebook);
* answers are untouched (they live in the answer store, not in the notebooks).

Why not let students work inside nbgitpuller's clone: nbgitpuller's own merge keeps a
notebook a student only ran (it counts as changed) and gives an edited one no "(updated)"
copy, and the hidden clone keeps git's bookkeeping out of the student's file browser.

The route changes files on a GET, as nbgitpuller's own pull does; all it can do is apply the
update rules, which never lose an edit, so a link followed from elsewhere does no more than
an update would. It opens only paths inside the working copy (no `..`, no hidden folders).

The extension is enabled by the file `jupyter-config/jupyter_server_config.d/
diplomatic_cover.json`, which a `pip install` of the kit puts in the environment's
`etc/jupyter` (pyproject.toml's data-files), as nbgitpuller enables itself (an editable
install, `make lab`, does not: a laptop needs no landing route). The heavy imports
(tornado, jupyter_server) happen only when a server loads the extension.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from diplomatic_cover import paths
from diplomatic_cover.setup.workcopy import KEPT, Outcome, WorkingCopyError, describe, sync

#: The route the class link's `urlpath` names, below the server's base URL.
OPEN_ROUTE = "diplomatic-cover/open"


@dataclass
class Landing:
    """Where to send the student (`lab/tree/...`, below the base URL) and what was done."""

    target: str
    outcomes: list[Outcome] = field(default_factory=list)
    problem: str = ""  # set when nothing could be opened; the page says this

    def kept(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == KEPT]


def _safe_relative(requested: str) -> PurePosixPath | None:
    """`requested` as a path inside the working copy, or None if it would leave it."""
    parts = [part for part in requested.replace("\\", "/").split("/") if part not in ("", ".")]
    if any(part == ".." or part.startswith(".") for part in parts):
        return None
    return PurePosixPath(*parts) if parts else PurePosixPath()


def tree_path(relative: PurePosixPath, parent: str = "") -> str:
    """`lab/tree/[PARENT/]my-work/<relative>`, each part URL-quoted (spaces, accents...)."""
    parts = [*PurePosixPath(parent).parts, paths.WORK_DIR, *relative.parts]
    return "lab/tree/" + "/".join(quote(part, safe="") for part in parts)


def land(root: Path, requested: str, parent: str = "") -> Landing:
    """Update the working copy under `root` from the pulled class copy; where to go next.

    `root` is the server's root folder (the student's home), `parent` nbgitpuller's
    `NBGITPULLER_PARENTPATH` (the folder under `root` it pulls into, usually empty) and
    `requested` the notebook the link names, relative to the class copy.
    """
    parent = parent.strip("/")
    base = Path(root).expanduser() / parent
    source, work = base / paths.PULLED_DIR, base / paths.WORK_DIR
    relative = _safe_relative(requested)
    if relative is None:
        return Landing("lab", problem=f"{requested!r} is not a file of the class copy.")
    if not (source / "notebooks").is_dir():
        return Landing(
            "lab",
            problem=(
                f"The class copy has not been pulled into {source} yet: open the class link "
                "your instructor sent (it pulls the copy, then comes here)."
            ),
        )
    try:
        outcomes = sync(source, work)
    except (WorkingCopyError, OSError) as error:
        return Landing("lab", problem=f"Your working copy {work} could not be updated: {error}")
    opened = relative if (work / relative).exists() else PurePosixPath()
    return Landing(tree_path(opened, parent), outcomes)


def page(landing: Landing, url: str) -> str:
    """The short page shown when an edited notebook was kept (or nothing could be opened)."""
    if landing.problem:
        lines = [landing.problem]
        title = "The class copy could not be opened"
    else:
        lines = [line for line in describe(landing.kept(), Path(paths.WORK_DIR))]
        lines.append("Your answers are unchanged (they are saved outside the notebooks).")
        title = "The class copy was updated"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    link = html.escape(url, quote=True)
    refresh = "" if landing.problem else f'<meta http-equiv="refresh" content="8;url={link}">'
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{refresh}'
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>"
        f'<ul>{items}</ul><p><a id="continue" href="{link}">Continue to JupyterLab</a></p>'
        "</main></body></html>"
    )


# ---------------------------------------------------------------------------------------
# The Jupyter Server extension


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Named by jupyter_server_config.d/diplomatic_cover.json; jupyter_server calls it."""
    return [{"module": "diplomatic_cover.setup.landing"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Add `OPEN_ROUTE/<path>` to the student's server (called once when it starts)."""
    from jupyter_server.auth.decorator import authorized
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    class OpenHandler(JupyterHandler):
        """GET `OPEN_ROUTE/<path>`: update `my-work` from the pulled copy, open `<path>`."""

        auth_resource = "contents"

        @web.authenticated
        @authorized(action="write")
        def get(self, requested: str) -> None:
            root = Path(self.settings.get("server_root_dir") or server_app.root_dir)
            landing = land(root, requested, os.environ.get("NBGITPULLER_PARENTPATH", ""))
            for line in describe(landing.outcomes, Path(paths.WORK_DIR)):
                self.log.info("diplomatic-cover: %s", line)
            url = url_path_join(self.base_url, landing.target)
            if landing.problem:
                self.set_status(404)
            elif not landing.kept():
                self.redirect(url)
                return
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page(landing, url))

    route = url_path_join(server_app.web_app.settings["base_url"], OPEN_ROUTE, "(.*)")
    server_app.web_app.add_handlers(".*$", [(route, OpenHandler)])
