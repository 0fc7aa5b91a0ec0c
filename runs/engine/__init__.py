"""The run engine: executes a validated :class:`~builder.graph_types.Plan` and emits events.

Plain Python (no Django). Public API::

    from runs.engine import Engine, RunOutcome, execute, Event, EventSink, ListSink

    engine = Engine(plan, sink, run_id=str(run.id), run_inputs=inputs, services=services,
                    completed=completed, attempt=run.attempt, concurrency=16)
    outcome = await engine.run()   # RunOutcome(status, outputs, error, usage, cost, node_states, ...)

- Cancel with ``engine.cancel()`` from a coroutine on the same loop (from another thread:
  ``loop.call_soon_threadsafe(engine.cancel)``); the host watches for cancel requests.
- Resume: ``completed[(node_id, None)]`` is the outputs dict of a node that succeeded in an
  earlier attempt (``node.finished`` ``data["outputs"]`` with ``item`` None);
  ``completed[(node_id, i)]`` is that of item ``i`` of a mapped node. Those are not run
  again and emit no events; whole nodes are listed in run.started ``resumed``.
- Node failures are data in the outcome; ``run()`` raises only when the sink or the engine
  itself breaks. ``run()`` always ends with run.finished and ``await sink.flush()``.
- node.* ``attempt`` counts retries of one node within this run attempt, from 1; a client
  showing streamed text resets a node's (or item's) text on each node.started.
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
