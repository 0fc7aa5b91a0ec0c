"""Which run and node the current code works for, for log lines (plain Python, no Django).

The worker sets ``run_id`` around a run's execution and ``node_id`` in each node's own asyncio
task (tasks copy the context when created, so a node's value never leaks into its siblings);
:mod:`fomo.logging` puts both on every log record.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

run_id: ContextVar[str | None] = ContextVar("fomo_run_id", default=None)
node_id: ContextVar[str | None] = ContextVar("fomo_node_id", default=None)
item: ContextVar[int | None] = ContextVar("fomo_item", default=None)


@contextmanager
def bound_run(value: object) -> Iterator[None]:
    """Log lines inside carry this run id (and no node id until a node sets one)."""
    tokens = (run_id.set(str(value)), node_id.set(None), item.set(None))
    try:
        yield
    finally:
        item.reset(tokens[2])
        node_id.reset(tokens[1])
        run_id.reset(tokens[0])


def enter_node(value: str, item_index: int | None = None) -> None:
    """Set the node for the rest of the current task (a node's task is its own context)."""
    node_id.set(value)
    item.set(item_index)
