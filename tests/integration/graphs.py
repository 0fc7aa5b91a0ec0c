"""Graph documents the integration tests run."""
from __future__ import annotations

from typing import Any

from builder.graph_doc import GraphDoc


def everything(latency_ms: int = 300) -> dict[str, Any]:
    """Two parallel LLM branches, a router with a skipped branch, a map over a split and a join."""
    g = GraphDoc()
    g.node("text", "input", {"name": "text", "type": "text"})
    g.node("kind", "input", {"name": "kind", "type": "text"})
    g.node("left", "llm.chat", {"model": "fake-small", "latency_ms": latency_ms})
    g.node("right", "llm.chat", {"model": "fake-large", "latency_ms": latency_ms})
    g.node("split", "text.split", {"mode": "characters", "chunk_size": 40, "chunk_overlap": 0,
                                   "separators": [" "]})
    g.node("upper", "prompt.template", {"template": "PART: {{ chunk | upper }}"}, map_port="chunk", concurrency=4)
    g.node("join", "text.join", {"separator": "|"})
    g.node("router", "router", {"branches": [{"name": "question", "op": "contains", "value": "?"}],
                                "default_branch": "statement"})
    g.node("q_prompt", "prompt.template", {"template": "Answer: {{ x }}"})
    g.node("s_prompt", "prompt.template", {"template": "Note: {{ x }}"})
    g.node("merge", "merge", {})
    for out in ("left_out", "right_out", "joined", "routed"):
        g.node(out, "output", {"name": out})
    g.edge("text", "value", "left", "prompt")
    g.edge("text", "value", "right", "prompt")
    g.edge("text", "value", "split", "text")
    g.edge("split", "chunks", "upper", "chunk")
    g.edge("upper", "text", "join", "texts")
    g.edge("kind", "value", "router", "value")
    g.edge("router", "question", "q_prompt", "x")
    g.edge("router", "statement", "s_prompt", "x")
    g.edge("q_prompt", "text", "merge", "a")
    g.edge("s_prompt", "text", "merge", "b")
    g.edge("left", "text", "left_out", "value")
    g.edge("right", "text", "right_out", "value")
    g.edge("join", "text", "joined", "value")
    g.edge("merge", "value", "routed", "value")
    return g.doc()


def llm_chain(n: int, latency_ms: int) -> dict[str, Any]:
    """input → n LLM calls in a row (each prompt names its step) → output."""
    g = GraphDoc()
    g.node("topic", "input", {"name": "topic", "type": "text"})
    prev = "topic"
    for i in range(1, n + 1):
        g.node(f"p{i}", "prompt.template", {"template": f"step {i}: {{{{ x }}}}"})
        g.node(f"llm{i}", "llm.chat", {"model": "fake-small", "latency_ms": latency_ms})
        g.edge(prev, "value" if prev == "topic" else "text", f"p{i}", "x")
        g.edge(f"p{i}", "text", f"llm{i}", "prompt")
        prev = f"llm{i}"
    g.node("out", "output", {"name": "result"})
    g.edge(prev, "text", "out", "value")
    return g.doc()
