"""What a Celery worker does with a run: claim it by compare-and-set, hold a lease while the
engine works, resume from recorded results, and always leave a terminal state.

Also the sweeper, which re-enqueues runs whose lease expired (their worker died) and fails
runs that have exhausted their attempts; and the graceful shutdown: a worker asked to stop
lets its runs finish for a grace period, then hands the rest back (lease released, run
re-enqueued) so another worker resumes them from their recorded results.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Max
from django.utils import timezone

from builder.graph import validate
from fomo import logctx
from runs import transitions
from runs.engine import Engine, events
from runs.engine.events import Event
from runs.heartbeat import live_worker_ids
from runs.loop import run_coroutine, shared_loop
from runs.models import WHOLE_NODE, NodeRun, Run, RunEvent, RunStatus
from runs.services import RunServices
from runs.sink import DjangoSink, LostRun
from runs.sink_sql import NodeRecord
from runs.transitions import REQUEUED, claim, hand_back

log = logging.getLogger(__name__)

LEASE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fomo-lease")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"

# The runs this process is executing: run id -> (lease token, engine). Read by the shutdown.
_held: dict[int, tuple[str, Engine]] = {}
_held_lock = threading.Lock()
_stopping = threading.Event()


def _knobs() -> dict[str, float]:
    return settings.FOMO


def execute(run_id: int) -> None:
    with logctx.bound_run(run_id):
        _claim_and_execute(run_id)


def _claim_and_execute(run_id: int) -> None:
    if _stopping.is_set():  # a message delivered while this worker stops: let another take it
        transitions.enqueue(run_id)
        return
    close_old_connections()
    token = f"{WORKER_ID}:{uuid.uuid4().hex[:8]}"
    run = claim(run_id, token)
    if run is None:
        log.info("run %s: not claimable (finished, or held by another worker)", run_id)
        return
    if run.attempt > int(_knobs()["MAX_RUN_ATTEMPTS"]):
        fail_exhausted(run.pk, run.attempt - 1)
        return
    # A first start has no records yet: skip two queries on the hot path. (Not ``attempt == 1``:
    # a run handed back by a stopping worker gets its attempt back but keeps its records.)
    if run.started_at == run.claimed_at and not run.reused:
        known: dict[tuple[str, int], NodeRecord] = {}
        next_seq = 1
    else:
        known = {(n.node_id, n.item): NodeRecord.from_model(n) for n in NodeRun.objects.filter(run_id=run.pk)}
        next_seq = (RunEvent.objects.filter(run_id=run.pk).aggregate(m=Max("seq"))["m"] or 0) + 1
    workspace_id = run.pipeline.workspace_id
    try:
        run_coroutine(_execute(run, token, known, next_seq, workspace_id))
    finally:
        close_old_connections()


async def _execute(run: Run, token: str, known: dict[tuple[str, int], NodeRecord], next_seq: int,
                   workspace_id: int) -> None:
    with logctx.bound_run(run.pk):
        await _execute_bound(run, token, known, next_seq, workspace_id)


async def execute_claimed(run: Run, token: str, workspace_id: int) -> None:
    """Execute a run this process has just claimed under ``token`` by another path than
    :func:`claim` (the experiments' batch claim): first attempt, nothing recorded yet. Runs on
    the caller's loop (the worker's shared loop), with the lease, events and hand-back of any run."""
    await _execute(run, token, {}, 1, workspace_id)


def is_stopping() -> bool:
    """Whether this worker has been asked to stop (it takes no new work then)."""
    return _stopping.is_set()


class _LoggedSink:
    """The engine's view of the sink: on ``node.started`` (emitted inside the node's own task)
    it binds the node id for that task's log lines; node failures are logged."""

    def __init__(self, sink: DjangoSink):
        self._sink = sink

    def emit(self, event: Event) -> None:
        if event.type == "node.started" and event.node_id is not None:
            logctx.enter_node(event.node_id, event.item)
        elif event.type == "node.failed":
            error = event.payload.get("error") or {}
            log.info("node %s failed (attempt %s%s): %s: %s", event.node_id, event.payload.get("attempt"),
                     ", will retry" if event.payload.get("will_retry") else "", error.get("kind"),
                     error.get("message"), extra={"node_id": event.node_id})
        self._sink.emit(event)

    async def flush(self) -> None:
        await self._sink.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._sink, name)


async def _execute_bound(run: Run, token: str, known: dict[tuple[str, int], NodeRecord], next_seq: int,
                         workspace_id: int) -> None:
    log.info("run %s: attempt %s on %s", run.pk, run.attempt, WORKER_ID)
    sink = DjangoSink(run.pk, next_seq=next_seq, known_nodes=known, lease_owner=token, started_at=run.started_at)
    plan, errors = validate(run.graph)
    if plan is None:
        sink.emit(events.run_finished("failed", duration_ms=0, error={
            "node": errors[0].node if errors else None, "kind": "invalid_graph",
            "message": errors[0].message if errors else "invalid graph"}))
        await _flush_quietly(sink)
        await sink.close()
        return
    completed = {
        (n.node_id, None if n.item == WHOLE_NODE else n.item): n.outputs or {}
        for n in known.values() if n.status == "succeeded"
    }
    # Cost spent by earlier attempts of this run counts; outputs reused from other runs cost nothing here.
    reused = [n for n in known.values()
              if n.status == "succeeded" and n.item == WHOLE_NODE and n.reused_from is None]
    costs = [n.cost for n in reused]
    prior_usage = {"prompt_tokens": sum(n.prompt_tokens for n in reused),
                   "completion_tokens": sum(n.completion_tokens for n in reused),
                   "cost": None if any(c is None for c in costs) else sum(c or 0.0 for c in costs)}
    engine = Engine(plan, _LoggedSink(sink), run_id=str(run.pk), run_inputs=run.inputs,
                    services=RunServices(workspace_id), completed=completed, attempt=run.attempt,
                    prior_usage=prior_usage, concurrency=int(_knobs()["RUN_CONCURRENCY"]))
    keeper = asyncio.get_running_loop().create_task(_keep_lease(run.pk, token, engine))
    with _held_lock:
        _held[run.pk] = (token, engine)
    try:
        if _stopping.is_set() and await asyncio.get_running_loop().run_in_executor(
                LEASE_POOL, hand_back, run.pk, token):
            engine.cancel()  # claimed while the shutdown was handing runs back: already handed back
        await engine.run()
    except LostRun as exc:
        log.warning("run %s: %s", run.pk, exc)
    except Exception as exc:
        log.exception("run %s: engine crashed", run.pk)
        if not sink.failed:
            sink.emit(events.run_finished("failed", error={
                "node": None, "kind": "internal", "message": f"{type(exc).__name__}: {exc}"}))
            await _flush_quietly(sink)
    finally:
        with _held_lock:
            _held.pop(run.pk, None)
        keeper.cancel()
        await sink.close()


