"""Builders for graph documents used by the graph tests."""
from __future__ import annotations

from typing import Any


def node(node_id: str, type_id: str, config: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type_id, "config": config or {}, "position": {"x": 0, "y": 0}, **extra}


def edge(edge_id: str, source: str, source_port: str, target: str, target_port: str) -> dict[str, Any]:
    return {"id": edge_id, "source": source, "source_port": source_port, "target": target, "target_port": target_port}


def doc(nodes: list[Any], edges: list[Any]) -> dict[str, Any]:
    return {"schema": 1, "nodes": nodes, "edges": edges}


def map_reduce() -> dict[str, Any]:
    """The transcript summary pipeline: split, summarize every chunk, summarize the summaries."""
    return doc(
        [
            node("in", "input", {"name": "transcript"}),
            node("split", "text.split", {"chunk_size": 1000, "chunk_overlap": 100}),
            node("tpl", "prompt.template", {"template": "Summarize:\n{{ chunk }}"}, map={"port": "chunk",
                                                                                    "concurrency": 4}),
            node("llm", "llm.chat", {}, map={"port": "prompt", "concurrency": 4}),
            node("join", "text.join"),
            node("final_tpl", "prompt.template", {"template": "Combine these summaries:\n{{ parts }}"}),
            node("final", "llm.chat", {"model": "fake-large"}, retry={"attempts": 3, "backoff_s": 1},
                 timeout_s=30),
            node("out", "output", {"name": "summary"}),
        ],
        [
            edge("e1", "in", "value", "split", "text"),
            edge("e2", "split", "chunks", "tpl", "chunk"),
            edge("e3", "tpl", "text", "llm", "prompt"),
            edge("e4", "llm", "text", "join", "texts"),
            edge("e5", "join", "text", "final_tpl", "parts"),
            edge("e6", "final_tpl", "text", "final", "prompt"),
            edge("e7", "final", "text", "out", "value"),
        ],
    )


def chain(n: int) -> dict[str, Any]:
    """An input, ``n - 2`` prompt templates in a chain with side branches, and an output."""
    nodes = [node("n0000", "input", {"name": "q"})]
    edges = []
    for i in range(1, n - 1):
        nodes.append(node(f"n{i:04d}", "prompt.template", {"template": "Step {{ prev }}"}))
        source = f"n{i - 1:04d}" if i % 7 else "n0000"
        edges.append(edge(f"e{i:04d}", source, "value" if source == "n0000" else "text", f"n{i:04d}", "prev"))
    nodes.append(node(f"n{n - 1:04d}", "output", {"name": "out"}))
    edges.append(edge("e_out", f"n{n - 2:04d}", "text", f"n{n - 1:04d}", "value"))
    return doc(nodes, edges)
