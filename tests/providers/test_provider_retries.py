"""The retry policy around real SDK calls: Retry-After, bounded attempts, timeouts, cut
streams and credentials, observed at the stub."""
from __future__ import annotations

import logging
import time

import pytest

from builder.providers.base import ChatParams, ProviderError
from tests.providers.conftest import CHAT_PATH, SECRET

# One per SDK: openai_compatible runs the same code as openai.
CHAT_PROVIDERS = ["openai", "cohere", "anthropic"]
EMBED_PROVIDERS = ["openai", "cohere"]

MESSAGES = [{"role": "user", "content": "one two three four five"}]
FULL_REPLY = "[m] five four three two one"


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_a_429_with_retry_after_waits_at_least_that_long(name, make_chat, llm_stub):
    llm_stub.faults.push(status=429, retry_after="1")
    seen: list[ProviderError] = []

    started = time.monotonic()
    result = await make_chat(name).complete(MESSAGES, ChatParams(model="m"), on_retry=lambda n, e: seen.append(e))

    first, second = llm_stub.requests
    assert second.start - first.start >= 1.0
    assert time.monotonic() - started >= 1.0
    assert result.text == FULL_REPLY
    assert [e.kind for e in seen] == ["rate_limit"] and seen[0].retry_after == 1.0


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_a_retry_after_beyond_the_cap_fails_at_once(name, make_chat, llm_stub):
    llm_stub.faults.push(status=429, retry_after="120")

    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        await make_chat(name, retry_after_cap_s=30).complete(MESSAGES, ChatParams(model="m"))

    assert time.monotonic() - started < 5.0  # far from the 120 s asked for
    assert len(llm_stub.requests) == 1
    assert "asked to wait 120 s" in caught.value.message and "over the cap" in caught.value.message
    assert caught.value.kind == "rate_limit" and not caught.value.retryable


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_a_burst_of_server_errors_is_retried_a_bounded_number_of_times(name, make_chat, llm_stub):
    llm_stub.faults.push(status=500, times=10)

    with pytest.raises(ProviderError) as caught:
        await make_chat(name, max_attempts=4).complete(MESSAGES, ChatParams(model="m"), lambda _: None)

    assert len(llm_stub.requests_to(CHAT_PATH[name])) == 4
    assert caught.value.kind == "server" and caught.value.status == 500
    assert caught.value.attempts == 4


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_a_few_server_errors_then_success(name, make_chat, llm_stub):
    llm_stub.faults.push(status=503, times=2)

    result = await make_chat(name).complete(MESSAGES, ChatParams(model="m"))

    assert result.text == FULL_REPLY
    assert len(llm_stub.requests) == 3


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
@pytest.mark.parametrize("stream", [False, True])
async def test_a_hung_server_times_out(name, stream, make_chat, llm_stub):
    llm_stub.faults.push(hang_s=5)

    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        await make_chat(name, max_attempts=1).complete(MESSAGES, ChatParams(model="m", timeout_s=0.3),
                                                       (lambda _: None) if stream else None)

    assert caught.value.kind == "timeout" and caught.value.retryable
    assert time.monotonic() - started < 4.0  # the server would have hung for 5 s


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
@pytest.mark.parametrize("how", ["cut_after", "truncate_after"])
async def test_a_cut_stream_is_a_failed_attempt_then_the_retry_succeeds(name, how, make_chat, llm_stub):
    llm_stub.faults.push(**{how: 3})
    tokens: list[str] = []
    voided: list[tuple[int, str, int]] = []

    def on_retry(attempt: int, err: ProviderError) -> None:
        voided.append((attempt, err.kind, len(tokens)))
        tokens.clear()  # what a caller does: the partial answer is void

    result = await make_chat(name).complete(MESSAGES, ChatParams(model="m"), tokens.append, on_retry=on_retry)

    assert voided == [(1, "stream_cut", 3)]
    assert result.text == FULL_REPLY == "".join(tokens)
    assert len(llm_stub.requests) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
@pytest.mark.parametrize("how", ["cut_after", "truncate_after"])
async def test_a_stream_cut_on_every_attempt_is_an_error_never_a_short_answer(name, how, make_chat, llm_stub):
    llm_stub.faults.push(**{how: 2}, times=3)

    with pytest.raises(ProviderError) as caught:
        await make_chat(name, max_attempts=3).complete(MESSAGES, ChatParams(model="m"), lambda _: None)

    assert caught.value.kind == "stream_cut"
    assert caught.value.attempts == 3
    assert len(llm_stub.requests) == 3


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
@pytest.mark.parametrize("status", [401, 403])
async def test_bad_credentials_are_not_retried_and_never_shown(name, status, make_chat, llm_stub, caplog):
    caplog.set_level(logging.DEBUG)
    llm_stub.faults.push(status=status, body={"error": {"message": f"Incorrect API key provided: {SECRET}"},
                                              "message": f"invalid api token {SECRET}"})

    with pytest.raises(ProviderError) as caught:
        await make_chat(name).complete(MESSAGES, ChatParams(model="m"))

    err = caught.value
    assert err.kind == "auth" and not err.retryable and err.status == status
    assert f"authentication failed (HTTP {status}): check the credential" in err.message
    assert len(llm_stub.requests) == 1
    assert SECRET not in str(err) and SECRET not in repr(err.args)
    assert SECRET not in caplog.text
    assert err.__cause__ is None and err.__suppress_context__


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_other_client_errors_are_not_retried(name, make_chat, llm_stub):
    echoed = f"bad model for key {SECRET}"
    llm_stub.faults.push(status=400, body={"error": {"message": echoed}, "message": echoed})

    with pytest.raises(ProviderError) as caught:
        await make_chat(name).complete(MESSAGES, ChatParams(model="m"))

    assert caught.value.kind == "bad_request" and not caught.value.retryable
    # The stub is at an internal address: its words are withheld (tests/netguard/test_provider_guard.py).
    assert "bad model" not in caught.value.message and SECRET not in caught.value.message
    assert len(llm_stub.requests) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("name", EMBED_PROVIDERS)
async def test_embeddings_go_through_the_same_policy(name, make_embedder, llm_stub):
    embedder = make_embedder(name)

    llm_stub.faults.push(status=502)
    result = await embedder.embed(["a"], "emb")
    llm_stub.faults.push(status=401)
    with pytest.raises(ProviderError) as caught:
        await embedder.embed(["a"], "emb")

    assert len(result.vectors) == 1
    assert caught.value.kind == "auth"
    assert len(llm_stub.requests) == 3


@pytest.mark.asyncio
async def test_the_server_being_down_is_a_connection_error(llm_stub, monkeypatch):
    from builder.providers import registry
    from tests.stubs.llm_stub import LLMStub

    with LLMStub() as gone:
        url = gone.openai_base_url
        monkeypatch.setenv("FOMO_HTTP_ALLOW", gone.allow_entry)
    chat = registry.make_chat("openai_compatible", base_url=url, max_attempts=2, backoff_base_s=0.01)

    with pytest.raises(ProviderError) as caught:
        await chat.complete(MESSAGES, ChatParams(model="m", timeout_s=2))
    await chat.aclose()

    assert caught.value.kind == "connection" and caught.value.attempts == 2
