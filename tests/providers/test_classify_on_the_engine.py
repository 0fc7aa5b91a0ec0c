"""router.classify on the engine, asking each real SDK over HTTP (the stub answers with the
user's words reversed, so the value itself decides which category the answer names)."""
from __future__ import annotations

from typing import Any

import pytest

from builder.graph import validate
from builder.graph_doc import GraphDoc
from builder.nodes.services import NoServices
from builder.providers import registry
from runs.engine import Engine, ListSink
from tests.providers.conftest import CHAT_PATH, CHAT_PROVIDERS, base_url_for


class StubServices(NoServices):
    def __init__(self, provider: str, base_url: str):
        self.provider, self.base_url = provider, base_url

    async def chat(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        assert provider == self.provider
        return registry.make_chat(provider, api_key="sk-test", base_url=self.base_url, backoff_base_s=0.01)


def triage(provider: str) -> dict[str, Any]:
    g = GraphDoc()
    g.node("ticket", "input", {"name": "ticket", "type": "text"})
    g.node("triage", "router.classify", {
        "provider": provider, "model": "stub-model",
        "categories": [{"name": "refund", "description": "The customer wants money back."},
                       {"name": "delivery", "description": "Where a parcel is, or when it comes."}],
        "default_branch": "human", "instructions": "Angry customers are still classified by topic."})
    for branch in ("refund", "delivery", "human"):
        g.node(f"to_{branch}", "prompt.template", {"template": f"{branch}: {{{{ ticket }}}}"})
        g.edge("triage", branch, f"to_{branch}", "ticket")
        g.node(f"out_{branch}", "output", {"name": branch})
        g.edge(f"to_{branch}", "text", f"out_{branch}", "value")
    g.node("label", "output", {"name": "label"})
    g.edge("ticket", "value", "triage", "value")
    g.edge("triage", "label", "label", "value")
    return g.doc()


async def run(provider: str, stub: Any, ticket: str) -> tuple[Any, ListSink]:
    plan, errors = validate(triage(provider))
    assert not errors, errors
    sink = ListSink()
    services = StubServices(provider, base_url_for(provider, stub))
    outcome = await Engine(plan, sink, run_id="r1", run_inputs={"ticket": ticket}, services=services).run()
    return outcome, sink


@pytest.mark.asyncio
@pytest.mark.parametrize("provider", CHAT_PROVIDERS)
async def test_the_category_the_model_names_gets_the_value_and_the_others_are_skipped(provider, llm_stub):
    outcome, sink = await run(provider, llm_stub, "I want a Refund for order 7")

    assert outcome.status == "succeeded", outcome.node_errors
    assert outcome.outputs == {"refund": "refund: I want a Refund for order 7", "label": "refund"}
    skipped = {e.node_id for e in sink.events if e.type == "node.skipped"}
    assert {"to_delivery", "to_human", "out_delivery", "out_human"} <= skipped
    (request,) = llm_stub.requests_to(CHAT_PATH[provider])
    sent = str(request.body)
    assert "- delivery: Where a parcel is, or when it comes." in sent and "Angry customers" in sent
    finished = [e for e in sink.events if e.type == "node.finished" and e.node_id == "triage"]
    assert finished[0].payload["usage"]["prompt_tokens"] > 0


@pytest.mark.asyncio
async def test_an_answer_naming_no_category_takes_the_default_branch(llm_stub):
    outcome, _ = await run("openai", llm_stub, "where is my parcel?")

    assert outcome.status == "succeeded", outcome.node_errors
    assert outcome.outputs == {"human": "human: where is my parcel?", "label": "human"}


@pytest.mark.asyncio
async def test_a_provider_error_fails_the_node_with_its_kind_after_bounded_retries(llm_stub):
    llm_stub.faults.push(status=401, body={"error": {"message": "bad key"}})
    outcome, _ = await run("openai", llm_stub, "refund please")

    assert outcome.status == "failed"
    assert outcome.node_errors["triage"]["kind"] == "auth"
    assert len(llm_stub.requests_to("/v1/chat/completions")) == 1  # a 401 is never retried
