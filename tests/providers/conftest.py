"""Provider tests run the real SDKs over real HTTP against the protocol stub."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio

from builder.providers import registry
from tests.stubs.fixtures import llm_stub, llm_stub_server  # noqa: F401
from tests.stubs.llm_stub import LLMStub

SECRET = "sk-test-SECRET-7f3a9c"

CHAT_PROVIDERS = ["openai", "openai_compatible", "cohere", "anthropic"]
EMBED_PROVIDERS = ["openai", "openai_compatible", "cohere"]
CHAT_PATH = {"openai": "/v1/chat/completions", "openai_compatible": "/v1/chat/completions",
             "cohere": "/v2/chat", "anthropic": "/v1/messages"}
EMBED_PATH = {"openai": "/v1/embeddings", "openai_compatible": "/v1/embeddings", "cohere": "/v2/embed"}


def base_url_for(name: str, stub: LLMStub) -> str:
    return stub.openai_base_url if name.startswith("openai") else stub.base_url


@pytest_asyncio.fixture
async def make_chat(llm_stub: LLMStub) -> AsyncIterator[Callable[..., Any]]:  # noqa: F811
    """A chat client for ``name`` pointed at the stub, with quick backoff unless told otherwise.
    Its HTTP clients are closed after the test, on the test's loop."""
    made: list[Any] = []

    def make(name: str, **opts: Any) -> Any:
        opts.setdefault("backoff_base_s", 0.01)
        made.append(registry.make_chat(name, api_key=SECRET, base_url=base_url_for(name, llm_stub), **opts))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


@pytest_asyncio.fixture
async def make_embedder(llm_stub: LLMStub) -> AsyncIterator[Callable[..., Any]]:  # noqa: F811
    made: list[Any] = []

    def make(name: str, **opts: Any) -> Any:
        opts.setdefault("backoff_base_s", 0.01)
        made.append(registry.make_embedder(name, api_key=SECRET, base_url=base_url_for(name, llm_stub), **opts))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def embedder() -> Any:
    """The bundled local embedder (both local models), loaded once per module."""
    return registry.make_embedder("local")
