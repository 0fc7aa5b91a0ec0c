from __future__ import annotations

import asyncio
import json
import math
import time

import pytest

from builder.providers.base import ChatParams, ProviderError
from builder.providers.fake import FakeChat, FakeEmbed, reply_for
from builder.providers.registry import make_chat, make_embedder


def complete(messages, **params):
    tokens: list[str] = []
    result = asyncio.run(FakeChat().complete(messages, ChatParams(**{"model": "fake-small", **params}), tokens.append))
    return result, tokens


def user(text):
    return [{"role": "user", "content": text}]


def test_it_is_reachable_through_the_provider_registry():
    assert isinstance(make_chat("fake"), FakeChat)
    assert isinstance(make_embedder("fake"), FakeEmbed)


def test_it_answers_deterministically_and_streams_word_by_word():
    first, streamed = complete(user("Please summarize the quarterly planning meeting notes"))
    second, _ = complete(user("Please summarize the quarterly planning meeting notes"))
    assert first.text == second.text
    assert first.text.startswith("Summary of: Please summarize the quarterly")
    assert "".join(streamed) == first.text
    assert len(streamed) == len(first.text.split())
    assert first.finish_reason == "stop"


def test_it_gives_different_models_different_answers():
    small = reply_for("fake-small", user("a text about budgets"))
    large = reply_for("fake-large", user("a text about budgets"))
    assert small != large
    assert len(large) > len(small)


def test_it_gives_different_prompts_different_answers():
    answers = {reply_for("fake-small", user(f"topic number {i}")) for i in range(20)}
    assert len(answers) == 20


def test_it_counts_usage_with_tiktoken():
    result, _ = complete([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello world"}])
    assert result.usage.prompt_tokens == 2 + 2
    assert result.usage.completion_tokens > 3


def test_it_honours_max_tokens_and_stop():
    result, _ = complete(user("one two three four five six seven eight nine ten"), max_tokens=3)
    assert result.finish_reason == "length"
    assert result.usage.completion_tokens == 3
    result, _ = complete(user("one two three"), stop=["two"])
    assert result.text == "Summary of: one "


def test_it_answers_json_in_json_mode():
    result, _ = complete(user("return json"), response_format="json")
    assert json.loads(result.text)["model"] == "fake-small"


def test_it_spreads_latency_over_the_stream():
    started = time.monotonic()
    complete(user("slow answer please"), extra={"latency_ms": 200})
    assert 0.18 <= time.monotonic() - started < 1.5


def test_it_never_sleeps_when_latency_is_zero(monkeypatch):
    async def forbidden(*args, **kwargs):
        raise AssertionError("slept")

    monkeypatch.setattr(asyncio, "sleep", forbidden)
    result, _ = complete(user("fast"))
    assert result.text


def test_it_logs_each_call_to_the_call_log(tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FOMO_FAKE_CALL_LOG", str(log))
    complete(user("first"))
    complete([{"role": "user", "content": "second"}, {"role": "assistant", "content": "ok"}])
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["last_user"] for line in lines] == ["first", "second"]
    assert all(set(line) == {"model", "last_user", "pid", "ts"} for line in lines)


def test_it_fails_on_request_with_the_named_kind():
    with pytest.raises(ProviderError) as caught:
        complete(user("boom [[fake:fail:rate_limit]]"))
    assert caught.value.kind == "rate_limit" and caught.value.retryable
    with pytest.raises(ProviderError) as caught:
        complete(user("boom [[fake:fail:auth]]"))
    assert caught.value.kind == "auth" and not caught.value.retryable


def test_it_fails_only_the_first_n_times_when_asked():
    prompt = user("flaky [[fake:fail_times:2:server]] unique-7f3a")
    for _ in range(2):
        with pytest.raises(ProviderError):
            complete(prompt)
    assert complete(prompt)[0].text


def embed(texts):
    return asyncio.run(FakeEmbed().embed(texts, "fake-embed"))


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_it_embeds_into_deterministic_unit_vectors():
    result = embed(["the cat sat on the mat", "", "the cat sat on the mat"])
    assert result.vectors[0] == result.vectors[2]
    for vector in result.vectors:
        assert len(vector) == 64
        assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0, rel_tol=1e-9)
    assert result.usage.prompt_tokens == 2 * 6  # "the cat sat on the mat" is 6 tokens


def test_it_puts_similar_texts_closer_than_unrelated_ones():
    a, b, c = embed(["the cat sat on the mat", "the cat sat on a mat", "quarterly revenue forecasts"]).vectors
    assert cosine(a, b) > cosine(a, c) + 0.3
