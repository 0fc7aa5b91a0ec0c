"""Teams and the public API through real daphne + Celery + Redis: ``?wait=`` returns outputs,
API tokens drive the API, the SSE stream replays and resumes without gaps, and removing a
member closes their websocket and SSE stream and rejects their token within one request."""
from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from fomo.stack import Api, read_events
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration]


def sse_events(resp: httpx.Response, limit: float = 60) -> tuple[list[dict[str, Any]], list[int], list[str]]:
    """Read an SSE response to its end: the events, the ``id:`` lines and any named events."""
    events, ids, named = [], [], []
    deadline = time.monotonic() + limit
    block: list[str] = []
    for line in resp.iter_lines():
        assert time.monotonic() < deadline, "the stream did not end"
        if line:
            block.append(line)
            continue
        fields = dict(item.split(": ", 1) for item in block if ": " in item and not item.startswith(":"))
        block = []
        if "event" in fields:
            named.append(fields["event"])
        if "data" in fields and "id" in fields:
            events.append(json.loads(fields["data"]))
            ids.append(int(fields["id"]))
    return events, ids, named


@pytest.fixture(scope="module")
def team(live_stack) -> dict[str, Any]:
    """A workspace of alice's where bob is an editor."""
    alice = live_stack.client("alice")
    ws = alice.post("/api/workspaces", {"name": f"Team {time.time()}"}).json()
    assert alice.post(f"/api/workspaces/{ws['id']}/members", {"username": "bob", "role": "editor"}).status_code == 201
    return {"alice": alice, "ws": ws["id"]}


def make_pipeline(api: Api, ws: int, steps: int = 2, latency_ms: int = 0) -> int:
    resp = api.post("/api/pipelines", {"name": "chain", "workspace": ws, "graph": llm_chain(steps, latency_ms)})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_wait_returns_the_outputs_when_the_run_ends_in_time(live_stack, team):
    alice = team["alice"]
    pid = make_pipeline(alice, team["ws"])
    assert alice.post(f"/api/pipelines/{pid}/versions", {"message": "v1"}).status_code == 201
    token = alice.post("/api/tokens", {"name": "ci"}).json()["token"]
    started = time.monotonic()
    resp = httpx.post(f"{live_stack.url}/api/pipelines/{pid}/run?wait=30", json={"inputs": {"topic": "otters"}},
                      headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "succeeded" and body["version"] == 1 and body["outputs"]["result"]
    assert time.monotonic() - started < 30
    # Without wait it answers at once with where to follow the run.
    quick = httpx.post(f"{live_stack.url}/api/pipelines/{pid}/run", json={"inputs": {"topic": "x"}},
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert quick.status_code in (200, 202) and quick.json()["urls"]["stream"].endswith("/stream")


def test_sse_replays_and_resumes_without_gaps(live_stack, team):
    alice = team["alice"]
    pid = make_pipeline(alice, team["ws"], steps=3, latency_ms=150)
    run = alice.post(f"/api/pipelines/{pid}/runs", {"inputs": {"topic": "live"}}).json()
    # Live: opened while the run is going.
    with alice.http.stream("GET", f"/api/runs/{run['id']}/stream", headers={"Accept": "text/event-stream"}) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
        events, ids, _ = sse_events(resp)
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(seqs) + 1)) and ids == seqs
    assert events[-1]["type"] == "run.finished" and len(seqs) > 5
    # Replay after a point, by query and by Last-Event-ID.
    cut = len(seqs) // 2
    with alice.http.stream("GET", f"/api/runs/{run['id']}/stream?after={cut}") as resp:
        again, _, _ = sse_events(resp)
    assert [e["seq"] for e in again] == seqs[cut:]
    with alice.http.stream("GET", f"/api/runs/{run['id']}/stream", headers={"Last-Event-ID": str(cut + 1)}) as resp:
        resumed, _, _ = sse_events(resp)
    assert [e["seq"] for e in resumed] == seqs[cut + 1:]
    assert again[1:] == resumed  # the same events, byte for byte
    charlie = live_stack.client("charlie")
    assert charlie.get(f"/api/runs/{run['id']}/stream").status_code == 404


