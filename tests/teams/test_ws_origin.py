"""The run websocket's Origin check, through a real daphne: with the session cookie, a handshake is
accepted only from this server's own origin (scheme, host and port, as the request's Host and
scheme say) or one listed in CSRF_TRUSTED_ORIGINS. Another port, another scheme or another host of
the same name is refused; a program with an API token and no Origin keeps working."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
import websockets.sync.client as ws_client
from websockets.exceptions import InvalidStatus

from fomo.stack import Stack, read_events
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def alices_run(live_stack: Stack) -> dict[str, Any]:
    alice = live_stack.client("alice")
    pid = alice.post("/api/pipelines", {"name": f"origins {uuid.uuid4().hex[:6]}", "graph": llm_chain(1, 0)}).json()
    run = alice.start_run(pid["id"], {"topic": "origins"})
    with alice.websocket(run["id"]) as sock:
        read_events(sock)
    return {"alice": alice, "run": run["id"]}


def handshake(stack: Stack, run_id: int, cookie: str, origin: str, host: str = "127.0.0.1") -> Any:
    return ws_client.connect(f"ws://{host}:{stack.port}/ws/runs/{run_id}/",
                             additional_headers={"Cookie": cookie, "Origin": origin}, open_timeout=10)


@pytest.mark.parametrize("origin", [
    "http://127.0.0.1:9999",      # same host, another port
    "https://127.0.0.1:{port}",   # same host and port, another scheme
    "http://localhost:1",         # an allowed host name, another port
    "http://localhost",           # an allowed host name, the default port
    "http://127.0.0.1",           # this host without its port
    "null",                       # a sandboxed frame or a file: page
])
def test_it_refuses_a_cookie_handshake_from_another_scheme_or_port(live_stack, alices_run, origin):
    cookie = alices_run["alice"].cookie_header()
    with pytest.raises(InvalidStatus) as refused:
        handshake(live_stack, alices_run["run"], cookie, origin.format(port=live_stack.port))
    assert refused.value.response.status_code == 403


def test_it_accepts_its_own_origin_and_the_trusted_ones(live_stack, alices_run):
    cookie, run_id = alices_run["alice"].cookie_header(), alices_run["run"]
    with handshake(live_stack, run_id, cookie, live_stack.url) as sock:
        assert read_events(sock)[-1]["type"] == "run.finished"
    # Reached as localhost: its own origin is http://localhost:<port> (from Host) ...
    with handshake(live_stack, run_id, cookie, f"http://localhost:{live_stack.port}", host="localhost") as sock:
        assert read_events(sock)[-1]["type"] == "run.finished"
    # ... and http://127.0.0.1:<port> is still allowed there, being in CSRF_TRUSTED_ORIGINS.
    with handshake(live_stack, run_id, cookie, live_stack.url, host="localhost") as sock:
        assert read_events(sock)[-1]["type"] == "run.finished"
    # Host names compare without regard to case, as browsers compare origins.
    with handshake(live_stack, run_id, cookie, f"http://LocalHost:{live_stack.port}", host="localhost") as sock:
        assert read_events(sock)[-1]["type"] == "run.finished"


def test_a_token_without_origin_still_streams(live_stack, alices_run):
    alice = alices_run["alice"]
    token = alice.post("/api/tokens", {"name": f"origin {uuid.uuid4().hex[:4]}"}).json()["token"]
    with ws_client.connect(f"{live_stack.ws_url}/ws/runs/{alices_run['run']}/", subprotocols=["bearer", token],
                           open_timeout=10) as sock:
        assert read_events(sock)[-1]["type"] == "run.finished"
    with pytest.raises(InvalidStatus):  # a token does not excuse a foreign Origin
        ws_client.connect(f"{live_stack.ws_url}/ws/runs/{alices_run['run']}/", subprotocols=["bearer", token],
                          additional_headers={"Origin": "http://127.0.0.1:9999"}, open_timeout=10)
