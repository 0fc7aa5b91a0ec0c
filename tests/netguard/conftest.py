"""A local HTTP server on 127.0.0.1 whose routes a test sets (a second one on another port), a
transport that records every address a request was actually sent to, and a bare TCP listener that
counts accepted connections (so a test can prove a refused call never connected)."""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest


class Routes:
    def __init__(self) -> None:
        self.by_path: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.reflecting: dict[str, int] = {}
        self.seen: list[dict[str, Any]] = []

    def set(self, path: str, status: int = 200, body: bytes | str = b"", headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.by_path[path] = (status, headers or {}, data)

    def reflect(self, path: str, status: int = 200) -> None:
        """Answer ``path`` with the request's own headers as JSON (a server that echoes them)."""
        self.reflecting[path] = status


class _Handler(BaseHTTPRequestHandler):
    routes: Routes

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.routes.seen.append({"method": self.command, "path": self.path, "host": self.headers.get("host"),
                                 "body": self.rfile.read(length).decode() if length else "",
                                 "headers": dict(self.headers)})
        status, headers, body = self.routes.by_path.get(self.path, (404, {}, b"no such route"))
        if self.path in self.routes.reflecting:
            status, headers = self.routes.reflecting[self.path], {"Content-Type": "application/json"}
            body = json.dumps({"headers": dict(self.headers)}).encode()
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


def _serve() -> Iterator[tuple[str, Routes]]:
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


@pytest.fixture
def server() -> Iterator[tuple[str, Routes]]:
    yield from _serve()


@pytest.fixture
def second_server() -> Iterator[tuple[str, Routes]]:
    """Another server on the same host, on another port: another origin."""
    yield from _serve()


class Listener:
    """A TCP port on 127.0.0.1 that accepts connections, counts them and closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    made = Listener()
    try:
        yield made
    finally:
        made.close()


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
