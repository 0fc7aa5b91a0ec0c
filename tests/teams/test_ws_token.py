"""API tokens on the run websocket, through real daphne + Celery + Redis:
``Sec-WebSocket-Protocol: bearer, <token>``. The same policy as the REST API decides: a valid
token streams, a revoked, expired or malformed one gets 4401, one scoped to another workspace
4404; revoking the token or removing its user from the workspace closes an open socket."""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import websockets.sync.client as ws_client
from websockets.exceptions import ConnectionClosed, InvalidStatus

from fomo.stack import Stack, read_events
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def team(live_stack: Stack) -> dict[str, Any]:
    alice = live_stack.client("alice")
    ws = alice.post("/api/workspaces", {"name": f"Sockets {uuid.uuid4().hex[:6]}"}).json()["id"]
    other = alice.post("/api/workspaces", {"name": f"Elsewhere {uuid.uuid4().hex[:6]}"}).json()["id"]
    assert alice.post(f"/api/workspaces/{ws}/members", {"username": "bob", "role": "viewer"}).status_code == 201
    pid = alice.post("/api/pipelines", {"name": "chain", "workspace": ws, "graph": llm_chain(2, 0)}).json()["id"]
    run = alice.start_run(pid, {"topic": "sockets"})
    with alice.websocket(run["id"]) as sock:
        read_events(sock)
    return {"alice": alice, "ws": ws, "other": other, "pipeline": pid, "run": run["id"]}


def connect(stack: Stack, run_id: int, token: str | None, origin: bool = True) -> Any:
    headers = {"Origin": stack.url} if origin else {}
    protocols = None if token is None else ["bearer", token] if token else ["bearer"]
    return ws_client.connect(f"{stack.ws_url}/ws/runs/{run_id}/", subprotocols=protocols,
                             additional_headers=headers, open_timeout=10)


def closed_with(sock: Any) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            sock.recv(timeout=10)
    return closed.value.rcvd.code


def token_of(api: Any, **fields: Any) -> tuple[str, int]:
    made = api.post("/api/tokens", {"name": f"ws {uuid.uuid4().hex[:4]}", **fields}).json()
    return made["token"], made["id"]


def test_a_valid_token_streams_the_run(live_stack, team):
    token, _ = token_of(team["alice"])
    with connect(live_stack, team["run"], token) as sock:
        assert sock.subprotocol == "bearer"
        events = read_events(sock)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["type"] == "run.finished"
    scoped, _ = token_of(team["alice"], workspace=team["ws"])
    with connect(live_stack, team["run"], scoped) as sock:
        assert read_events(sock)[-1]["type"] == "run.finished"


@pytest.mark.parametrize("bad", ["revoked", "expired", "malformed", "missing", "unknown"])
def test_a_refused_token_gets_4401(live_stack, team, bad):
    alice = team["alice"]
    token, token_id = token_of(alice)
    if bad == "revoked":
        assert alice.delete(f"/api/tokens/{token_id}").status_code == 204
    elif bad == "expired":
        soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        token, _ = token_of(alice, expires_at=soon)
        time.sleep(1.5)
    elif bad == "malformed":
        token = "not-a-token"
    elif bad == "unknown":
        token = token[:-4] + "AAAA"
    with connect(live_stack, team["run"], "" if bad == "missing" else token) as sock:
        assert closed_with(sock) == 4401


def test_a_token_scoped_to_another_workspace_sees_nothing(live_stack, team):
    token, _ = token_of(team["alice"], workspace=team["other"])
    with connect(live_stack, team["run"], token) as sock:
        assert closed_with(sock) == 4404


def test_a_program_with_a_token_needs_no_origin_but_a_cookie_or_a_foreign_origin_is_refused(live_stack, team):
    token, _ = token_of(team["alice"])
    with connect(live_stack, team["run"], token, origin=False) as sock:  # e.g. a script's websocket client
        assert read_events(sock)[-1]["type"] == "run.finished"
    with connect(live_stack, team["run"], "fomo_bad_token", origin=False) as sock:
        assert closed_with(sock) == 4401  # the token decides: a session cookie would not be looked at
    url = f"{live_stack.ws_url}/ws/runs/{team['run']}/"
    cookie = {"Cookie": team["alice"].cookie_header()}
    with pytest.raises(InvalidStatus):  # a session without Origin could be a forged cross-site request
        ws_client.connect(url, additional_headers=cookie, open_timeout=10)
    with pytest.raises(InvalidStatus):
        ws_client.connect(url, subprotocols=["bearer", token], additional_headers={"Origin": "http://evil.example"},
                          open_timeout=10)
    with pytest.raises(InvalidStatus):  # a cookie next to an empty bearer offer is still not enough
        ws_client.connect(url, subprotocols=["bearer"], additional_headers={**cookie, "Origin": "http://evil.example"},
                          open_timeout=10)


def test_revoking_the_token_closes_its_open_socket(live_stack, team):
    alice = team["alice"]
    token, token_id = token_of(alice)
    with connect(live_stack, team["run"], token) as sock:
        read_events(sock)  # the socket stays open after run.finished
        assert alice.delete(f"/api/tokens/{token_id}").status_code == 204
        assert closed_with(sock) == 4401


def test_removing_the_member_closes_their_token_socket(live_stack, team):
    alice, ws = team["alice"], team["ws"]
    bob = live_stack.client("bob")
    token, _ = token_of(bob)
    bob_id = next(m["user_id"] for m in alice.get(f"/api/workspaces/{ws}/members").json() if m["username"] == "bob")
    try:
        with connect(live_stack, team["run"], token) as sock:
            read_events(sock)
            assert alice.delete(f"/api/workspaces/{ws}/members/{bob_id}").status_code == 204
            assert closed_with(sock) == 4403
        with connect(live_stack, team["run"], token) as sock:
            assert closed_with(sock) == 4404
    finally:
        alice.post(f"/api/workspaces/{ws}/members", {"username": "bob", "role": "viewer"})


def test_revoking_the_token_ends_its_sse_stream(live_stack, team):
    import httpx

    from tests.integration.test_teams_live import sse_events

    alice = team["alice"]
    token, token_id = token_of(alice)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.stream("GET", f"{live_stack.url}/api/runs/{team['run']}/stream?after=999999", headers=headers,
                      timeout=30) as sse:
        assert sse.status_code == 200
        time.sleep(0.5)  # let the stream subscribe
        assert alice.delete(f"/api/tokens/{token_id}").status_code == 204
        _, _, named = sse_events(sse, limit=15)
    assert named == ["closed"]
    assert httpx.get(f"{live_stack.url}/api/runs/{team['run']}/stream", headers=headers).status_code == 401
