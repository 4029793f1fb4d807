"""Run code in a kernel of a student's own server, over its WebSocket, as JupyterLab does."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import uuid
from typing import Any

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.hub.realhub import RealHub


def run_code(hub: RealHub, user: str, code: str, timeout: float = 60) -> dict[str, Any]:
    """Start a kernel in `user`'s server, run `code`, return {"stdout", "error"}; shut it down."""
    token = hub.token_for(user)
    base = f"{hub.url}/user/{user}/api/kernels"
    reply = hub.request("POST", base, b"{}", token, {"Content-Type": "application/json"})
    if reply.status != 201:
        raise RuntimeError(f"kernel for {user}: {reply.status} {reply.body!r}")
    kernel_id = reply.json()["id"]
    try:
        # Its own thread and event loop: the browser tests' Playwright keeps a loop running
        # in the main thread for the whole session.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
            channels = f"{base}/{kernel_id}/channels"
            return thread.submit(asyncio.run, _execute(channels, token, code, timeout)).result()
    finally:
        hub.request("DELETE", f"{base}/{kernel_id}", token=token)


async def _execute(url: str, token: str, code: str, timeout: float) -> dict[str, Any]:
    request = HTTPRequest(
        url.replace("http://", "ws://"), headers={"Authorization": f"token {token}"}
    )
    connection = await websocket_connect(request)
    msg_id = uuid.uuid4().hex
    connection.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    stdout: list[str] = []
    error = ""
    try:
        async with asyncio.timeout(timeout):
            while True:
                raw = await connection.read_message()
                if raw is None:
                    raise RuntimeError("the kernel's connection closed")
                message = json.loads(raw)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                content = message["content"]
                if kind == "stream" and content.get("name") == "stdout":
                    stdout.append(content["text"])
                elif kind == "error":
                    error = f"{content['ename']}: {content['evalue']}"
                elif kind == "status" and content["execution_state"] == "idle":
                    break
    finally:
        connection.close()
    return {"stdout": "".join(stdout), "error": error}
