"""Small graphs with vector nodes."""
from __future__ import annotations

from typing import Any

from builder.graph_doc import GraphDoc


def ingest(collection: str = "docs", provider: str = "fake", with_metadata: bool = False,
           model: str = "") -> dict[str, Any]:
    """texts (+ metadatas) → embed → vector.upsert."""
    g = GraphDoc()
    g.node("texts", "input", {"name": "texts", "type": "list[text]"})
    g.node("embed", "embed", {"provider": provider, "model": model})
    g.node("upsert", "vector.upsert", {"collection": collection})
    g.edge("texts", "value", "embed", "texts")
    g.edge("texts", "value", "upsert", "texts")
    g.edge("embed", "embeddings", "upsert", "embeddings")
    if with_metadata:
        g.node("metas", "input", {"name": "metadatas", "type": "json"})
        g.edge("metas", "value", "upsert", "metadatas")
    g.node("count", "output", {"name": "count"})
    g.edge("upsert", "count", "count", "value")
    return g.doc()


def ask(collection: str = "docs", provider: str = "fake", k: int = 2,
        where: dict[str, Any] | None = None, model: str = "") -> dict[str, Any]:
    """question → embed (search_query) → vector.query → outputs."""
    g = GraphDoc()
    g.node("question", "input", {"name": "question", "type": "text"})
    g.node("embed", "embed", {"provider": provider, "input_type": "search_query", "model": model})
    g.node("query", "vector.query", {"collection": collection, "k": k, "where": where})
    g.edge("question", "value", "embed", "text")
    g.edge("embed", "embedding", "query", "embedding")
    for port in ("documents", "matches", "context"):
        g.node(port, "output", {"name": port})
        g.edge("query", port, port, "value")
    return g.doc()


def delete(collection: str = "docs", where: dict[str, Any] | None = None, with_ids: bool = True) -> dict[str, Any]:
    g = GraphDoc()
    if with_ids:
        g.node("ids", "input", {"name": "ids", "type": "list[text]"})
    g.node("delete", "vector.delete", {"collection": collection, "where": where})
    if with_ids:
        g.edge("ids", "value", "delete", "ids")
    g.node("count", "output", {"name": "count"})
    g.edge("delete", "count", "count", "value")
    return g.doc()
