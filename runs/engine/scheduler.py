"""The run engine: executes a :class:`Plan` on asyncio and reports every step as an event.

Plain Python (no Django). One :class:`Engine` executes one attempt of one run::

    engine = Engine(plan, sink, run_id="r1", run_inputs={"question": "..."}, services=services)
    outcome = await engine.run()          # a RunOutcome; engine.cancel() from elsewhere stops it

Nodes start as soon as they are decidable (every upstream node terminal) and ready; a
per-run semaphore bounds how many node executions (attempts of nodes or of map items) run
at once. Scheduling is event driven: a finishing node releases its downstream nodes, so
there is no polling and no per-node scan of the graph.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from builder.graph_types import Plan
from builder.nodes.base import NodeError
from builder.nodes.services import NoServices, Services

from . import events
from .context import ExecContext, UsageTotals, error_dict, preview_outputs
from .events import EventSink
from .mapping import run_mapped
from .state import NodeInfo, RunState, build_infos

logger = logging.getLogger(__name__)

CompletedKey = tuple[str, int | None]
CANCEL_GRACE_S = 2.0  # how long cancel() waits for node tasks that ignore cancellation


@dataclass(slots=True)
class RunOutcome:
    """How a run attempt ended. ``outputs`` maps run output names to full values."""

    status: str  # "succeeded" | "failed" | "cancelled"
    outputs: dict[str, Any]
    error: events.ErrorInfo | None  # the first failure: {"node", "kind", "message"}
    usage: events.Usage  # {"prompt_tokens", "completion_tokens", "total_tokens"}, this attempt only
    cost: float | None  # None when any provider call had an unknown price
    node_states: dict[str, str]
    duration_ms: float = 0.0
    node_errors: dict[str, events.ErrorInfo] = field(default_factory=dict)  # final error of each failed node

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "outputs": self.outputs, "error": self.error, "usage": self.usage,
                "cost": self.cost, "node_states": self.node_states, "duration_ms": self.duration_ms,
                "node_errors": self.node_errors}


@dataclass(slots=True)
class AttemptResult:
    outputs: dict[str, Any] | None  # None when every attempt failed
    error: NodeError | None
    usage: UsageTotals
    duration_ms: float


class Engine:
    """Executes one attempt of one run. See the module docstring.

    ``completed`` holds outputs that succeeded in an earlier attempt of the same run, keyed
    by ``(node_id, None)`` for a whole node and ``(node_id, i)`` for item ``i`` of a mapped
    node; those are reused, not run again, and emit no node events. ``prior_usage``
    ({"prompt_tokens", "completion_tokens", "cost"}) is what earlier attempts spent; it is
    added to the run's totals, which otherwise cover this attempt only.

    Cancel with :meth:`cancel` (from any coroutine on the engine's loop; from another thread
    use ``loop.call_soon_threadsafe(engine.cancel)``): the host watches for a cancel request
    (the worker's lease keeper does) and calls it.

    ``services`` is what the host lends the nodes (:class:`builder.nodes.services.Services`);
    without one, :class:`~builder.nodes.services.NoServices`: a node that needs a capability
    fails with a node error naming it. The engine itself reads only its ``redactor``.
    """

    def __init__(
        self,
        plan: Plan,
        sink: EventSink,
        *,
        run_id: str,
        run_inputs: Mapping[str, Any] | None = None,
        services: Services | None = None,
        completed: Mapping[CompletedKey, dict[str, Any]] | None = None,
        attempt: int = 1,
        concurrency: int = 16,
        prior_usage: Mapping[str, Any] | None = None,
    ):
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.plan = plan
        self.sink = sink
        self.run_id = run_id
        self.run_inputs: Mapping[str, Any] = dict(run_inputs or {})
        self.services: Services = services if services is not None else NoServices()
        self.completed: Mapping[CompletedKey, dict[str, Any]] = completed or {}
        self.attempt = attempt
        self.concurrency = concurrency
        self.infos: dict[str, NodeInfo] = build_infos(plan)
        self.state = RunState(self.infos)
        self.usage = UsageTotals()
        if prior_usage:  # spent by earlier attempts, so run.finished reports the whole run
            self.usage.add(model=None, prompt_tokens=int(prior_usage.get("prompt_tokens") or 0),
                           completion_tokens=int(prior_usage.get("completion_tokens") or 0),
                           cost=prior_usage.get("cost", 0.0))
        self.errors: dict[str, events.ErrorInfo] = {}
        self.first_error: events.ErrorInfo | None = None
        self._sem = asyncio.Semaphore(concurrency)
        self._done = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._cancel_requested = False
        self._cancelled = False
        self._fatal: Exception | None = None
        self._started = False

    # ------------------------------------------------------------ public API

    def cancel(self) -> None:
        """Stop the run: running nodes are cancelled, nothing new starts. Idempotent."""
        self._cancel_requested = True
        self._done.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_requested

    async def run(self) -> RunOutcome:
        """Execute the plan; always emits run.finished and flushes the sink before returning.

        Node failures are data (``RunOutcome.status == "failed"``), never exceptions. Raises
        only when the sink or the engine itself breaks, re-raising that exception after
        stopping every node task (the run's state is then unknown: record it as failed).
        """
        if self._started:
            raise RuntimeError("an Engine executes one run attempt; build a new one")
        self._started = True
        started = time.monotonic()
        resumed = self._apply_completed()
        self.sink.emit(events.run_started(self.attempt, resumed))
        state = self.state
        self._advance(n for n in self.plan.order if state.states[n] == "pending" and state.waiting[n] == 0)
        if not state.finished:
            await self._done.wait()
        if self._fatal is not None:
            await self._stop_tasks()
            raise self._fatal  # as raised, so a host can tell a lost lease from a defect
        if self._cancel_requested and not state.finished:
            await self._cancel_all()
        return await self._finish(started)

    # ------------------------------------------------------------ scheduling

    def _apply_completed(self) -> list[str]:
        resumed = []
        for node_id in self.plan.order:
            result = self.completed.get((node_id, None))
            if result is not None:
                self.state.succeed(node_id, dict(result))
                resumed.append(node_id)
        for node_id in resumed:
            self.state.release_downstream(node_id)
        return resumed

    def _advance(self, decidable: Iterable[str]) -> None:
        """Decide every node in ``decidable`` and, transitively, what their skips release."""
        state = self.state
        queue = deque(decidable)
        while queue:
            node_id = queue.popleft()
            if self._cancel_requested:
                return  # left pending; _cancel_all marks them cancelled
            decision = state.decide(node_id)
            if decision.state == "ready":
                state.set(node_id, "ready")
                assert decision.inputs is not None
                self._tasks[node_id] = asyncio.create_task(self._execute(node_id, decision.inputs))
            else:
                state.set(node_id, decision.state)
                # decide() only returns "ready", "skipped" or "abandoned", and this is not "ready"
                self.sink.emit(events.node_skipped(node_id, None, decision.state, decision.reason))  # type: ignore[arg-type]
                queue.extend(state.release_downstream(node_id))
        if state.finished:
            self._done.set()

    async def _execute(self, node_id: str, inputs: dict[str, Any]) -> None:
        info = self.infos[node_id]
        try:
            if info.node.map is not None:
                await run_mapped(self, info, inputs)
            else:
                result = await self.attempts(info, inputs, None)
                if result.outputs is not None:
                    self.state.succeed(node_id, result.outputs)
                else:
                    assert result.error is not None
                    self.fail(node_id, result.error)
            self._advance(self.state.release_downstream(node_id))
        except asyncio.CancelledError:
            raise  # the run is being cancelled; _cancel_all records the state
        except Exception as exc:  # an engine defect or a broken sink: end the run, never hang it
            logger.exception("engine error in node %s of run %s", node_id, self.run_id)
            if self._fatal is None:
                self._fatal = exc
            self._done.set()
        finally:
            self._tasks.pop(node_id, None)

    def fail(self, node_id: str, error: NodeError) -> None:
        self.state.set(node_id, "failed")
        self.errors[node_id] = error_dict(error)
        if self.first_error is None:
            self.first_error = {"node": node_id, "kind": error.kind, "message": error.message}

    # ------------------------------------------------------------ one node (or one map item)

    async def attempts(self, info: NodeInfo, inputs: dict[str, Any], item: int | None) -> AttemptResult:
        """Run a node (or one item of a mapped node) with its timeout and retry policy.

        Emits node.started, node.token, and node.finished or node.failed per attempt, with
        ``item`` set for map items. Holds a slot of the run semaphore only while an attempt
        runs, never while backing off.
        """
        node = info.node
        node_id = info.id
        spec = node.spec
        config = node.config
        timeout_s = node.timeout_s
        total = max(1, node.retry.attempts)
        totals = UsageTotals()
        sink = self.sink
        state = self.state
        for attempt in range(1, total + 1):
            async with self._sem:
                if item is None and attempt == 1:
                    state.set(node_id, "running")
                ctx = ExecContext(run_id=self.run_id, node_id=node_id, item=item, attempt=attempt,
                                  run_inputs=self.run_inputs, services=self.services, sink=sink,
                                  usage_totals=totals, run_totals=self.usage)
                sink.emit(events.node_started(node_id, item, attempt, inputs))
                t0 = time.perf_counter()
                error: NodeError | None = None
                outputs: Any = None
                try:
                    if timeout_s is None:
                        outputs = await spec.run(ctx, config, dict(inputs))
                    else:
                        async with asyncio.timeout(timeout_s):
                            outputs = await spec.run(ctx, config, dict(inputs))
                    if not isinstance(outputs, dict):
                        raise TypeError(f"node returned {type(outputs).__name__}, not a dict of outputs")
                except NodeError as exc:
                    error = exc
                except TimeoutError:
                    error = NodeError(f"timed out after {timeout_s:g} s", kind="timeout", retryable=True)
                except asyncio.CancelledError as exc:
                    if _being_cancelled():
                        ctx.close(flush=False)
                        raise
                    # A node's own await was cancelled, not this task: a failure, not a stop.
                    logger.warning("node %s (item %s) of run %s raised CancelledError", node_id, item, self.run_id)
                    error = NodeError(f"CancelledError: {exc}", kind="internal")
                except Exception as exc:
                    logger.exception("node %s (item %s) of run %s raised", node_id, item, self.run_id)
                    error = NodeError(f"{type(exc).__name__}: {exc}", kind="internal")
                duration_ms = round((time.perf_counter() - t0) * 1000.0, 3)
                ctx.close()
            outputs, error = self._redacted(outputs, error)
            if error is None:
                sink.emit(events.node_finished(node_id, item, attempt, duration_ms, preview_outputs(outputs), outputs,
                                               inputs, usage=totals.as_dict(), cost=totals.cost))
                return AttemptResult(outputs, None, totals, duration_ms)
            will_retry = error.retryable and attempt < total and not self._cancel_requested
            sink.emit(events.node_failed(node_id, item, attempt, duration_ms, error_dict(error), will_retry, inputs))
            if not will_retry:
                return AttemptResult(None, error, totals, duration_ms)
            await asyncio.sleep(backoff_delay(node.retry.backoff_s, attempt, getattr(error, "retry_after", None)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _redacted(self, outputs: Any, error: NodeError | None) -> tuple[Any, NodeError | None]:
        """Outputs and error without the secrets the host resolved so far (a server may reflect
        them); both go on to the trace, downstream nodes and the run's result."""
        redactor = self.services.redactor
        if not redactor:
            return outputs, error
        if error is not None:
            message = redactor.text(error.message)
            if message != error.message:
                error.message = message
                error.args = (message,)
            return outputs, error
        return redactor.value(outputs), None

    # ------------------------------------------------------------ cancellation and the end

    async def _stop_tasks(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            _, stuck = await asyncio.wait(tasks, timeout=CANCEL_GRACE_S)
            if stuck:
                logger.warning("%d node tasks of run %s ignored cancellation", len(stuck), self.run_id)

    async def _cancel_all(self) -> None:
        self._cancelled = True
        await self._stop_tasks()
        state = self.state
        for node_id in self.plan.order:
            if not state.is_terminal(node_id):
                state.set(node_id, "cancelled")
                self.sink.emit(events.node_skipped(node_id, None, "cancelled", "run cancelled"))

    def _run_outputs(self) -> dict[str, Any]:
        outputs: dict[str, Any] = {}
        results = self.state.results
        for name, node_id in self.plan.run_outputs().items():
            result = results.get(node_id)
            if result is not None and "value" in result:
                outputs[name] = result["value"]
        return outputs

    async def _finish(self, started: float) -> RunOutcome:
        states = self.state.states
        status: events.RunStatus
        if any(s == "failed" for s in states.values()):
            status = "failed"
        elif self._cancelled:
            status = "cancelled"
        else:
            status = "succeeded"
        outputs = self._run_outputs()
        usage = self.usage.as_dict(with_model=False)
        duration_ms = round((time.monotonic() - started) * 1000.0, 3)
        self.sink.emit(events.run_finished(status, self.first_error, usage, self.usage.cost,
                                           duration_ms, preview_outputs(outputs), outputs))
        await self.sink.flush()
        return RunOutcome(status=status, outputs=outputs, error=self.first_error, usage=usage,
                          cost=self.usage.cost, node_states=dict(states), duration_ms=duration_ms,
                          node_errors=dict(self.errors))


def backoff_delay(backoff_s: float, attempt: int, retry_after: float | None = None) -> float:
    """``backoff_s * 2**(attempt-1)`` with ±25 % jitter, at least ``retry_after`` when given."""
    delay = backoff_s * (2 ** (attempt - 1)) * random.uniform(0.75, 1.25)
    if retry_after:
        delay = max(delay, float(retry_after))
    return max(0.0, delay)


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def execute(plan: Plan, sink: EventSink, **kwargs: Any) -> RunOutcome:
    """Build an :class:`Engine` with ``kwargs`` and run it."""
    return await Engine(plan, sink, **kwargs).run()
