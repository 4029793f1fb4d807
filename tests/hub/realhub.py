"""Start a real JupyterHub for tests: the proxy, the kit's course service, real users.

The hub runs from the cached environment (`hubenv`), with configurable-http-proxy from npm,
the shared-password authenticator, LocalProcessSpawner and the kit's service as a managed
service, all on 127.0.0.1. The test talks to it as people and programs would: the login
page, the hub's REST API with tokens, each student's own server, and the service through
the proxy. Only processes this module started are ended, each by its pid.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.hub import linux_users

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "diplomatic-cover"
PASSWORD = "class-of-thirty-students"  # the shared password (at least 8 characters)


def signed_in(hub: RealHub, user: str) -> http.cookiejar.CookieJar:
    """A browser's cookies after `user` signed in through the hub's login page (with the
    login form's _xsrf field when the hub sends one)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{hub.url}/hub/login", timeout=30) as page:
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.read().decode())
    fields = {"username": user, "password": PASSWORD, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
    opener.open(
        urllib.request.Request(
            f"{hub.url}/hub/login", data=urllib.parse.urlencode(fields).encode(), method="POST"
        ),
        timeout=30,
    ).close()
    return jar


CONFIG = Path(__file__).with_name("jupyterhub_config.template.py")


def class_copy_package(out: Path) -> Path:
    """The class copy's package folder, for the hub's PYTHONPATH: what the hub image installs.

    Built by the kit's own `release` from this checkout (as `--execute` builds the copy its
    jobs run in), so the servers and the service have no `instructor` package and no answer
    key, exactly as on a real hub; readable by every user. Returns the folder that holds
    `diplomatic_cover/`.
    """
    from diplomatic_cover.grading.sandbox.runtime import build_class_copy

    build_class_copy(out, ROOT)
    for path in [out, *out.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return out / "src"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    """An HTTP reply: status, headers and body, decoded as JSON when it is JSON."""

    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class RealHub:
    """A running hub: its public URL, folders, admin token and users."""

    env: Path
    folder: Path
    run_id: str
    url: str = ""
    admin_token: str = field(default_factory=lambda: os.urandom(24).hex())
    process: subprocess.Popen | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    started_servers: set[str] = field(default_factory=set)

    @property
    def storage(self) -> Path:
        return self.folder / "service-storage"

    @property
    def service_url(self) -> str:
        return f"{self.url}/services/{SERVICE}/"

    @property
    def log(self) -> Path:
        return self.folder / "hub.log"

    # ------------------------------------------------------------------ start and stop

    def start(
        self,
        users: list[str],
        instructors: list[str],
        assistants: Sequence[str] = (),
        timeout: float = 60,
    ) -> float:
        """Write the config, start the hub, wait for a 200 through the proxy; return seconds."""
        kit = class_copy_package(self.folder / "class-kit")
        # The kit's jupyter-config file, which a pip install puts in etc/jupyter: it enables
        # the class link's landing route (setup/landing.py) in every student's server.
        jupyter_config = self.folder / "jupyter-config"
        shutil.copytree(ROOT / "jupyter-config", jupyter_config)
        for path in [jupyter_config, *jupyter_config.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        git_config = self.folder / "gitconfig"
        # nbgitpuller runs git as the student on a repository root owns: declare it safe.
        git_config.write_text("[safe]\n\tdirectory = *\n")
        git_config.chmod(0o644)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        settings = {
            "PORT": port,
            "HUB_PORT": free_port(),
            "PROXY_API_PORT": free_port(),
            "SERVICE_PORT": free_port(),
            "ENV": str(self.env),
            "KIT": str(kit),
            "FOLDER": str(self.folder),
            "STORAGE": str(self.storage),
            "GIT_CONFIG": str(git_config),
            "JUPYTER_CONFIG": str(jupyter_config),
            "DEPLOY_SNIPPET": str(ROOT / "deploy" / "jupyterhub_config.py"),
            "PASSWORD": PASSWORD,
            "ADMIN_TOKEN": self.admin_token,
            "USERS": sorted(users),
            "INSTRUCTORS": sorted(instructors),
            "ASSISTANTS": sorted(assistants),
        }
        config = self.folder / "jupyterhub_config.py"
        config.write_text(f"SETTINGS = {json.dumps(settings, indent=1)}\n\n" + CONFIG.read_text())
        environment = {
            "PATH": f"{self.env}/bin:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.folder),
            "LANG": "C.UTF-8",
            # Read by deploy/jupyterhub_config.py, as a real hub's admin would set them.
            "PYTHONPATH": str(kit),
            "DIPLOMATIC_COVER_STORAGE": str(self.storage),
            "DIPLOMATIC_COVER_PROXY_URL": self.url,
            "DIPLOMATIC_COVER_SERVICE_PORT": str(settings["SERVICE_PORT"]),
            "DIPLOMATIC_COVER_PYTHON": f"{self.env}/bin/python",
            "DIPLOMATIC_COVER_INSTRUCTOR_ROLE": "teaching-assistants",
        }
        started = time.monotonic()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(self.env / "bin" / "jupyterhub"), "-f", str(config)],
                cwd=self.folder,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        (self.folder / "hub.pid").write_text(str(self.process.pid))
        self._wait_for(f"{self.url}/hub/api/", timeout, "the hub's API through the proxy")
        self._wait_for(f"{self.service_url}api/me", timeout, "the course service", ok=(401,))
        return time.monotonic() - started

    def _wait_for(
        self, url: str, timeout: float, what: str, ok: tuple[int, ...] = (200,), token: str = ""
    ) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.process.returncode}):\n{self.tail()}")
            try:
                reply = self.request("GET", url, token=token or None)
                if reply.status in ok:
                    return
                last = f"HTTP {reply.status}"
            except OSError as error:
                last = str(error)
            time.sleep(0.1)
        raise TimeoutError(f"{what} gave no {ok} within {timeout:.0f} s ({last}):\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the hub (it stops the proxy, the service and the servers), then check."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        end_leftover_proxy(self.folder)

    # ------------------------------------------------------------------ HTTP

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Reply:
        """One HTTP request; any status comes back as a Reply (no exception for 4xx/5xx)."""
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"token {token}"
        request = urllib.request.Request(url, data=body, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read())

    def hub_api(self, method: str, path: str, document: Any = None, token: str = "") -> Reply:
        body = None if document is None else json.dumps(document).encode()
        return self.request(
            method,
            f"{self.url}/hub/api/{path}",
            body,
            token or self.admin_token,
            {"Content-Type": "application/json"},
        )

    def service(
        self,
        method: str,
        path: str,
        token: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        return self.request(method, self.service_url + path, body, token, headers)

    # ------------------------------------------------------------------ users and servers

    def token_for(self, user: str) -> str:
        """A personal API token for a user, made through the hub's REST API (cached)."""
        if user not in self.tokens:
            reply = self.hub_api("POST", f"users/{user}/tokens", {"note": "test"})
            if reply.status != 201:
                raise RuntimeError(f"token for {user}: {reply.status} {reply.body!r}")
            self.tokens[user] = reply.json()["token"]
        return self.tokens[user]

    def start_server(self, user: str, timeout: float = 90) -> float:
        """Spawn a user's server and wait for a 200 from it through the proxy."""
        started = time.monotonic()
        reply = self.hub_api("POST", f"users/{user}/server")
        if reply.status not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"spawn {user}: {reply.status} {reply.body!r}")
        self.started_servers.add(user)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.hub_api("GET", f"users/{user}").json()
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                break
            time.sleep(0.2)
        else:
            raise TimeoutError(f"{user}'s server was not ready in {timeout} s:\n{self.tail()}")
        self._wait_for(
            f"{self.url}/user/{user}/api/status",
            timeout,
            f"{user}'s server",
            token=self.token_for(user),
        )
        return time.monotonic() - started


def end_leftover_proxy(folder: Path) -> None:
    """End a proxy the hub left running (its pid file is in the hub's folder), by pid."""
    pid_file = folder / "jupyterhub-proxy.pid"
    try:
        pid = int(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        return
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return
    if b"configurable-http-proxy" in cmdline:
        os.kill(pid, signal.SIGTERM)


def end_leftover_hub(folder: Path) -> None:
    """End the hub of a crashed earlier run (by the pid it recorded), then its proxy."""
    try:
        pid = int((folder / "hub.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ValueError):
        cmdline = b""
    if b"jupyterhub" in cmdline and str(folder).encode() in cmdline:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.2)
    end_leftover_proxy(folder)


def sweep() -> list[str]:
    """Clear what crashed earlier runs left: hubs, proxies, users and folders."""
    if linux_users.RUNS.is_dir():
        for folder in linux_users.RUNS.iterdir():
            if folder.is_dir() and not linux_users.run_alive(folder.name):
                end_leftover_hub(folder)
    return linux_users.sweep_leftovers()
