"""What changed between two graph documents: nodes added, removed and changed (with the
field paths that differ) and edges added and removed."""
from __future__ import annotations

from typing import Any


def _paths(a: Any, b: Any, prefix: str) -> list[str]:
    """Dotted paths where ``a`` and ``b`` differ; lists compare as whole values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b), key=str):
            out.extend(_paths(a.get(key), b.get(key), f"{prefix}.{key}" if prefix else str(key)))
        return out
    return [] if a == b else [prefix]


def _nodes(graph: Any) -> dict[str, dict[str, Any]]:
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    return {str(n["id"]): n for n in nodes or [] if isinstance(n, dict) and "id" in n}


def _edge_key(e: dict[str, Any]) -> tuple[str, str, str, str]:
    return (str(e.get("source")), str(e.get("source_port")), str(e.get("target")), str(e.get("target_port")))


def _edges(graph: Any) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    edges = graph.get("edges") if isinstance(graph, dict) else None
    return {_edge_key(e): e for e in edges or [] if isinstance(e, dict)}


def _edge_out(e: dict[str, Any]) -> dict[str, Any]:
    return {k: e.get(k) for k in ("id", "source", "source_port", "target", "target_port")}


def compare(a: Any, b: Any) -> dict[str, Any]:
    """``b`` relative to ``a``. Edges are matched by their endpoints, not their ids. Moving a
    node on the canvas is a change of its ``position`` only, reported apart as ``moved``."""
    na, nb = _nodes(a), _nodes(b)
    changed, moved = [], []
    for node_id in sorted(set(na) & set(nb)):
        paths = _paths({k: v for k, v in na[node_id].items() if k != "position"},
                       {k: v for k, v in nb[node_id].items() if k != "position"}, "")
        if paths:
            changed.append({"id": node_id, "type": nb[node_id].get("type"), "fields": paths})
        elif na[node_id].get("position") != nb[node_id].get("position"):
            moved.append(node_id)
    ea, eb = _edges(a), _edges(b)
    return {
        "nodes": {
            "added": [{"id": i, "type": nb[i].get("type"), "label": nb[i].get("label")}
                      for i in sorted(set(nb) - set(na))],
            "removed": [{"id": i, "type": na[i].get("type"), "label": na[i].get("label")}
                        for i in sorted(set(na) - set(nb))],
            "changed": changed,
            "moved": moved,
        },
        "edges": {
            "added": [_edge_out(eb[k]) for k in sorted(set(eb) - set(ea))],
            "removed": [_edge_out(ea[k]) for k in sorted(set(ea) - set(eb))],
        },
    }
