"""Chat through each SDK: plain, streamed, and the parameters that reach the wire."""
from __future__ import annotations

import json

import pytest

from builder.providers.base import ChatParams
from tests.providers.conftest import CHAT_PATH, CHAT_PROVIDERS

MESSAGES = [{"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": "what is the capital of France"}]


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_it_completes_without_streaming(name, make_chat, llm_stub):
    result = await make_chat(name).complete(MESSAGES, ChatParams(model="model-a"))

    assert result.text == "[model-a] France of capital the is what"
    assert result.finish_reason == "stop"
    assert result.usage.completion_tokens == 7
    assert result.usage.prompt_tokens > 0
    (req,) = llm_stub.requests
    assert req.path == CHAT_PATH[name] and not req.stream


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_it_streams_tokens_in_order_and_reports_usage(name, make_chat, llm_stub):
    llm_stub.token_delay_s = 0.002
    tokens: list[str] = []

    result = await make_chat(name).complete(MESSAGES, ChatParams(model="model-b"), tokens.append)

    assert tokens == ["[model-b] ", "France ", "of ", "capital ", "the ", "is ", "what"]
    assert result.text == "".join(tokens)
    assert result.usage.completion_tokens == len(tokens)
    assert result.usage.prompt_tokens > 0
    assert result.finish_reason == "stop"
    assert llm_stub.requests[0].stream


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_answers_differ_by_model(name, make_chat):
    chat = make_chat(name)
    a = await chat.complete(MESSAGES, ChatParams(model="small"))
    b = await chat.complete(MESSAGES, ChatParams(model="large"))
    assert a.text != b.text


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_it_sends_sampling_parameters_and_honours_max_tokens(name, make_chat, llm_stub):
    params = ChatParams(model="m", temperature=0.25, max_tokens=3, stop=["zzz"], seed=7)

    result = await make_chat(name).complete(MESSAGES, params, lambda _: None)

    body = llm_stub.requests[0].body
    assert body["temperature"] == 0.25
    assert body.get("max_tokens", body.get("max_completion_tokens")) == 3
    assert body.get("stop", body.get("stop_sequences")) == ["zzz"]
    if name != "anthropic":  # Anthropic has no seed
        assert body["seed"] == 7
    assert result.finish_reason == "length"
    assert result.usage.completion_tokens == 3


@pytest.mark.asyncio
async def test_anthropic_gets_the_system_prompt_apart_from_the_turns(make_chat, llm_stub):
    await make_chat("anthropic").complete(MESSAGES, ChatParams(model="claude"))

    body = llm_stub.requests[0].body
    assert body["system"] == "Answer briefly."
    assert [m["role"] for m in body["messages"]] == ["user"]


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["openai", "openai_compatible"])
async def test_openai_asks_for_json_and_for_usage_in_the_stream(name, make_chat, llm_stub):
    result = await make_chat(name).complete(MESSAGES, ChatParams(model="m", response_format="json"), lambda _: None)

    body = llm_stub.requests[0].body
    assert body["response_format"] == {"type": "json_object"}
    assert body["stream_options"] == {"include_usage": True}
    assert json.loads(result.text)["answer"].startswith("[m]")


@pytest.mark.asyncio
async def test_openai_compatible_works_without_a_key(llm_stub):
    from builder.providers import registry

    chat = registry.make_chat("openai_compatible", base_url=llm_stub.openai_base_url)
    result = await chat.complete(MESSAGES, ChatParams(model="llama-3-local"))
    await chat.aclose()
    assert result.text.startswith("[llama-3-local]")


def test_openai_compatible_needs_a_base_url():
    from builder.providers import registry

    with pytest.raises(ValueError, match="base_url"):
        registry.make_chat("openai_compatible")
