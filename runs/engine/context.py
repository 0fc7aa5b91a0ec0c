"""What a running node sees (:class:`ExecContext`), usage accounting and output previews.

Plain Python (no Django). One :class:`ExecContext` exists per attempt of a node (or of one
map item). Token deltas are coalesced into at most one ``node.token`` event per
``TOKEN_INTERVAL_S`` per attempt; :meth:`ExecContext.close` flushes what is left and must
be called before the attempt's ``node.finished`` / ``node.failed`` event. ``token`` and
``usage`` may be called from another thread (a sync SDK's callback); they hop to the loop.
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from typing import Any

from builder.nodes.base import NodeError
from builder.nodes.services import Services

from . import events
from .events import EventSink

TOKEN_INTERVAL_S = 0.008  # coalescing window for streamed deltas: low lag, few rows
PREVIEW_STR = 500
PREVIEW_LIST = 20
PREVIEW_DEPTH = 6


class UsageTotals:
    """Token usage and cost summed over provider calls. Cost is None once any call's is."""

    __slots__ = ("prompt_tokens", "completion_tokens", "cost", "models", "calls")

    def __init__(self) -> None:
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost: float | None = 0.0
        self.models: list[str] = []
        self.calls = 0

    def add(self, *, model: str | None, prompt_tokens: int, completion_tokens: int, cost: float | None) -> None:
        self.calls += 1
        self.prompt_tokens += int(prompt_tokens or 0)
        self.completion_tokens += int(completion_tokens or 0)
        if cost is None or self.cost is None:
            self.cost = None
        else:
            self.cost += float(cost)
        if model and model not in self.models:
            self.models.append(model)

    def merge(self, other: UsageTotals) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        if other.cost is None or self.cost is None:
            self.cost = None
        else:
            self.cost += other.cost
        for model in other.models:
            if model not in self.models:
                self.models.append(model)

    def as_dict(self, *, with_model: bool = True) -> events.Usage:
        usage: events.Usage = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }
        if with_model:
            usage["model"] = ",".join(self.models) if self.models else None
        return usage


class ExecContext:
    """The engine's implementation of ``builder.nodes.base.NodeContext`` for one attempt."""

    __slots__ = ("run_id", "node_id", "item", "attempt", "run_inputs", "services", "usage_totals",
                 "run_totals", "_sink", "_buffer", "_last_emit", "_timer", "_closed", "_loop", "_thread")

    def __init__(
        self,
        *,
        run_id: str,
        node_id: str,
        item: int | None,
        attempt: int,
        run_inputs: Mapping[str, Any],
        services: Services,
        sink: EventSink,
        usage_totals: UsageTotals,
        run_totals: UsageTotals,
    ):
        self.run_id = run_id
        self.node_id = node_id
        self.item = item
        self.attempt = attempt
        self.run_inputs = run_inputs
        self.services = services
        self.usage_totals = usage_totals  # this node (or map item), summed over attempts
        self.run_totals = run_totals
        self._sink = sink
        self._buffer: list[str] = []
        self._last_emit = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()

    def token(self, text: str) -> None:
        if threading.get_ident() != self._thread:  # a provider callback on a worker thread
            self._loop.call_soon_threadsafe(self.token, text)
            return
        if self._closed or not text:
            return  # a late delta from an attempt that already ended is void
        self._buffer.append(text)
        if self._timer is not None:
            return
        wait = self._last_emit + TOKEN_INTERVAL_S - time.monotonic()
        if wait <= 0:
            self._emit_tokens()
        else:
            # A trailing flush, so a stream that stalls still shows what it has.
            self._timer = self._loop.call_later(wait, self._emit_tokens)

    def void_tokens(self) -> None:
        if threading.get_ident() != self._thread:
            self._loop.call_soon_threadsafe(self.void_tokens)
            return
        if self._closed:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._buffer.clear()
        self._sink.emit(events.node_token(self.node_id, self.item, self.attempt, "", void=True))

    def usage(self, *, model: str, prompt_tokens: int, completion_tokens: int, cost: float | None) -> None:
        if threading.get_ident() != self._thread:
            self._loop.call_soon_threadsafe(lambda: self.usage(
                model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, cost=cost))
            return
        for totals in (self.usage_totals, self.run_totals):
            totals.add(model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, cost=cost)

    def _emit_tokens(self) -> None:
        self._timer = None
        if not self._buffer:
            return
        text = "".join(self._buffer)
        self._buffer.clear()
        redactor = self.services.redactor
        if redactor:  # a model may repeat what it was sent; a secret split across deltas is caught in the output
            text = redactor.text(text)
        self._last_emit = time.monotonic()
        self._sink.emit(events.node_token(self.node_id, self.item, self.attempt, text))

    def close(self, *, flush: bool = True) -> None:
        """End the attempt: emit buffered tokens (unless dropped) and refuse later ones."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if flush:
            self._emit_tokens()
        self._buffer.clear()
        self._closed = True


def preview(value: Any, depth: int = 0) -> Any:
    """A small JSON-safe copy: strings cut to 500 chars, lists to their first 20 items, depth bounded."""
    if value is None or value is True or value is False:
        return value
    kind = type(value)
    if kind is str:
        return value if len(value) <= PREVIEW_STR else value[:PREVIEW_STR] + "…"
    if kind is int or kind is float:
        return value
    if depth >= PREVIEW_DEPTH:
        return "…"
    if isinstance(value, (list, tuple)):
        return [preview(v, depth + 1) for v in value[:PREVIEW_LIST]]
    if isinstance(value, Mapping):
        return {str(k): preview(v, depth + 1) for k, v in value.items()}
    if isinstance(value, str):
        return preview(str(value), depth)
    if isinstance(value, (int, float)):
        return value
    dump = getattr(value, "model_dump", None)  # pydantic models
    if callable(dump):
        try:
            return preview(dump(mode="json"), depth)
        except Exception:  # noqa: BLE001 - a preview must never fail a node
            pass
    return preview(repr(value), depth)


def preview_outputs(outputs: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): preview(v, 1) for k, v in outputs.items()}


def error_dict(error: NodeError) -> events.ErrorInfo:
    """The ``error`` of a node.failed payload."""
    return {"kind": error.kind, "message": error.message, "retryable": error.retryable, "field": error.field}
