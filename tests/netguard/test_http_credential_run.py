"""``http.request`` with a stored http credential through a real worker (its own stack, with
127.0.0.1 on the operator's allow-list): the local API receives the secret in the header, and
the secret appears nowhere else: not in the run, its events, the pipeline, its export, the
database files or the logs; not even when the server echoes it back."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder.graph_doc import GraphDoc
from fomo.stack import Api, Stack, read_events, start_stack

pytestmark = [pytest.mark.integration]

SECRET = "tok-RUN-HTTP-SECRET-b71c4e09d2"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("fomo-http-cred"), extra_env={"FOMO_HTTP_ALLOW": "127.0.0.1"})
    try:
        yield started
    finally:
        started.stop()


def graph(credential_id: int, url: str) -> dict[str, Any]:
    g = GraphDoc()
    g.node("q", "input", {"name": "q", "type": "text"})
    g.node("call", "http.request", {"method": "POST", "url": url, "body": "{{ q }}", "response": "json",
                                    "auth_credential": str(credential_id), "auth_header": "X-Api-Key",
                                    "auth_scheme": ""})
    g.node("out", "output", {"name": "body"})
    g.edge("q", "value", "call", "q")
    g.edge("call", "body", "out", "value")
    return g.doc()


def stored_bytes(stack: Stack) -> bytes:
    root = Path(stack.env["FOMO_DATA_DIR"])
    files = [p for p in root.rglob("*") if p.is_file() and p.name != "encryption_keys"]
    files += list(stack.root.glob("*.log"))
    return b"".join(p.read_bytes() for p in files)


def test_the_worker_sends_the_secret_to_the_api_and_nowhere_else(stack: Stack, server) -> None:
    base, routes = server
    routes.set("/v1/echo", body='{"ok": true}', headers={"Content-Type": "application/json"})
    api: Api = stack.client("alice")
    ws = next(w["id"] for w in api.get("/api/workspaces").json() if w["personal"])
    made = api.post(f"/api/workspaces/{ws}/credentials",
                    {"provider": "http", "name": "echo", "secret": SECRET, "base_url": f"{base}/v1"})
    assert made.status_code == 201, made.text
    pipeline = api.create_pipeline(graph(made.json()["id"], f"{base}/v1/echo"))
    run = api.start_run(pipeline["id"], {"q": "hello"})
    with api.websocket(run["id"]) as ws_conn:
        events = read_events(ws_conn)
    detail = api.get(f"/api/runs/{run['id']}")
    assert detail.json()["status"] == "succeeded", detail.text
    assert detail.json()["outputs"] == {"body": {"ok": True}}
    assert [r["headers"].get("X-Api-Key") for r in routes.seen] == [SECRET]
    assert routes.seen[0]["body"] == "hello"

    export = api.get(f"/api/pipelines/{pipeline['id']}/export?versions=1")
    assert export.status_code == 200 and "http.request" in export.text
    texts = [detail.text, str(events), api.get(f"/api/runs/{run['id']}/events").text,
             api.get(f"/api/pipelines/{pipeline['id']}").text, export.text,
             api.get(f"/api/workspaces/{ws}/credentials").text]
    assert all(SECRET not in t for t in texts)
    assert SECRET.encode() not in stored_bytes(stack)


def test_a_server_that_reflects_the_secret_does_not_put_it_into_the_trace(stack: Stack, server) -> None:
    base, routes = server
    routes.reflect("/v1/echo")
    api: Api = stack.client("alice")
    ws = next(w["id"] for w in api.get("/api/workspaces").json() if w["personal"])
    made = api.post(f"/api/workspaces/{ws}/credentials",
                    {"provider": "http", "name": "reflector", "secret": SECRET + "-2", "base_url": f"{base}/v1"})
    assert made.status_code == 201, made.text
    pipeline = api.create_pipeline(graph(made.json()["id"], f"{base}/v1/echo"))
    run = api.start_run(pipeline["id"], {"q": "hello"})
    with api.websocket(run["id"]) as ws_conn:
        events = read_events(ws_conn)
    detail = api.get(f"/api/runs/{run['id']}")
    assert detail.json()["status"] == "succeeded", detail.text
    assert routes.seen[0]["headers"]["X-Api-Key"] == SECRET + "-2"  # the server got it, and echoed it
    echoed = detail.json()["outputs"]["body"]["headers"]["X-Api-Key"]
    assert echoed == "[redacted credential]"
    node = api.get(f"/api/runs/{run['id']}/nodes/call")
    texts = [detail.text, str(events), api.get(f"/api/runs/{run['id']}/events").text, node.text]
    assert all(SECRET not in t for t in texts)
    assert SECRET.encode() not in stored_bytes(stack)  # what viewers and share links read
