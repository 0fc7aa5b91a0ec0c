"""Everyone but members is refused: another workspace's user gets 404 on every pipeline and
run route and cannot subscribe to the run's websocket; anonymous clients are refused."""
from __future__ import annotations

import json

import pytest
import redis
from websockets.exceptions import ConnectionClosed

from fomo.stack import Api, read_events
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def alices_run(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(llm_chain(1, latency_ms=0))
    run = api.start_run(pipeline["id"], {"topic": "private"})
    with api.websocket(run["id"]) as ws:
        read_events(ws)
    return pipeline["id"], run["id"]


def routes(pipeline_id: int, run_id: int) -> list[tuple[str, str, object]]:
    p, r = f"/api/pipelines/{pipeline_id}", f"/api/runs/{run_id}"
    return [
        ("GET", p, None), ("PATCH", p, {"name": "x"}), ("DELETE", p, None),
        ("POST", f"{p}/duplicate", None), ("PUT", f"{p}/draft", {"graph": {}, "base_revision": 1}),
        ("POST", f"{p}/validate", {"graph": {}}), ("GET", f"{p}/versions", None),
        ("POST", f"{p}/versions", {"message": "m"}), ("GET", f"{p}/versions/1", None),
        ("POST", f"{p}/versions/1/restore", None), ("GET", f"{p}/runs", None),
        ("POST", f"{p}/runs", {"inputs": {"topic": "x"}}), ("GET", r, None), ("GET", f"{r}/events", None),
        ("POST", f"{r}/cancel", None), ("GET", f"/pipelines/{pipeline_id}/", None), ("GET", f"/runs/{run_id}/", None),
    ]


def call(api: Api, method: str, path: str, body: object):
    if method == "GET":
        return api.get(path)
    if method == "DELETE":
        return api.delete(path)
    return {"POST": api.post, "PUT": api.put, "PATCH": api.patch}[method](path, body)


def test_a_user_of_another_workspace_gets_404_everywhere(live_stack, alices_run):
    charlie = live_stack.client("charlie")
    for method, path, body in routes(*alices_run):
        assert call(charlie, method, path, body).status_code == 404, (method, path)
    assert all(p["id"] != alices_run[0] for p in charlie.get("/api/pipelines").json())
    # And nothing changed for alice.
    alice = live_stack.client("alice")
    assert alice.get(f"/api/pipelines/{alices_run[0]}").status_code == 200


def test_an_anonymous_client_is_refused_everywhere(live_stack, alices_run):
    anon = Api.anonymous(live_stack.url)
    for method, path, body in routes(*alices_run):
        resp = call(anon, method, path, body)
        if path.startswith("/api/"):
            assert resp.status_code in (401, 403), (method, path, resp.status_code)
        else:
            assert resp.status_code == 302 and "/login/" in resp.headers["location"]
    for path in ("/api/pipelines", "/api/node-types", "/api/workspaces", "/API/pipelines", "/api//pipelines",
                 "/api/pipelines/", "/%61pi/pipelines"):
        assert anon.get(path).status_code in (301, 302, 401, 403, 404), path
        assert anon.get(path).status_code != 200


def test_the_websocket_refuses_strangers_and_anonymous_clients(live_stack, alices_run):
    _, run_id = alices_run
    charlie = live_stack.client("charlie")
    with charlie.websocket(run_id) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=5)
    assert closed.value.rcvd.code == 4404
    anon = Api.anonymous(live_stack.url)
    with anon.websocket(run_id) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=5)
    assert closed.value.rcvd.code == 4401


def test_a_foreign_origin_cannot_open_the_websocket(live_stack, alices_run):
    import websockets.sync.client as ws_client
    from websockets.exceptions import InvalidStatus

    alice = live_stack.client("alice")
    with pytest.raises(InvalidStatus):
        ws_client.connect(f"{live_stack.ws_url}/ws/runs/{alices_run[1]}/",
                          additional_headers={"Cookie": alice.cookie_header(), "Origin": "http://evil.example"},
                          open_timeout=5)


