"""Every provider SDK connects through the network guard: the real openai, anthropic and cohere SDKs
against the protocol stub on 127.0.0.1, which only the operator's allow-list admits. Without it
the call is refused before any connection, with an error naming the base URL; with an entry for
the stub's port the same call goes through, and nothing else on that host does."""
from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from builder.netguard import Policy
from builder.providers import registry
from builder.providers.base import ChatParams, ProviderError
from builder.providers.moderation import make_moderator
from tests.providers.conftest import CHAT_PATH, CHAT_PROVIDERS, EMBED_PROVIDERS, SECRET, base_url_for
from tests.stubs.fixtures import llm_stub, llm_stub_server  # noqa: F401
from tests.stubs.llm_stub import LLMStub

MESSAGES = [{"role": "user", "content": "hello there"}]

pytestmark = pytest.mark.asyncio


def assert_refused(err: ProviderError, base_url: str) -> None:
    assert err.kind == "blocked" and not err.retryable
    assert getattr(err, "attempts", None) == 1  # a refusal is final: never retried
    assert base_url in err.message and "FOMO_HTTP_ALLOW" in err.message
    assert SECRET not in err.message


async def ask(client: Any) -> Any:
    try:
        return await client.complete(MESSAGES, ChatParams(model="m", timeout_s=5), lambda _: None)
    finally:
        await client.aclose()


@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_without_the_allow_list_a_chat_call_to_loopback_is_refused_before_it_connects(
        name, llm_stub, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FOMO_HTTP_ALLOW", raising=False)
    base = base_url_for(name, llm_stub)
    with pytest.raises(ProviderError) as caught:
        await ask(registry.make_chat(name, api_key=SECRET, base_url=base, backoff_base_s=0.01))
    assert_refused(caught.value, base)
    assert "127.0.0.1 is a loopback address" in caught.value.message
    assert llm_stub.requests == []


@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_a_refused_call_opens_no_connection_at_all(name, listener, monkeypatch):
    monkeypatch.delenv("FOMO_HTTP_ALLOW", raising=False)
    base = f"{listener.url}/v1"
    with pytest.raises(ProviderError) as caught:
        await ask(registry.make_chat(name, api_key=SECRET, base_url=base, backoff_base_s=0.01))
    assert_refused(caught.value, base)
    assert listener.accepted == 0


@pytest.mark.parametrize("name", EMBED_PROVIDERS)
async def test_without_the_allow_list_embeddings_are_refused_too(name, llm_stub, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FOMO_HTTP_ALLOW", raising=False)
    base = base_url_for(name, llm_stub)
    embedder = registry.make_embedder(name, api_key=SECRET, base_url=base, backoff_base_s=0.01)
    with pytest.raises(ProviderError) as caught:
        await embedder.embed(["a text"], "emb")
    await embedder.aclose()
    assert_refused(caught.value, base)
    assert llm_stub.requests == []


async def test_without_the_allow_list_moderation_is_refused_too(listener, monkeypatch):
    monkeypatch.delenv("FOMO_HTTP_ALLOW", raising=False)
    moderator = make_moderator(api_key=SECRET, base_url=f"{listener.url}/v1", backoff_base_s=0.01)
    with pytest.raises(ProviderError) as caught:
        await moderator.moderate("hello")
    await moderator.aclose()
    assert_refused(caught.value, f"{listener.url}/v1")
    assert listener.accepted == 0


async def test_a_name_that_resolves_to_loopback_is_refused(llm_stub, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FOMO_HTTP_ALLOW", raising=False)
    base = f"http://localhost:{llm_stub.port}/v1"
    with pytest.raises(ProviderError) as caught:
        await ask(registry.make_chat("openai_compatible", base_url=base))
    assert_refused(caught.value, base)
    assert "localhost resolves to" in caught.value.message
    assert llm_stub.requests == []


async def test_an_allow_list_entry_with_a_port_admits_that_server_and_no_other_port(llm_stub, monkeypatch):  # noqa: F811
    monkeypatch.setenv("FOMO_HTTP_ALLOW", llm_stub.allow_entry)
    result = await ask(registry.make_chat("openai_compatible", base_url=llm_stub.openai_base_url))
    assert result.text == "[m] there hello" and len(llm_stub.requests) == 1

    with LLMStub() as other:
        with pytest.raises(ProviderError) as caught:
            await ask(registry.make_chat("openai_compatible", base_url=other.openai_base_url))
        assert_refused(caught.value, other.openai_base_url)
        assert other.requests == []


async def test_a_policy_given_to_the_client_wins_over_the_environment(llm_stub):  # noqa: F811
    chat = registry.make_chat("openai_compatible", base_url=llm_stub.openai_base_url, policy=Policy())
    with pytest.raises(ProviderError) as caught:
        await ask(chat)
    assert_refused(caught.value, llm_stub.openai_base_url)
    assert llm_stub.requests == []


@pytest.mark.parametrize("url", ["http://models.example/v1?x=", "http://models.example/v1#x",
                                 "http://user:pw@models.example/v1", "ftp://models.example/v1",
                                 "localhost:11434", "http:///v1"])
@pytest.mark.parametrize("name", ["openai_compatible", "cohere", "anthropic"])
async def test_a_base_url_of_the_wrong_shape_is_refused_when_the_client_is_made(name, url):
    with pytest.raises(ProviderError) as caught:
        registry.make_chat(name, api_key=SECRET, base_url=url)
    assert caught.value.kind == "bad_request" and "base_url" in caught.value.message


@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_a_redirect_from_a_provider_endpoint_is_not_followed(name, server, llm_stub):  # noqa: F811
    base, routes = server
    stub_path = CHAT_PATH[name]
    routes.set(stub_path, status=307, headers={"Location": f"{llm_stub.base_url}{stub_path}"})
    # Both servers are allow-listed: only the rule "providers do not follow redirects" stands between them.
    chat = registry.make_chat(name, api_key=SECRET, base_url=f"{base}/v1" if name.startswith("openai") else base,
                              policy=Policy.from_setting("127.0.0.1"), max_attempts=1)
    with pytest.raises(ProviderError) as caught:
        await ask(chat)
    assert "redirect" in caught.value.message and not caught.value.retryable
    assert [r["path"] for r in routes.seen] == [stub_path]
    assert llm_stub.requests == []


@pytest.mark.parametrize("name", CHAT_PROVIDERS)
async def test_an_internal_servers_error_message_is_not_echoed(name, make_chat, llm_stub):  # noqa: F811
    llm_stub.faults.push(status=400, body={"error": {"message": "INSIDE-ONLY: redis at 10.0.0.5"},
                                           "message": "INSIDE-ONLY: redis at 10.0.0.5"})
    with pytest.raises(ProviderError) as caught:
        await make_chat(name).complete(MESSAGES, ChatParams(model="m"))
    assert caught.value.kind == "bad_request" and "HTTP 400" in caught.value.message
    assert "INSIDE-ONLY" not in caught.value.message and "internal address" in caught.value.message


@pytest_asyncio.fixture
async def make_chat(llm_stub):  # noqa: F811
    made: list[Any] = []

    def make(name: str, **opts: Any) -> Any:
        made.append(registry.make_chat(name, api_key=SECRET, base_url=base_url_for(name, llm_stub),
                                       backoff_base_s=0.01, **opts))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()
