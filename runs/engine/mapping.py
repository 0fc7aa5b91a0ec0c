"""Map mode: run one node once per item of a list input.

Plain Python (no Django). The parent node emits ``node.started`` (``items: n``) and one
``node.finished`` whose outputs are lists in item order; each item emits its own
``node.started`` / ``node.token`` / ``node.finished`` / ``node.failed`` with ``item=i``.
At most ``map.concurrency`` items run at once, through a pool of that many workers; each
item attempt also takes a slot of the run semaphore, which the parent never holds, so a
mapped node cannot starve its own items. The first item that fails for good fails the
node: no further item starts and items in flight are cancelled (``node.skipped`` with
``item=i``, state ``cancelled``).
"""
from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from builder.nodes.base import NodeError

from . import events
from .context import UsageTotals, error_dict, preview_outputs
from .state import NodeInfo

if TYPE_CHECKING:
    from .scheduler import Engine


async def run_mapped(engine: Engine, info: NodeInfo, inputs: dict[str, Any]) -> None:
    node = info.node
    node_id = info.id
    assert node.map is not None
    port = node.map.port
    sink = engine.sink
    t0 = time.perf_counter()
    engine.state.set(node_id, "running")
    items = inputs.get(port)
    if not isinstance(items, list):
        got = "nothing" if port not in inputs else type(items).__name__
        error = NodeError(f"input {port!r} must be a list to map over, got {got}", kind="bad_input", field=port)
        sink.emit(events.node_started(node_id, None, 1, inputs))
        _fail(engine, info, inputs, error, t0)
        return

    count = len(items)
    sink.emit(events.node_started(node_id, None, 1, inputs, items=count))
    results: list[dict[str, Any] | None] = [None] * count
    todo = []
    for i in range(count):
        reused = engine.completed.get((node_id, i))
        if reused is not None:
            results[i] = reused
        else:
            todo.append(i)

    totals = UsageTotals()
    failure: list[tuple[int, NodeError]] = []
    in_flight: dict[int, int] = {}  # worker -> item it is running
    pending = iter(todo)
    workers: list[asyncio.Task[None]] = []

    async def worker(w: int) -> None:
        for i in pending:  # one shared iterator: items start in order
            if failure:
                return
            in_flight[w] = i
            outcome = await engine.attempts(info, {**inputs, port: items[i]}, i)
            del in_flight[w]
            totals.merge(outcome.usage)
            if outcome.outputs is None:
                assert outcome.error is not None
                failure.append((i, outcome.error))
                me = asyncio.current_task()
                for task in workers:
                    if task is not me:
                        task.cancel()
                return
            results[i] = outcome.outputs

    workers.extend(asyncio.create_task(worker(w)) for w in range(min(node.map.concurrency, len(todo))))
    try:
        ended = await asyncio.gather(*workers, return_exceptions=True) if workers else []
    except asyncio.CancelledError:
        for task in workers:
            task.cancel()
        raise
    for outcome in ended:
        if isinstance(outcome, Exception):
            raise outcome  # an engine or sink defect; siblings cancelled by a failure return CancelledError

    if failure:
        for i in sorted(in_flight.values()):
            sink.emit(events.node_skipped(node_id, i, "cancelled", "another item failed"))
        i, error = failure[0]
        item_error = NodeError(f"item {i}: {error.message}", kind=error.kind, retryable=False, field=error.field)
        _fail(engine, info, inputs, item_error, t0)
        return

    outputs = _collect(info, results)
    duration_ms = round((time.perf_counter() - t0) * 1000.0, 3)
    sink.emit(events.node_finished(node_id, None, 1, duration_ms, preview_outputs(outputs), outputs, inputs,
                                   usage=totals.as_dict(), cost=totals.cost, items=count))
    engine.state.succeed(node_id, outputs)


def _collect(info: NodeInfo, results: list[dict[str, Any] | None]) -> dict[str, list[Any]]:
    """Each output port becomes the list of the items' values, in item order.

    Declared ports are always present (empty lists for an empty map); a port that no item
    produced is left out so that, as for an unmapped node, what reads it is skipped.
    """
    names: dict[str, None] = {}
    for result in results:
        if result:
            names.update(dict.fromkeys(result))
    declared = [p.name for p in info.node.outputs]
    outputs: dict[str, list[Any]] = {}
    for name in declared + [n for n in names if n not in declared]:
        if results and name not in names:
            continue
        outputs[name] = [(r or {}).get(name) for r in results]
    return outputs


def _fail(engine: Engine, info: NodeInfo, inputs: dict[str, Any], error: NodeError, t0: float) -> None:
    engine.sink.emit(events.node_failed(info.id, None, 1, round((time.perf_counter() - t0) * 1000.0, 3),
                                        error_dict(error), False, inputs))
    engine.fail(info.id, error)
