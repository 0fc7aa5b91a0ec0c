"""Collections are namespaced per workspace: one workspace cannot read, query or delete another's."""
from __future__ import annotations

import pytest

from builder.graph import validate
from builder.graph_doc import GraphDoc
from builder.vectors import VectorError

from .conftest import run_graph
from .graphs import ask, delete, ingest

TEXTS = ["alpha beta gamma", "delta epsilon zeta"]


def test_another_workspace_cannot_see_or_query_the_collection(services, other_services):
    run_graph(ingest(collection="secret-docs"), {"texts": TEXTS}, services)
    assert services.vectors().collections() == [{"name": "secret-docs", "count": 2}]
    assert other_services.vectors().collections() == []
    outcome, _ = run_graph(ask(collection="secret-docs"), {"question": "alpha"}, other_services)
    assert outcome.status == "failed" and outcome.node_errors["query"]["kind"] == "not_found"
    outcome, _ = run_graph(delete(collection="secret-docs"), {"ids": ["x"]}, other_services)
    assert outcome.node_errors["delete"]["kind"] == "not_found"
    assert services.vectors().count("secret-docs") == 2


def test_the_same_name_in_two_workspaces_is_two_collections(services, other_services):
    run_graph(ingest(), {"texts": TEXTS}, services)
    run_graph(ingest(), {"texts": TEXTS[:1]}, other_services)
    assert services.vectors().count("docs") == 2 and other_services.vectors().count("docs") == 1


@pytest.mark.parametrize("name", ["ws1__docs/../x", "a", "x" * 51, "with space", "-leading", "trailing_", "ws 2"])
def test_collection_names_that_could_escape_the_namespace_are_refused(services, name):
    with pytest.raises(VectorError) as err:
        services.vectors().physical(name)
    assert err.value.kind == "bad_name"
    g = GraphDoc()
    g.node("q", "vector.query", {"collection": name})
    _, errors = validate(g.doc())
    assert any(e.node == "q" and e.field == "collection" for e in errors)


def test_a_workspace_name_prefix_does_not_leak_into_another_workspace(chroma):
    from builder.vectors import VectorStore

    one, eleven = VectorStore(1, chroma), VectorStore(11, chroma)
    one.upsert("docs", ["a"], ["a"], [[1.0, 0.0]])
    assert eleven.collections() == [] and one.collections() == [{"name": "docs", "count": 1}]
    one.drop("docs")
