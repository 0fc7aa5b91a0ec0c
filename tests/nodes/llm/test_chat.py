from __future__ import annotations

import pytest

from builder.nodes.base import NodeError
from builder.providers.base import ChatResult, ProviderError, Usage
from tests.nodes.kit import FakeContext, FakeServices


def test_it_answers_a_prompt_with_the_fake_provider_and_streams_tokens(run):
    ctx = FakeContext()
    out = run("llm.chat", {}, {"prompt": "Summarize the meeting about budgets"}, ctx=ctx)
    assert out["text"].startswith("Summary of: Summarize the meeting")
    assert "".join(ctx.tokens) == out["text"]
    assert out["usage"]["model"] == "fake-small"
    assert out["usage"]["prompt_tokens"] > 0 and out["usage"]["completion_tokens"] > 0
    assert ctx.services.requests == [("fake", None, None)]


def test_it_reports_usage_with_the_price_table_cost(run):
    ctx = FakeContext()
    out = run("llm.chat", {"model": "fake-large"}, {"prompt": "hello"}, ctx=ctx)
    [usage] = ctx.usages
    expected = (usage["prompt_tokens"] * 1.00 + usage["completion_tokens"] * 2.00) / 1_000_000
    assert usage["model"] == "fake-large"
    assert usage["cost"] == pytest.approx(expected)
    assert out["usage"]["cost"] == usage["cost"]


def test_it_sends_the_system_message_then_messages_then_the_prompt():
    seen = {}

    class Recorder:
        async def complete(self, messages, params, on_token=None, on_retry=None):
            seen["messages"], seen["params"] = messages, params
            return ChatResult(text="ok", usage=Usage(1, 1), finish_reason="stop", model=params.model)

    class Services(FakeServices):
        async def chat(self, provider, credential=None, base_url=None):
            await super().chat("fake", credential, base_url)
            return Recorder()

    ctx = FakeContext(services=Services())
    import asyncio

    from builder.nodes.catalog import registry

    spec = registry.get("llm.chat")
    config = spec.parse_config({"provider": "openai", "model": "gpt-4o-mini", "credential": "cred-1",
                                "system": "Be brief.", "temperature": 0.2, "max_tokens": 50, "stop": ["END"],
                                "seed": 7, "json_mode": True, "latency_ms": 500})
    asyncio.run(spec.run(ctx, config, {"messages": [{"role": "user", "content": "hi"}], "prompt": "and?"}))
    assert [m["role"] for m in seen["messages"]] == ["system", "user", "user"]
    params = seen["params"]
    assert (params.model, params.temperature, params.max_tokens, params.stop, params.seed, params.response_format) \
        == ("gpt-4o-mini", 0.2, 50, ["END"], 7, "json")
    assert params.extra == {}  # latency is a fake-provider setting only
    assert ctx.services.requests == [("fake", "cred-1", None)]


def test_it_needs_a_prompt_or_messages(run):
    with pytest.raises(NodeError) as caught:
        run("llm.chat", {}, {})
    assert caught.value.kind == "bad_input"


def test_it_rejects_malformed_messages(run):
    with pytest.raises(NodeError) as caught:
        run("llm.chat", {}, {"messages": [{"role": "user"}]})
    assert caught.value.kind == "bad_input" and caught.value.field == "messages"


def test_a_provider_error_becomes_a_node_error_of_the_same_kind(run):
    with pytest.raises(NodeError) as caught:
        run("llm.chat", {}, {"prompt": "x [[fake:fail:rate_limit]]"})
    assert (caught.value.kind, caught.value.retryable) == ("rate_limit", True)
    assert isinstance(caught.value.__cause__, ProviderError)


@pytest.mark.parametrize("config, field", [
    ({"provider": "nope"}, "provider"),
    ({"provider": "local"}, "provider"),
    ({"temperature": 3}, "temperature"),
    ({"max_tokens": 0}, "max_tokens"),
    ({"model": ""}, "model"),
    ({"base_url": "ftp://x"}, "base_url"),
    ({"latency_ms": -1}, "latency_ms"),
    ({"api_key": "sk-secret"}, "api_key"),
])
def test_it_rejects_bad_config_by_field(config_errors, config, field):
    assert field in config_errors("llm.chat", config)