async def _flush_quietly(sink: DjangoSink) -> None:
    try:
        await sink.flush()
    except LostRun as exc:
        log.warning("%s", exc)


async def _keep_lease(run_id: int, token: str, engine: Engine) -> None:
    """Renew the lease and watch for a cancel request until the engine is done."""
    loop = asyncio.get_running_loop()
    lease_s = _knobs()["LEASE_SECONDS"]
    renew_every = max(0.5, lease_s / 3)
    poll = min(0.5, renew_every)
    since_renew = 0.0
    while True:
        await asyncio.sleep(poll)
        since_renew += poll
        renew = since_renew >= renew_every
        if renew:
            since_renew = 0.0
        # Its own threads: a renewal must not queue behind event writes on the DB pool.
        held, cancel = await loop.run_in_executor(LEASE_POOL, transitions.renew, run_id, token, renew)
        if not held:
            log.warning("run %s: lease lost; stopping this copy", run_id)
            engine.cancel()
            return
        if cancel:
            engine.cancel()
            return


def fail_exhausted(run_id: int, attempts: int) -> bool:
    return transitions.finish(run_id, RunStatus.FAILED, {
        "node": None, "kind": "worker_lost",
        "message": f"The run stopped its worker {attempts} times (the limit is "
                   f"{int(_knobs()['MAX_RUN_ATTEMPTS'])}); it will not be retried.",
    }, only_if=(RunStatus.RUNNING,))


def sweep() -> dict[str, int]:
    """Re-enqueue runs whose worker vanished; fail those out of attempts; re-send queued runs
    whose message was lost. Safe to run from several workers at once (compare-and-set)."""
    now = timezone.now()
    lease = timedelta(seconds=_knobs()["LEASE_SECONDS"])
    counts = {"requeued": 0, "failed": 0, "resent": 0, "spared": 0}
    expired = Run.objects.filter(status=RunStatus.RUNNING, lease_expires_at__lt=now).values_list(
        "pk", "attempt", "lease_expires_at", "lease_owner")
    alive = live_worker_ids()
    for run_id, attempt, expires, owner in list(expired):
        worker_id = owner.rsplit(":", 1)[0] if owner and owner != REQUEUED else None
        if worker_id and alive is not None and worker_id in alive and expires > now - 3 * lease:
            # Its worker still beats: a renewal that is late (a busy database), not a death.
            # Taking the run over would run it twice and count a crash that did not happen.
            counts["spared"] += 1
            continue
        if attempt >= int(_knobs()["MAX_RUN_ATTEMPTS"]):
            counts["failed"] += fail_exhausted(run_id, attempt)
        elif transitions.requeue(run_id, expires):
            counts["requeued"] += 1
    stale = now - timedelta(seconds=max(60.0, 2 * _knobs()["LEASE_SECONDS"]))
    for run_id, enqueued in list(Run.objects.filter(status=RunStatus.QUEUED, enqueued_at__lt=stale)
                                 .values_list("pk", "enqueued_at")):
        if transitions.resend(run_id, enqueued):
            counts["resent"] += 1
    return counts


# ---------------------------------------------------------------- graceful shutdown


def held_runs() -> list[int]:
    with _held_lock:
        return sorted(_held)


def stop_gracefully(grace_s: float | None = None) -> int:
    """Stop taking runs; let the held ones finish for ``grace_s`` seconds; hand back the rest.

    Returns how many runs were handed back. Blocks until every engine of this process has
    stopped (a handed-back engine stops within one lease tick)."""
    _stopping.set()
    grace = float(_knobs()["SHUTDOWN_GRACE_SECONDS"]) if grace_s is None else grace_s
    deadline = time.monotonic() + grace
    while held_runs() and time.monotonic() < deadline:
        time.sleep(0.1)
    handed = 0
    loop = shared_loop()
    with _held_lock:
        items = list(_held.items())
    try:
        for run_id, (token, engine) in items:
            try:
                released = hand_back(run_id, token)
            except Exception as exc:  # the database is away: the lease will expire instead
                log.warning("run %s: could not hand back (%s); its lease will expire", run_id, exc)
                continue  # cancelling now would record the run as cancelled
            handed += released
            loop.call_soon_threadsafe(engine.cancel)  # a copy that lost its lease stops writing
    finally:
        close_old_connections()
    until = time.monotonic() + 10
    while held_runs() and time.monotonic() < until:
        time.sleep(0.05)
    if handed:
        log.warning("shutdown: handed back %d run(s) after a %.0f s grace period", handed, grace)
    return handed
