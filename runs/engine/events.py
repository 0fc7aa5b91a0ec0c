"""The closed set of run events and the sink interface the engine writes them to.

Plain Python (no Django). The engine builds :class:`Event` values and hands them to an
:class:`EventSink`; a sink assigns the gap-free ``seq`` and makes them durable (the Django
sink in ``runs/sink.py``), or just collects them (tests, benchmarks).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args

EventType = Literal[
    "run.started",
    "node.started",
    "node.token",
    "node.finished",
    "node.failed",
    "node.skipped",
    "run.finished",
]
EVENT_TYPES: frozenset[str] = frozenset(get_args(EventType))

NodeState = Literal["pending", "ready", "running", "succeeded", "failed", "skipped", "abandoned", "cancelled"]
NODE_STATES: tuple[str, ...] = get_args(NodeState)
TERMINAL_NODE_STATES: frozenset[str] = frozenset({"succeeded", "failed", "skipped", "abandoned", "cancelled"})

RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


@dataclass(slots=True)
class Event:
    """One step of a run.

    ``payload`` is small and goes to every watcher; ``data`` holds bulk values (a node's full
    inputs and outputs) that the sink stores on the node's record and never broadcasts.

    Payload fields by type:
      run.started    {"attempt", "resumed": [node ids reused from an earlier attempt]}
      node.started   {"attempt", "items"?: n for a mapped node}
      node.token     {"text", "attempt", "void"?}   (consecutive deltas may be coalesced; ``void: true``
                                                    discards the text streamed so far in that attempt:
                                                    the provider retried the call)
      node.finished  {"attempt", "duration_ms", "outputs_preview", "usage"?, "cost"?}
      node.failed    {"attempt", "duration_ms", "error": {"kind", "message", "retryable", "field"},
                      "will_retry": bool}
      node.skipped   {"state": "skipped" | "abandoned" | "cancelled", "reason"}
      run.finished   {"status", "outputs_preview", "error"?, "usage": {...}, "cost", "duration_ms"}
    ``item`` is the map-item index for per-item events of a mapped node, else None.
    """

    type: EventType
    node_id: str | None = None
    item: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    ts: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {self.type!r}")


class EventSink(Protocol):
    def emit(self, event: Event) -> None:
        """Accept one event without blocking; the sink batches and persists it."""

    async def flush(self) -> None:
        """Return once every event emitted so far is durable."""


class ListSink:
    """Collects events in memory (tests and benchmarks)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    async def flush(self) -> None:
        return None

    def of_type(self, type_: str) -> list[Event]:
        return [e for e in self.events if e.type == type_]
