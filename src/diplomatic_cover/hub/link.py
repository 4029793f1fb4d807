"""The one link students open on a hub: nbgitpuller pulls the class copy, the kit opens a notebook.

`diplomatic-cover link --hub URL --repo URL [--branch B] [--path FILE]` prints it. The link
has the shape nbgitpuller's own link generator makes (`generateRegularUrl` in its
`docs/_static/link_gen/link.js`, jupyterhub/nbgitpuller):

    HUB/hub/user-redirect/git-pull?repo=REPO&urlpath=diplomatic-cover%2Fopen%2FPATH
        [&branch=BRANCH]&targetPath=.diplomatic-cover-class

with each value form-encoded as a browser's URLSearchParams encodes it (`/` as %2F, a space
as `+`, only letters, digits and `*-._` left as they are), so the same inputs give the same
link byte for byte (tests/hub/test_link.py compares with links that generator made).

nbgitpuller pulls the repository into the hidden folder `targetPath` of the student's home
(`paths.PULLED_DIR`), then sends the browser to `urlpath`: the kit's landing route
(`setup/landing.py`, a Jupyter Server extension the kit's install enables), which updates the
student's working copy `~/my-work` from the pulled folder by the same rules as `make lab` on
a laptop, and opens PATH there. Students never work inside nbgitpuller's clone, so
nbgitpuller's own merge never decides what happens to their edits.
Without a branch, nbgitpuller uses the repository's default branch.

Standard library only: the command works from the class copy and from a laptop.
"""

from __future__ import annotations

import sys
from typing import IO
from urllib.parse import urlsplit

from diplomatic_cover.paths import PULLED_DIR
from diplomatic_cover.setup.landing import OPEN_ROUTE

DEFAULT_PATH = "notebooks/00_start_here.ipynb"
_KEPT = frozenset(b"*-._0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class LinkError(ValueError):
    """The hub or repository address cannot make a working link; the message says why."""


def form_encode(value: str) -> str:
    """`value` as application/x-www-form-urlencoded, byte for byte as URLSearchParams does."""
    out = []
    for byte in value.encode("utf-8"):
        if byte in _KEPT:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def hub_base(hub: str) -> str:
    """The hub's address as a browser's URL parser writes it, ending in '/'.

    Scheme and host in lower case, the default port dropped, an empty path made '/'. A query
    or fragment is refused: the link's own query goes there.
    """
    text = hub.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise LinkError(
            f"--hub {hub!r} is not a hub address: give the address students open, such as "
            "https://hub.example.edu"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise LinkError(
            f"--hub {hub!r} has a query, a fragment or a password in it: give only the hub's "
            "address, such as https://hub.example.edu"
        )
    try:
        port = parts.port
    except ValueError:
        raise LinkError(f"--hub {hub!r} has a port that is not a number.") from None
    host = parts.hostname
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    return f"{scheme}://{host}{path}"


def clone_folder(repo: str) -> str:
    """The folder nbgitpuller would clone `repo` into without a `targetPath` (a check only).

    nbgitpuller's UIHandler names it `repo.rstrip('/').split('/')[-1]`; the link sets its own
    folder, but an address without a repository name at its end is still refused.
    """
    folder = repo.strip().rstrip("/").split("/")[-1]
    if not folder or folder in (".", ".."):
        raise LinkError(f"--repo {repo!r} does not end in a repository name.")
    return folder


def pull_link(hub: str, repo: str, branch: str = "", path: str = DEFAULT_PATH) -> str:
    """The nbgitpuller link that pulls `repo` (at `branch`) and opens `path` in the working copy."""
    repo = repo.strip()
    if not repo or any(c.isspace() for c in repo):
        raise LinkError(
            f"--repo {repo!r} is not a repository address (it is empty or has spaces): give "
            "the address students' servers clone, such as https://github.com/course/class-copy"
        )
    path = path.strip().strip("/")
    if not path or ".." in path.split("/"):
        raise LinkError(f"--path {path!r} is not a file inside the repository.")
    clone_folder(repo)
    query = [("repo", repo), ("urlpath", f"{OPEN_ROUTE}/{path}")]
    if branch.strip():
        query.append(("branch", branch.strip()))
    query.append(("targetPath", PULLED_DIR))
    encoded = "&".join(f"{name}={form_encode(value)}" for name, value in query)
    return f"{hub_base(hub)}hub/user-redirect/git-pull?{encoded}"


def main(
    *,
    hub: str,
    repo: str,
    branch: str = "",
    path: str = DEFAULT_PATH,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`diplomatic-cover link`: print the link (0), or say why there is none (2)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        link = pull_link(hub, repo, branch, path)
    except LinkError as error:
        print(f"link: {error}", file=stderr)
        return 2
    print(link, file=stdout)
    return 0
