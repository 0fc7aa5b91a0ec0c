"""document.load through a real worker: a workspace's uploaded document reaches the run; another
workspace's document id fails the step as not found."""
from __future__ import annotations

from typing import Any

import pytest

from builder.graph_doc import GraphDoc
from fomo.stack import Api, Stack, read_events

pytestmark = [pytest.mark.integration]


def personal(api: Api) -> int:
    return next(w["id"] for w in api.get("/api/workspaces").json() if w["personal"])


def load_graph(document_id: int) -> dict[str, Any]:
    g = GraphDoc()
    g.node("doc", "document.load", {"document": document_id})
    g.node("out", "output", {"name": "text"})
    g.edge("doc", "text", "out", "value")
    return g.doc()


def run_to_end(api: Api, graph: dict[str, Any]) -> dict[str, Any]:
    run = api.start_run(api.create_pipeline(graph)["id"], {})
    with api.websocket(run["id"]) as ws:
        read_events(ws)
    return api.get(f"/api/runs/{run['id']}").json()


def test_a_run_loads_its_workspaces_document_and_not_anothers(live_stack: Stack):
    alice, bob = live_stack.client("alice"), live_stack.client("bob")
    files = {"file": ("notes.md", b"# Otters\n\nThey hold hands while sleeping.", "text/markdown")}
    resp = alice.post(f"/api/workspaces/{personal(alice)}/documents", files=files)  # multipart over real HTTP
    assert resp.status_code == 201, resp.text
    doc_id = resp.json()["id"]

    mine = run_to_end(alice, load_graph(doc_id))
    assert mine["status"] == "succeeded" and "hold hands" in mine["outputs"]["text"]

    theirs = run_to_end(bob, load_graph(doc_id))
    assert theirs["status"] == "failed"
    node = next(n for n in theirs["nodes"] if n["node_id"] == "doc")
    assert node["error"]["kind"] == "not_found" and "hold hands" not in str(theirs)
