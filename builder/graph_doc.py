"""Build graph documents in code (demo pipelines, templates, tests, benchmarks)."""
from __future__ import annotations

from typing import Any


class GraphDoc:
    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []

    def node(self, node_id: str, type_: str, config: dict[str, Any] | None = None, *, label: str = "",
             map_port: str | None = None, concurrency: int = 8, x: float | None = None, y: float = 0,
             **extra: Any) -> str:
        n = len(self.nodes)
        self.nodes.append({
            "id": node_id, "type": type_, "label": label or node_id, "config": config or {},
            "position": {"x": x if x is not None else 260 * n, "y": y},
            "map": {"port": map_port, "concurrency": concurrency} if map_port else None,
            **extra,
        })
        return node_id

    def edge(self, source: str, source_port: str, target: str, target_port: str) -> None:
        self.edges.append({"id": f"e{len(self.edges) + 1}", "source": source, "source_port": source_port,
                           "target": target, "target_port": target_port})

    def doc(self) -> dict[str, Any]:
        return {"schema": 1, "nodes": self.nodes, "edges": self.edges}


def transcript_summary(latency_ms: int = 50, chunk_size: int = 400) -> dict[str, Any]:
    """input → split by tokens → LLM mapped over chunks → join → LLM → output (map/reduce)."""
    g = GraphDoc()
    g.node("transcript", "input", {"name": "transcript", "type": "text"}, x=0, y=0)
    g.node("split", "text.split", {"mode": "tokens", "chunk_size": chunk_size, "chunk_overlap": 40}, x=260)
    g.node("map_prompt", "prompt.template", {"template": "Summarize this part of a meeting:\n\n{{ chunk }}"},
           map_port="chunk", concurrency=16, x=520)
    g.node("summarize", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": latency_ms},
           map_port="prompt", concurrency=16, x=780)
    g.node("join", "text.join", {"separator": "\n"}, x=1040)
    g.node("reduce_prompt", "prompt.template",
           {"template": "Combine these partial summaries into one:\n\n{{ summaries }}"}, x=1300)
    g.node("reduce", "llm.chat", {"provider": "fake", "model": "fake-large", "latency_ms": latency_ms}, x=1560)
    g.node("summary", "output", {"name": "summary"}, x=1820)
    g.edge("transcript", "value", "split", "text")
    g.edge("split", "chunks", "map_prompt", "chunk")
    g.edge("map_prompt", "text", "summarize", "prompt")
    g.edge("summarize", "text", "join", "texts")
    g.edge("join", "text", "reduce_prompt", "summaries")
    g.edge("reduce_prompt", "text", "reduce", "prompt")
    g.edge("reduce", "text", "summary", "value")
    return g.doc()


def route_by_tier(latency_ms: int = 50) -> dict[str, Any]:
    """A router sends paid requests to a strong model and the rest to a cheap one; a merge
    takes whichever branch ran (the other is skipped)."""
    g = GraphDoc()
    g.node("request", "input", {"name": "request", "type": "json",
                                "description": '{"tier": "free" | "paid", "question": "..."}'}, x=0, y=120)
    g.node("router", "router", {"branches": [{"name": "paid", "op": "json_field", "field": "tier",
                                              "value": "paid"}], "default_branch": "free"}, x=260, y=120)
    g.node("cheap_prompt", "prompt.template", {"template": "Answer briefly: {{ req.question }}"}, x=520, y=0)
    g.node("strong_prompt", "prompt.template", {"template": "Think step by step: {{ req.question }}"},
           x=520, y=260)
    g.node("cheap", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": latency_ms},
           x=780, y=0)
    g.node("strong", "llm.chat", {"provider": "fake", "model": "fake-large", "latency_ms": latency_ms},
           x=780, y=260)
    g.node("merge", "merge", {}, x=1040, y=120)
    g.node("answer", "output", {"name": "answer"}, x=1300, y=120)
    g.edge("request", "value", "router", "value")
    g.edge("router", "free", "cheap_prompt", "req")
    g.edge("router", "paid", "strong_prompt", "req")
    g.edge("cheap_prompt", "text", "cheap", "prompt")
    g.edge("strong_prompt", "text", "strong", "prompt")
    g.edge("cheap", "text", "merge", "a")
    g.edge("strong", "text", "merge", "b")
    g.edge("merge", "value", "answer", "value")
    return g.doc()