BAD_GRAPHS = {
    "cycle": ({"schema": 1, "nodes": [
        {"id": "a", "type": "prompt.template", "config": {"template": "{{ x }}"}},
        {"id": "b", "type": "prompt.template", "config": {"template": "{{ x }}"}}],
        "edges": [{"id": "e1", "source": "a", "source_port": "text", "target": "b", "target_port": "x"},
                  {"id": "e2", "source": "b", "source_port": "text", "target": "a", "target_port": "x"}]}, "cycle"),
    "dangling": ({"schema": 1, "nodes": [{"id": "a", "type": "text.constant", "config": {"text": "x"}}],
                  "edges": [{"id": "e1", "source": "a", "source_port": "text", "target": "zz", "target_port": "v"}]},
                 "dangling_edge"),
    "duplicate": ({"schema": 1, "nodes": [{"id": "a", "type": "text.constant"}, {"id": "a", "type": "text.constant"}],
                   "edges": []}, "duplicate_id"),
    "unknown": ({"schema": 1, "nodes": [{"id": "a", "type": "no.such"}], "edges": []}, "unknown_type"),
    "mismatch": ({"schema": 1, "nodes": [
        {"id": "s", "type": "text.split", "config": {}}, {"id": "c", "type": "text.constant", "config": {}},
        {"id": "o", "type": "output", "config": {"name": "o"}}, {"id": "l", "type": "llm.chat", "config": {}}],
        "edges": [{"id": "e1", "source": "s", "source_port": "chunks", "target": "l", "target_port": "prompt"},
                  {"id": "e2", "source": "c", "source_port": "text", "target": "s", "target_port": "text"},
                  {"id": "e3", "source": "l", "source_port": "text", "target": "o", "target_port": "value"}]},
        "type_mismatch"),
    "missing": ({"schema": 1, "nodes": [{"id": "o", "type": "output", "config": {"name": "o"}}], "edges": []},
                "missing_input"),
    "config": ({"schema": 1, "nodes": [{"id": "s", "type": "text.split", "config": {"chunk_size": -5}}],
                "edges": []}, "config"),
}


@pytest.mark.parametrize("kind", sorted(BAD_GRAPHS))
def test_an_invalid_graph_gets_400_with_keyed_errors_and_enqueues_nothing(live_stack, kind):
    graph, code = BAD_GRAPHS[kind]
    api = live_stack.client("bob")
    pipeline = api.create_pipeline(graph, name=f"bad {kind}")
    resp = api.post(f"/api/pipelines/{pipeline['id']}/runs", {"inputs": {}})
    assert resp.status_code == 400
    errors = resp.json()["error"]["details"]["errors"]
    assert code in {e["code"] for e in errors}
    assert all(e["node"] or e["edge"] or e["field"] for e in errors)
    assert api.get(f"/api/pipelines/{pipeline['id']}/runs").json() == []
    queue = redis.Redis.from_url(live_stack.env["REDIS_URL"])
    assert queue.llen(live_stack.env["FOMO_QUEUE"]) == 0
    queue.close()


def test_template_injection_fails_the_node_safely(live_stack):
    api = live_stack.client("bob")
    graph = {"schema": 1, "nodes": [
        {"id": "t", "type": "prompt.template",
         "config": {"template": "{{ ''.__class__.__mro__[1].__subclasses__() }}{{ x }}"}},
        {"id": "i", "type": "input", "config": {"name": "x"}},
        {"id": "o", "type": "output", "config": {"name": "o"}}],
        "edges": [{"id": "e1", "source": "i", "source_port": "value", "target": "t", "target_port": "x"},
                  {"id": "e2", "source": "t", "source_port": "text", "target": "o", "target_port": "value"}]}
    pipeline = api.create_pipeline(graph, name="inject")
    run = api.start_run(pipeline["id"], {"x": "hi"})
    with api.websocket(run["id"]) as ws:
        events = read_events(ws)
    failed = [e for e in events if e["type"] == "node.failed"]
    assert failed and failed[0]["payload"]["error"]["kind"] == "template"
    assert "Traceback" not in json.dumps(events)
    assert events[-1]["payload"]["status"] == "failed"
