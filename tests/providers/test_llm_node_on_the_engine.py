"""The llm.chat node on the engine with a real SDK: a stream cut midway is retried, and the
tokens the failed attempt streamed are voided in the trace, never kept as a short answer."""
from __future__ import annotations

from typing import Any

import pytest

from builder.graph import validate
from builder.graph_doc import GraphDoc
from builder.nodes.services import NoServices
from builder.providers import registry
from runs.engine import Engine, ListSink


class StubServices(NoServices):
    def __init__(self, base_url: str):
        self.base_url = base_url

    async def chat(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        return registry.make_chat(provider, api_key="sk-test", base_url=self.base_url)


@pytest.mark.asyncio
async def test_a_cut_stream_voids_its_tokens_and_the_retry_gives_the_whole_answer(llm_stub):
    g = GraphDoc()
    g.node("q", "text.constant", {"text": "one two three four five six"})
    g.node("llm", "llm.chat", {"provider": "openai_compatible", "model": "stub-model"})
    g.node("out", "output", {"name": "answer"})
    g.edge("q", "text", "llm", "prompt")
    g.edge("llm", "text", "out", "value")
    plan, errors = validate(g.doc())
    assert not errors
    llm_stub.token_delay_s = 0.04
    llm_stub.faults.push(cut_after=3)
    sink = ListSink()
    outcome = await Engine(plan, sink, run_id="r1", services=StubServices(llm_stub.openai_base_url)).run()
    assert outcome.status == "succeeded"
    tokens = [e.payload for e in sink.events if e.type == "node.token"]
    voids = [i for i, p in enumerate(tokens) if p.get("void")]
    assert voids, "the cut attempt's tokens were not voided"
    kept = "".join(p["text"] for p in tokens[voids[-1] + 1:])
    assert kept == outcome.outputs["answer"]
    assert outcome.outputs["answer"] == "[stub-model] six five four three two one"
    assert len(llm_stub.requests) == 2
