"""A kernel in a student's own server that stays up across several cells, as in JupyterLab.

`run_code` (kernel.py) starts a kernel per call; the pulse view and the sharing control keep
threads and widgets alive between cells, so their tests need the same kernel each time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import textwrap
from typing import Any

from tests.hub.kernel import _execute
from tests.hub.realhub import RealHub


class StudentKernel:
    """A kernel started in `user`'s server, its working folder `path` (relative to home)."""

    def __init__(self, hub: RealHub, user: str, path: str = "") -> None:
        self.hub, self.user = hub, user
        self.token = hub.token_for(user)
        self.base = f"{hub.url}/user/{user}/api/kernels"
        body = json.dumps({"path": path} if path else {}).encode()
        reply = hub.request(
            "POST", self.base, body, self.token, {"Content-Type": "application/json"}
        )
        if reply.status != 201:
            raise RuntimeError(f"kernel for {user}: {reply.status} {reply.body!r}")
        self.id = reply.json()["id"]

    def run(self, code: str, timeout: float = 90) -> dict[str, Any]:
        """Run one cell; return {"stdout", "error"}."""
        channels = f"{self.base}/{self.id}/channels"
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
            work = _execute(channels, self.token, textwrap.dedent(code), timeout)
            return thread.submit(asyncio.run, work).result()

    def json(self, code: str, timeout: float = 90) -> Any:
        """Run a cell that prints JSON last; return it (fail on a Python error)."""
        result = self.run(code, timeout)
        if result["error"]:
            raise AssertionError(f"{self.user}'s kernel: {result['error']}\n{result['stdout']}")
        return json.loads(result["stdout"].strip().splitlines()[-1])

    def shut_down(self) -> None:
        self.hub.request("DELETE", f"{self.base}/{self.id}", token=self.token)

    def __enter__(self) -> StudentKernel:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.shut_down()
