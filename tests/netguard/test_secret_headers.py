"""A secret typed straight into an ``http.request`` header would travel in exports and share
links: saving (validating) such a graph is refused, naming the node and the header and pointing
to a stored credential instead. Ordinary headers still pass."""
from __future__ import annotations

import pytest

from builder.graph import validate
from builder.graph_doc import GraphDoc
from tests.api.conftest import as_user, users  # noqa: F401


def graph(headers: dict[str, str]) -> dict:
    g = GraphDoc()
    g.node("call", "http.request", {"url": "https://api.example.com/v1/items", "headers": headers})
    g.node("out", "output", {"name": "body"})
    g.edge("call", "body", "out", "value")
    return g.doc()


@pytest.mark.parametrize(("header", "value"), [
    ("Authorization", "Bearer 8f14e45fceea167a5a36dedd4bea2543"),
    ("authorization", "Basic dXNlcjpwYXNzd29yZA=="),
    ("X-Api-Key", "k3y-typed-in-by-hand"),
    ("Cookie", "session=0123456789abcdef"),
    ("Proxy-Authorization", "Basic Zm9vOmJhcg=="),
    ("X-Auth-Token", "whatever-it-is"),
    ("X-Whatever", "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX"),
    ("X-Whatever", "Bearer abcdefghijklmnop"),
    ("X-Gh", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
    ("X-Jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("X-Aws", "AKIAIOSFODNN7EXAMPLE"),
])
def test_a_header_that_looks_like_a_secret_is_refused_naming_the_node_and_header(header, value):
    plan, errors = validate(graph({header: value}))
    assert plan is None
    found = [e for e in errors if e.node == "call" and e.field == "headers"]
    assert found, errors
    assert header in found[0].message and "credential" in found[0].message
    assert value not in found[0].message  # the refusal does not repeat the secret


@pytest.mark.parametrize("headers", [
    {"Accept": "application/json", "Content-Type": "application/json"},
    {"X-Request-Id": "3f2b8c1e-9d4a-4b7e-8f60-2a1c5e9d7b31", "User-Agent": "fomo/1.0"},
    {"Authorization": ""},  # empty: nothing to leak
    {"X-Tenant": "acme"},
])
def test_ordinary_headers_still_pass(headers):
    plan, errors = validate(graph(headers))
    assert plan is not None, errors


@pytest.mark.django_db
def test_saving_a_pipeline_with_a_typed_secret_is_a_400_naming_node_and_header(as_user):  # noqa: F811
    resp = as_user("alice").post("/api/pipelines", {"name": "p", "graph": graph({"X-Api-Key": "k3y-typed-in"})},
                                 format="json")
    assert resp.status_code == 400, resp.content
    assert "k3y-typed-in" not in resp.content.decode()
    errors = resp.json()["error"]["details"]["errors"]
    assert any(e["node"] == "call" and "X-Api-Key" in e["message"] for e in errors)
