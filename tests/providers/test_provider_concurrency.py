"""The per-provider concurrency limit, per process and event loop."""
from __future__ import annotations

import asyncio
import threading

import pytest

from builder.providers import registry
from builder.providers.base import ChatParams
from tests.providers.conftest import CHAT_PATH, CHAT_PROVIDERS, SECRET, base_url_for

MESSAGES = [{"role": "user", "content": "a b c d"}]


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_the_concurrency_limit_is_honoured(name, make_chat, llm_stub):
    llm_stub.token_delay_s = 0.02
    chat = make_chat(name, concurrency=2)

    await asyncio.gather(*(chat.complete(MESSAGES, ChatParams(model="m"), lambda _: None) for _ in range(6)))

    assert len(llm_stub.requests) == 6
    assert llm_stub.max_overlap(CHAT_PATH[name]) == 2


@pytest.mark.asyncio
async def test_two_clients_of_one_provider_share_the_limit(make_chat, llm_stub):
    llm_stub.token_delay_s = 0.02
    first, second = make_chat("cohere", concurrency=3), make_chat("cohere", concurrency=3)

    await asyncio.gather(*(c.complete(MESSAGES, ChatParams(model="m")) for c in (first, second) * 4))

    assert llm_stub.max_overlap() == 3


@pytest.mark.asyncio
async def test_without_a_limit_calls_overlap_freely(make_chat, llm_stub):
    llm_stub.token_delay_s = 0.05
    chat = make_chat("openai")

    await asyncio.gather(*(chat.complete(MESSAGES, ChatParams(model="m")) for _ in range(6)))

    assert llm_stub.max_overlap() == 6


@pytest.mark.parametrize("name", CHAT_PROVIDERS)
def test_one_client_serves_event_loops_in_several_threads(name, llm_stub):
    """The worker runs an event loop per thread; SDK clients and semaphores are kept per loop."""
    chat = registry.make_chat(name, api_key=SECRET, base_url=base_url_for(name, llm_stub), concurrency=2)
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        async def main() -> None:
            for _ in range(2):
                r = await chat.complete(MESSAGES, ChatParams(model="m"), lambda _: None)
                results.append(r.text)
            await chat.aclose()
        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)

    assert errors == []
    assert results == ["[m] d c b a"] * 6
