"""The run engine: executes a validated :class:`~builder.graph_types.Plan` and emits events.

Plain Python (no Django). Public API::

    from runs.engine import Engine, RunOutcome, execute, Event, EventSink, ListSink
"""
from __future__ import annotations

from .events import EVENT_TYPES, NODE_STATES, TERMINAL_NODE_STATES, Event, EventSink, ListSink
from .scheduler import Engine, RunOutcome, execute

__all__ = [
    "EVENT_TYPES",
    "NODE_STATES",
    "TERMINAL_NODE_STATES",
    "Engine",
    "Event",
    "EventSink",
    "ListSink",
    "RunOutcome",
    "execute",
]
