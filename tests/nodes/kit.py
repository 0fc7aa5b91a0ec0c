"""A tiny stand-in for the engine's NodeContext and the worker's services, for node tests (and for
the tests of other suites that run one node directly)."""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from builder.conversations import fit_budget
from builder.nodes.catalog import registry
from builder.nodes.services import NoServices
from builder.providers.base import ChatProvider, EmbeddingProvider
from builder.providers.registry import make_chat, make_embedder


class DictMemory:
    """Conversation memory in a dict, with the real store's budget rule."""

    def __init__(self) -> None:
        self.sessions: dict[str, list[dict[str, str]]] = {}

    def load(self, session: str, budget: int, max_messages: int = 50) -> list[dict[str, str]]:
        return fit_budget(self.sessions.get(session, [])[-max_messages:], budget)

    def save(self, session: str, exchange: list[tuple[str, str]]) -> int:
        rows = self.sessions.setdefault(session, [])
        rows.extend({"role": r, "content": c} for r, c in exchange)
        return len(rows)


class FakeServices(NoServices):
    """Hands out real provider clients by name (``fake`` by default); remembers what was asked.
    Every other capability is refused, as :class:`NoServices` does."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None, str | None]] = []

    async def chat(self, provider: str, credential: str | None = None,
                   base_url: str | None = None) -> ChatProvider:
        self.requests.append((provider, credential, base_url))
        client: ChatProvider = make_chat(provider, api_key=credential, base_url=base_url)
        return client

    async def embedder(self, provider: str, credential: str | None = None,
                       base_url: str | None = None) -> EmbeddingProvider:
        self.requests.append((provider, credential, base_url))
        client: EmbeddingProvider = make_embedder(provider, api_key=credential, base_url=base_url)
        return client


@dataclass
class FakeContext:
    run_inputs: Mapping[str, Any] = field(default_factory=dict)
    run_id: str = "run-1"
    node_id: str = "node-1"
    item: int | None = None
    attempt: int = 1
    services: Any = field(default_factory=FakeServices)
    tokens: list[str] = field(default_factory=list)
    usages: list[dict[str, Any]] = field(default_factory=list)

    def token(self, text: str) -> None:
        self.tokens.append(text)

    def void_tokens(self) -> None:
        self.tokens.clear()

    def usage(self, *, model: str, prompt_tokens: int, completion_tokens: int, cost: float | None) -> None:
        self.usages.append({"model": model, "prompt_tokens": prompt_tokens,
                            "completion_tokens": completion_tokens, "cost": cost})


def run_node(type_id: str, config: dict[str, Any] | None = None, inputs: dict[str, Any] | None = None,
             ctx: FakeContext | None = None) -> dict[str, Any]:
    """Validate ``config`` as the graph does and run the node of ``type_id`` once."""
    spec = registry.get(type_id)
    return asyncio.run(spec.run(ctx or FakeContext(), spec.parse_config(config or {}), dict(inputs or {})))


def config_errors(type_id: str, config: dict[str, Any]) -> dict[str | None, str]:
    """The config errors validation reports for one node, as {field: message}."""
    from builder.graph import ports_for

    return {e.field: e.message for e in ports_for(type_id, None, config)[2]}
