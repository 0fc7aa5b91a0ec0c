"""Fixtures for node and graph unit tests: a tiny stand-in for the engine's NodeContext."""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from builder.conversations import fit_budget
from builder.nodes.catalog import registry
from builder.providers.registry import make_chat, make_embedder


class DictMemory:
    """Conversation memory in a dict, with the real store's budget rule."""

    def __init__(self) -> None:
        self.sessions: dict[str, list[dict[str, str]]] = {}

    def load(self, session: str, budget: int, max_messages: int) -> list[dict[str, str]]:
        return fit_budget(self.sessions.get(session, [])[-max_messages:], budget)

    def save(self, session: str, exchange: list[tuple[str, str]]) -> int:
        rows = self.sessions.setdefault(session, [])
        rows.extend({"role": r, "content": c} for r, c in exchange)
        return len(rows)


class FakeServices:
    """Hands out real provider clients by name (``fake`` by default); remembers what was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None, str | None]] = []

    def chat(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        self.requests.append((provider, credential, base_url))
        return make_chat(provider, api_key=credential, base_url=base_url)

    def embedder(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        self.requests.append((provider, credential, base_url))
        return make_embedder(provider, api_key=credential, base_url=base_url)


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


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext()


@pytest.fixture
def run() -> Any:
    """``run(type_id, config, inputs, ctx=None)``: validate config like the graph does, run the node."""

    def run_node(type_id: str, config: dict[str, Any] | None = None, inputs: dict[str, Any] | None = None,
                 ctx: FakeContext | None = None) -> dict[str, Any]:
        spec = registry.get(type_id)
        return asyncio.run(spec.run(ctx or FakeContext(), spec.parse_config(config or {}), dict(inputs or {})))

    return run_node


@pytest.fixture
def config_errors() -> Any:
    """``config_errors(type_id, config)``: the config errors validation reports, as {field: message}."""
    from builder.graph import ports_for

    def errors(type_id: str, config: dict[str, Any]) -> dict[str | None, str]:
        return {e.field: e.message for e in ports_for(type_id, None, config)[2]}

    return errors
