"""What the canvas is told about the node catalog: the node types, port types and providers
(``GET /api/node-types``, and the share page's boot data), and the ports of a graph's nodes whose
ports depend on their config (``POST /api/node-types/ports``, the share page)."""
from __future__ import annotations

from typing import Any

from builder.graph import ports_for
from builder.graph_types import GraphError
from builder.nodes.base import BASE_TYPES
from builder.nodes.catalog import registry
from builder.providers.registry import PROVIDERS


def describe_providers() -> list[dict[str, Any]]:
    return [{"name": p.name, "title": p.title, "chat": p.chat, "embeddings": p.embeddings,
             "free_model": p.free_model, "chat_models": list(p.chat_models),
             "embedding_models": list(p.embedding_models)} for p in PROVIDERS.values()]


def catalog(*, providers: bool = True) -> dict[str, Any]:
    """The palette; without the providers' list when ``providers`` is false (a share page's
    visitor configures nothing)."""
    return {"node_types": registry.describe(), "port_types": sorted(BASE_TYPES),
            "providers": describe_providers() if providers else []}


def node_ports(type_: str, version: int | None, config: dict[str, Any]) -> tuple[dict[str, Any], list[GraphError]]:
    """``({"inputs", "outputs"}, [])`` for one node, or ``({}, errors)`` when its config is wrong."""
    inputs, outputs, errors = ports_for(type_, version, config, registry)
    if errors:
        return {}, errors
    return {"inputs": [p.describe() for p in inputs], "outputs": [p.describe() for p in outputs]}, []


def dynamic_ports(graph: Any) -> dict[str, dict[str, Any]]:
    """The ports of every known node of ``graph`` whose ports depend on its config, by node id
    (nodes whose config is wrong are left out)."""
    ports: dict[str, dict[str, Any]] = {}
    for node in graph.get("nodes", []) if isinstance(graph, dict) else []:
        known = isinstance(node, dict) and isinstance(node.get("type"), str) and registry.has(node["type"])
        if known and registry.get(node["type"]).dynamic_ports:
            found, errors = node_ports(node["type"], node.get("version"), node.get("config") or {})
            if not errors:
                ports[str(node["id"])] = found
    return ports
