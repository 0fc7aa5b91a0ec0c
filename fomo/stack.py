"""A real fomo stack for tests and benchmarks: its own data directory and database, a Redis database
number and queue of its own, Celery worker processes and daphne on 127.0.0.1.

Its workers may reach 127.0.0.1 (``FOMO_HTTP_ALLOW=127.0.0.1``, unless ``extra_env`` sets the
variable): the protocol stubs tests and benchmarks point nodes at listen there, on free ports,
and the network guard refuses loopback otherwise. A test of the guard itself passes its own
allow-list (``extra_env={"FOMO_HTTP_ALLOW": ""}`` for none).

Everything it starts it stops, by PID, and its temp folder goes with it.
"""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets.sync.client as ws_client

from fomo import launcher

USERS = {"alice": "alice-pass-123", "bob": "bob-pass-1234", "charlie": "charlie-pass-1"}


@dataclass
class Stack:
    root: Path
    env: dict[str, str]
    port: int
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    web: subprocess.Popen[bytes] | None = None
    pg_db: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        return subprocess.run([launcher.PYTHON, "manage.py", *args], cwd=launcher.ROOT, env=self.env,
                              check=True, capture_output=True, text=True).stdout

    def start_worker(self, name: str | None = None, concurrency: int = 32) -> subprocess.Popen[bytes]:
        name = name or f"w{len(self.workers) + 1}"
        proc = launcher.start_worker(self.env, concurrency=concurrency, name=name,
                                     log=self.root / f"worker-{name}.log")
        self.workers.append(proc)
        return proc

    def client(self, username: str = "alice") -> Api:
        return Api.login(self.url, username, USERS[username])

    def stop(self) -> None:
        for proc in self.workers:
            launcher.stop(proc)
        launcher.stop(self.web)
        if self.pg_db:
            _psql(f'DROP DATABASE IF EXISTS "{self.pg_db}" WITH (FORCE)')
        self._forget_queue()

    def _forget_queue(self) -> None:
        queue = self.env.get("FOMO_QUEUE", "")
        if queue.startswith("fomo-test-"):
            launcher.forget_queue(self.env["REDIS_URL"], queue)


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
                   check=True, capture_output=True)


def start_stack(tmp: Path, *, workers: int = 1, extra_env: dict[str, str] | None = None) -> Stack:
    env = dict(os.environ)
    base_redis = env.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    tag = uuid.uuid4().hex[:8]
    env.update({
        "FOMO_DATA_DIR": str(tmp / "data"),
        "REDIS_URL": f"{base_redis}/{random.randint(1, 15)}",
        "FOMO_QUEUE": f"fomo-test-{tag}",
        "FOMO_CHANNEL_PREFIX": f"fomo-test-{tag}",
        "FOMO_LEASE_SECONDS": "3",
        "FOMO_SWEEP_SECONDS": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "fomo.settings",
        "FOMO_HTTP_ALLOW": "127.0.0.1",  # the stubs on loopback (see the module docstring)
        **(extra_env or {}),
    })
    pg_db = None
    if env.get("FOMO_TEST_PG"):
        pg_db = f"fomo_it_{tag}"
        _psql(f'CREATE DATABASE "{pg_db}"')
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_db}"
    else:
        env.pop("DATABASE_URL", None)
    port = launcher.free_port()
    env["CSRF_TRUSTED_ORIGINS"] = f"http://127.0.0.1:{port}"
    stack = Stack(root=tmp, env=env, port=port, pg_db=pg_db)
    try:
        stack.manage("migrate", "--noinput", "-v", "0")
        for user, password in USERS.items():
            stack.manage("ensure_user", user, password)
        for _ in range(workers):
            stack.start_worker()
        stack.web = launcher.start_daphne(env, port, log=tmp / "web.log")
        ready = f"{stack.url}/healthz" if workers else f"{stack.url}/login/"
        launcher.wait_for(lambda: launcher.http_ok(ready), 60, "the stack to be healthy")
    except BaseException:
        stack.stop()
        raise
    return stack


def _http(base: str) -> httpx.Client:
    # TCP_NODELAY as browsers set it: without it a POST's body waits behind its headers for the
    # server's delayed ACK (~40 ms on Linux) and every request looks 40 ms slower than it is.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return httpx.Client(base_url=base, timeout=30, follow_redirects=False, transport=transport)


class Api:
    """A logged-in HTTP client speaking fomo's JSON API (session cookie + CSRF header)."""

    def __init__(self, base: str, http: httpx.Client):
        self.base = base
        self.http = http

    @classmethod
    def login(cls, base: str, username: str, password: str) -> Api:
        http = _http(base)
        http.get("/login/")
        resp = http.post("/login/", data={"username": username, "password": password,
                                          "csrfmiddlewaretoken": http.cookies["csrftoken"]},
                         headers={"Referer": f"{base}/login/"})
        assert resp.status_code == 302, f"login failed for {username}: {resp.status_code}"
        return cls(base, http)

    @classmethod
    def anonymous(cls, base: str) -> Api:
        return cls(base, _http(base))

    def _headers(self) -> dict[str, str]:
        token = self.http.cookies.get("csrftoken")
        return {"X-CSRFToken": token, "Referer": f"{self.base}/"} if token else {}

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, json_body: Any = None, **kw: Any) -> httpx.Response:
        return self.http.post(path, json=json_body, headers=self._headers(), **kw)

    def put(self, path: str, json_body: Any = None) -> httpx.Response:
        return self.http.put(path, json=json_body, headers=self._headers())

    def patch(self, path: str, json_body: Any = None) -> httpx.Response:
        return self.http.patch(path, json=json_body, headers=self._headers())

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path, headers=self._headers())

    def create_pipeline(self, graph: dict[str, Any], name: str = "p") -> dict[str, Any]:
        resp = self.post("/api/pipelines", {"name": name, "graph": graph})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def start_run(self, pipeline_id: int, inputs: dict[str, Any]) -> dict[str, Any]:
        resp = self.post(f"/api/pipelines/{pipeline_id}/runs", {"inputs": inputs})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())

    def websocket(self, run_id: int, after: int = 0) -> Any:
        return ws_client.connect(
            f"{self.base.replace('http', 'ws', 1)}/ws/runs/{run_id}/?after={after}",
            additional_headers={"Cookie": self.cookie_header(), "Origin": self.base},
            open_timeout=10,
        )


def read_events(ws: Any, until_type: str = "run.finished", timeout: float = 60,
                stop_after: int | None = None) -> list[dict[str, Any]]:
    """Collect events from a websocket until ``until_type`` arrives (or ``stop_after`` events)."""
    events: list[dict[str, Any]] = []
    while True:
        msg = json.loads(ws.recv(timeout=timeout))
        assert msg["type"] == "events"
        events.extend(msg["events"])
        if any(e["type"] == until_type for e in msg["events"]):
            return events
        if stop_after is not None and len(events) >= stop_after:
            return events
