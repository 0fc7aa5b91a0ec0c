"""One small interface for chat and one for embeddings, whatever the provider.

Plain Python (no Django). Implementations live beside this file, one module per provider,
and are looked up by name in ``builder/providers/registry.py``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class ChatParams:
    model: str
    temperature: float | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    seed: int | None = None
    response_format: str | None = None  # None or "json"
    timeout_s: float = 120.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ChatResult:
    text: str
    usage: Usage
    finish_reason: str
    model: str


@dataclass(slots=True)
class EmbedResult:
    vectors: list[list[float]]
    usage: Usage
    model: str


@dataclass(slots=True)
class ModerationVerdict:
    flagged: bool
    categories: list[str] = field(default_factory=list)  # the flagged ones, sorted
    scores: dict[str, float] = field(default_factory=dict)


class ProviderError(Exception):
    """A provider call failed. ``kind``: auth, rate_limit, server, timeout, connection,
    bad_request, stream_cut. ``retry_after`` in seconds when the server said so."""

    def __init__(self, message: str, *, kind: str, retryable: bool, retry_after: float | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


OnToken = Callable[[str], None]


class ChatProvider(Protocol):
    name: str

    async def complete(self, messages: list[dict[str, str]], params: ChatParams,
                       on_token: OnToken | None = None, *,
                       on_retry: Callable[[int, Exception], None] | None = None) -> ChatResult:
        """``on_retry(attempt, error)`` is called before a failed attempt is retried; the
        tokens it streamed are void."""
        ...


class EmbeddingProvider(Protocol):
    name: str

    async def embed(self, texts: list[str], model: str, input_type: str | None = None) -> EmbedResult: ...


class ModerationProvider(Protocol):
    name: str

    async def moderate(self, text: str, model: str = ..., timeout_s: float = ...) -> ModerationVerdict: ...


def clip(text: str, params: ChatParams) -> tuple[str, str]:
    """What a local model does with ``stop`` and ``max_tokens``: (text, finish reason)."""
    from builder import tokens  # tiktoken's tables load on first use, not with every provider module

    finish = "stop"
    for stop in params.stop or []:
        if stop and stop in text:
            text = text[: text.index(stop)]
    if params.max_tokens is not None and params.max_tokens >= 0:
        ids = tokens.encode(text)
        if len(ids) > params.max_tokens:
            text, finish = tokens.decode(ids[: params.max_tokens]), "length"
    return text, finish