def test_removing_a_member_closes_their_streams_and_rejects_their_token(live_stack, team):
    alice = team["alice"]
    bob = live_stack.client("bob")
    pid = make_pipeline(alice, team["ws"])
    run = alice.start_run(pid, {"topic": "private"})
    token = bob.post("/api/tokens", {"name": "bob's"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{live_stack.url}/api/pipelines/{pid}", headers=auth).status_code == 200
    bob_id = next(m["user_id"] for m in alice.get(f"/api/workspaces/{team['ws']}/members").json()
                  if m["username"] == "bob")
    with bob.websocket(run["id"]) as ws:
        read_events(ws)  # the socket stays open after run.finished
        with bob.http.stream("GET", f"/api/runs/{run['id']}/stream?after=999999") as sse:
            assert sse.status_code == 200
            time.sleep(0.5)  # let the stream subscribe
            assert alice.delete(f"/api/workspaces/{team['ws']}/members/{bob_id}").status_code == 204
            assert httpx.get(f"{live_stack.url}/api/pipelines/{pid}", headers=auth).status_code == 404
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=10)
            assert closed.value.rcvd.code == 4403
            _, _, named = sse_events(sse, limit=15)
            assert named == ["closed"]
    # Bob can no longer open either stream, and his token still works where he is a member.
    with bob.websocket(run["id"]) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=5)
    assert closed.value.rcvd.code == 4404
    assert httpx.get(f"{live_stack.url}/api/workspaces", headers=auth).status_code == 200


def test_the_websocket_matrix(live_stack, team):
    """The websocket is in the matrix too: anonymous 4401, strangers 4404, members stream."""
    alice = team["alice"]
    pid = make_pipeline(alice, team["ws"])
    run = alice.start_run(pid, {"topic": "x"})
    with alice.websocket(run["id"]) as ws:
        assert read_events(ws)[-1]["type"] == "run.finished"
    for api, code in ((Api.anonymous(live_stack.url), 4401), (live_stack.client("charlie"), 4404)):
        with api.websocket(run["id"]) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd.code == code


def test_share_links_work_anonymously_and_nothing_else_does(live_stack, team):
    alice = team["alice"]
    pid = make_pipeline(alice, team["ws"])
    run = alice.start_run(pid, {"topic": "shared"})
    with alice.websocket(run["id"]) as ws:
        read_events(ws)
    link = alice.post(f"/api/pipelines/{pid}/share-links", {"include_runs": True}).json()
    anon = Api.anonymous(live_stack.url)
    shared = anon.get(f"/api/share/{link['token']}")
    assert shared.status_code == 200 and [r["id"] for r in shared.json()["runs"]] == [run["id"]]
    assert anon.get(f"/api/share/{link['token']}/runs/{run['id']}").json()["status"] == "succeeded"
    for path in (f"/api/pipelines/{pid}", f"/api/share/../pipelines/{pid}", f"/api/share/x/../../pipelines/{pid}",
                 f"/API/share/{link['token']}", f"/api/runs/{run['id']}/stream"):
        assert anon.get(path).status_code in (301, 302, 401, 403, 404), path
    assert alice.delete(f"/api/pipelines/{pid}/share-links/{link['id']}").status_code == 204
    assert anon.get(f"/api/share/{link['token']}").status_code == 404


def test_the_api_docs_are_served_without_a_cdn(live_stack):
    alice = live_stack.client("alice")
    schema = alice.get("/api/schema", headers={"Accept": "application/json"})
    assert schema.status_code == 200 and "/api/pipelines/{id}/run" in schema.text and "bearer" in schema.text
    docs = alice.get("/api/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower() and "/static/" in docs.text
