"""Importing follows the same rule as saving: a document with a secret typed into an
``http.request`` header is refused (400, naming the node and the header) and nothing is stored,
whether the secret is in the pipeline's graph or in one of its versions."""
from __future__ import annotations

import pytest

from builder.graph_doc import GraphDoc
from builder.models import Pipeline, PipelineVersion

TYPED = "k3y-typed-in-by-hand"


def graph(headers: dict[str, str]) -> dict:
    g = GraphDoc()
    g.node("call", "http.request", {"url": "https://api.example.com/v1/items", "headers": headers})
    g.node("out", "output", {"name": "body"})
    g.edge("call", "body", "out", "value")
    return g.doc()


def export(pipeline_graph: dict, version_graphs: list[dict] = ()) -> dict:
    return {"fomo_export": 1, "pipeline": {"name": "imported", "graph": pipeline_graph},
            "versions": [{"number": i + 1, "message": "", "graph": g} for i, g in enumerate(version_graphs)]}


@pytest.mark.parametrize("where, doc", [
    ("pipeline.graph", export(graph({"X-Api-Key": TYPED}))),
    ("versions[1].graph", export(graph({}), [graph({}), graph({"X-Api-Key": TYPED})])),
])
def test_an_import_with_a_secret_typed_into_a_header_is_refused_and_stores_nothing(as_user, workspace, where, doc):
    pipelines, versions = Pipeline.objects.count(), PipelineVersion.objects.count()
    resp = as_user("alice").post(f"/api/workspaces/{workspace.pk}/import", doc, format="json")
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert error["message"].startswith(where) and "X-Api-Key" in error["message"], error
    assert any(e["node"] == "call" and e["field"] == "headers" for e in error["details"]["errors"])
    assert TYPED not in resp.content.decode()
    assert (Pipeline.objects.count(), PipelineVersion.objects.count()) == (pipelines, versions)


def test_an_import_with_ordinary_headers_is_stored(as_user, workspace):
    doc = export(graph({"Accept": "application/json"}), [graph({"X-Tenant": "acme"})])
    resp = as_user("alice").post(f"/api/workspaces/{workspace.pk}/import", doc, format="json")
    assert resp.status_code == 201, resp.content
    assert PipelineVersion.objects.filter(pipeline_id=resp.json()["id"]).count() == 1
