"""Random malformed documents against validation and the API never produce a 500."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from builder.graph_doc import transcript_summary

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def mutate(doc: dict, data: st.DataObject) -> object:
    doc = json.loads(json.dumps(doc))
    for _ in range(data.draw(st.integers(1, 4))):
        target = data.draw(st.sampled_from(["node", "edge", "root"]))
        nodes = [n for n in doc.get("nodes") or [] if isinstance(n, dict)] if isinstance(doc.get("nodes"), list) else []
        edges = [e for e in doc.get("edges") or [] if isinstance(e, dict)] if isinstance(doc.get("edges"), list) else []
        if target == "node" and nodes:
            node = data.draw(st.sampled_from(nodes))
            key = data.draw(st.sampled_from(["id", "type", "config", "map", "version", "retry"]))
            node[key] = data.draw(json_values)
        elif target == "edge" and edges:
            edge = data.draw(st.sampled_from(edges))
            edge[data.draw(st.sampled_from(["source", "target", "source_port", "target_port", "id"]))] = data.draw(
                json_values)
        else:
            doc[data.draw(st.sampled_from(["schema", "nodes", "edges"]))] = data.draw(json_values)
    return doc


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_graphs_never_cause_a_server_error(as_user, pipeline, data):
    client = as_user("alice")
    doc = data.draw(st.one_of(json_values, st.just(transcript_summary())))
    if isinstance(doc, dict) and "nodes" in doc:
        doc = mutate(doc, data)
    pipeline.refresh_from_db()
    for method, path, body in [
        ("post", f"/api/pipelines/{pipeline.pk}/validate", {"graph": doc}),
        ("put", f"/api/pipelines/{pipeline.pk}/draft", {"graph": doc, "base_revision": pipeline.revision}),
        ("post", f"/api/pipelines/{pipeline.pk}/runs", {"inputs": doc}),
        ("post", "/api/pipelines", {"name": "fuzz", "graph": doc}),
        ("post", "/api/node-types/ports", {"type": "router", "config": doc}),
    ]:
        resp = getattr(client, method)(path, body, format="json")
        assert resp.status_code < 500, (path, resp.content[:300])
        assert "Traceback" not in resp.content.decode()


@pytest.mark.django_db
def test_raw_garbage_bodies_get_a_clear_400(as_user, pipeline):
    client = as_user("alice")
    for raw in (b"{", b"[]", b'"x"', b"\xff\xfe", b'{"graph": 1e999}'):
        resp = client.generic("PUT", f"/api/pipelines/{pipeline.pk}/draft", raw, content_type="application/json")
        assert resp.status_code == 400, raw
        assert resp.json()["error"]["message"]
