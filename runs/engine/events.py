"""The closed set of run events and the sink interface the engine writes them to.

Plain Python (no Django). The engine builds :class:`Event` values and hands them to an
:class:`EventSink`; a sink assigns the gap-free ``seq`` and makes them durable (the Django
sink in ``runs/sink.py``), or just collects them (tests, benchmarks).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, Required, TypedDict, cast, get_args

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


class Usage(TypedDict, total=False):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    model: str | None


class ErrorInfo(TypedDict, total=False):
    node: str | None
    kind: str
    message: str
    retryable: bool
    field: str | None


class RunStartedPayload(TypedDict):
    attempt: int
    resumed: list[str]  # node ids reused from an earlier attempt


class NodeStartedPayload(TypedDict, total=False):
    attempt: Required[int]
    items: int  # a mapped node: how many items it runs over


class NodeTokenPayload(TypedDict, total=False):
    text: Required[str]
    attempt: Required[int]
    void: bool  # discards the text streamed so far in this attempt (the provider retried the call)


class NodeFinishedPayload(TypedDict, total=False):
    attempt: Required[int]
    duration_ms: Required[float]
    outputs_preview: Required[dict[str, Any]]
    usage: Usage
    cost: float | None
    items: int  # a mapped node: how many items it ran over


class NodeFailedPayload(TypedDict):
    attempt: int
    duration_ms: float
    error: ErrorInfo
    will_retry: bool


class NodeSkippedPayload(TypedDict):
    state: Literal["skipped", "abandoned", "cancelled"]
    reason: str


class RunFinishedPayload(TypedDict):
    status: RunStatus
    outputs_preview: dict[str, Any]
    error: ErrorInfo | None
    usage: Usage
    cost: float | None
    duration_ms: float | None


@dataclass(slots=True)
class Event:
    """One step of a run. Build it with the constructor of its type below (``run_started``,
    ``node_started``, …), which gives the payload its shape; the payload ``TypedDict`` of each type
    is the contract every reader (the sink, the websocket, the canvas) relies on.

    ``payload`` is small and goes to every watcher; ``data`` holds bulk values (a node's full
    inputs and outputs) that the sink stores on the node's record and never broadcasts.
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


def _dict(payload: Any) -> dict[str, Any]:
    """A typed payload as the event carries it (no copy: the sink may coalesce token texts)."""
    return cast("dict[str, Any]", payload)


ZERO_USAGE: Usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def run_started(attempt: int, resumed: list[str]) -> Event:
    payload: RunStartedPayload = {"attempt": attempt, "resumed": resumed}
    return Event("run.started", payload=_dict(payload))


def node_started(node_id: str, item: int | None, attempt: int, inputs: Any, items: int | None = None) -> Event:
    payload: NodeStartedPayload = {"attempt": attempt}
    if items is not None:
        payload["items"] = items
    return Event("node.started", node_id, item, _dict(payload), {"inputs": inputs})


def node_token(node_id: str, item: int | None, attempt: int, text: str, void: bool = False) -> Event:
    payload: NodeTokenPayload = {"text": text, "attempt": attempt}
    if void:
        payload["void"] = True
    return Event("node.token", node_id, item, _dict(payload))


def node_finished(node_id: str, item: int | None, attempt: int, duration_ms: float,
                  outputs_preview: dict[str, Any], outputs: Any, inputs: Any = None,
                  usage: Usage | None = None, cost: float | None = None, items: int | None = None) -> Event:
    payload: NodeFinishedPayload = {"attempt": attempt, "duration_ms": duration_ms, "outputs_preview": outputs_preview}
    if usage is not None:
        payload["usage"] = usage
        payload["cost"] = cost
    if items is not None:
        payload["items"] = items
    data: dict[str, Any] = {"outputs": outputs}
    if inputs is not None:
        data["inputs"] = inputs
    return Event("node.finished", node_id, item, _dict(payload), data)


def node_failed(node_id: str, item: int | None, attempt: int, duration_ms: float, error: ErrorInfo,
                will_retry: bool, inputs: Any = None) -> Event:
    payload: NodeFailedPayload = {"attempt": attempt, "duration_ms": duration_ms, "error": error,
                                  "will_retry": will_retry}
    return Event("node.failed", node_id, item, _dict(payload),
                 None if inputs is None else {"inputs": inputs})


def node_skipped(node_id: str, item: int | None, state: Literal["skipped", "abandoned", "cancelled"],
                 reason: str) -> Event:
    payload: NodeSkippedPayload = {"state": state, "reason": reason}
    return Event("node.skipped", node_id, item, _dict(payload))


def run_finished_payload(status: RunStatus, error: ErrorInfo | None = None, usage: Usage | None = None,
                         cost: float | None = None, duration_ms: float | None = None,
                         outputs_preview: dict[str, Any] | None = None) -> RunFinishedPayload:
    return {"status": status, "outputs_preview": outputs_preview or {}, "error": error,
            "usage": usage if usage is not None else dict(ZERO_USAGE),  # type: ignore[typeddict-item]
            "cost": cost, "duration_ms": duration_ms}


def run_finished(status: RunStatus, error: ErrorInfo | None = None, usage: Usage | None = None,
                 cost: float | None = None, duration_ms: float | None = None,
                 outputs_preview: dict[str, Any] | None = None, outputs: Any = None) -> Event:
    """The last event of every run, whoever ends it: the engine, a worker that could not start
    it, a cancel before any worker claimed it, the sweeper giving up on it."""
    payload = run_finished_payload(status, error, usage, cost, duration_ms, outputs_preview)
    return Event("run.finished", payload=_dict(payload),
                 data=None if outputs is None else {"outputs": outputs})


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
