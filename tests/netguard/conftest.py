"""A local HTTP server on 127.0.0.1 whose routes a test sets, and a transport that records every
address a request was actually sent to (so a test can prove a refused hop never connected)."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest


class Routes:
    def __init__(self) -> None:
        self.by_path: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.seen: list[dict[str, Any]] = []

    def set(self, path: str, status: int = 200, body: bytes | str = b"", headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.by_path[path] = (status, headers or {}, data)


class _Handler(BaseHTTPRequestHandler):
    routes: Routes

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.routes.seen.append({"method": self.command, "path": self.path, "host": self.headers.get("host"),
                                 "body": self.rfile.read(length).decode() if length else "",
                                 "headers": dict(self.headers)})
        status, headers, body = self.routes.by_path.get(self.path, (404, {}, b"no such route"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, Routes]]:
    routes = Routes()
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    finally:
        httpd.shutdown()
        httpd.server_close()


class RecordingTransport(httpx.AsyncHTTPTransport):
    """A real transport that notes the host of every request it is asked to send."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.url.host)
        return await super().handle_async_request(request)


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


def as_json(body: Any) -> str:
    return json.dumps(body)
