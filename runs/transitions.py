"""The only writer of a run's state.

Every change of ``Run.status`` and of the lease columns happens here, and nowhere else:

    create, create_many       -> queued (or held for a feeder such as an experiment)
    claim, claim_many         queued (or running with an expired / handed-back lease) -> running
    renew                     keeps a running run's lease, reports a cancel request
    requeue                   running, lease expired -> running with the ``requeued`` marker, re-sent
    resend                    queued whose message was lost -> re-sent
    hand_back                 running under this lease -> requeued marker, attempt given back, re-sent
    request_cancel            queued -> cancelled at once; running -> ``cancel_requested``
    finish, finish_many       queued / running -> a terminal state, with its ``run.finished`` event

The engine's own path to a terminal state is its ``run.finished`` event, which the sink writes in
the same transaction as the columns that :func:`finish_columns` derives from it; a run finished
here gets its columns from the same function. Each transition writes its rows and its events in
one transaction and publishes after commit. Creation is announced (:data:`runs_created`) once per
call, for one run or many, so the bulk path is not a second way of creating runs.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone

from builder.graph import validate, validate_inputs
from builder.models import Pipeline, PipelineVersion
from fomo.errors import InvalidGraph, InvalidInputs
from runs.engine import events
from runs.models import TERMINAL, Run, RunEvent, RunStatus, event_message

log = logging.getLogger(__name__)

# Sent inside the creating transaction with ``runs=[Run, …]`` (one call of create/create_many),
# ``pipeline`` and ``user``.
runs_created = Signal()

REQUEUED = "requeued"  # the lease owner of a run waiting for another worker to take it over


def lease_seconds() -> float:
    return float(settings.FOMO["LEASE_SECONDS"])


def _lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=lease_seconds())


def enqueue(run_id: int) -> None:
    from runs.tasks import execute_run

    execute_run.delay(run_id)


# ---------------------------------------------------------------- creation


def create(pipeline: Pipeline, user: Any, inputs: Any, version: PipelineVersion | None,
           from_run: Any = None, from_node: Any = None) -> Run:
    """Validate the graph and the inputs, snapshot the graph and enqueue after commit.

    Nothing is created or enqueued when either is invalid.
    """
    graph = version.graph if version is not None else pipeline.draft
    plan, errors = validate(graph)
    if plan is None:
        raise InvalidGraph("The pipeline has errors; fix them before running.",
                           details={"errors": [e.as_dict() for e in errors]})
    if inputs is None:
        inputs = {}
    input_errors = validate_inputs(plan, inputs)
    if input_errors:
        raise InvalidInputs(input_errors[0].message, details={"errors": [e.as_dict() for e in input_errors]})
    from runs.reuse import copy_records, plan_reuse

    reuse = plan_reuse(pipeline, graph, plan, inputs, from_run, from_node)
    with transaction.atomic():
        run = Run.objects.create(pipeline=pipeline, version=version, graph=graph, inputs=inputs,
                                 started_by=user, enqueued_at=timezone.now(), reused=reuse)
        if reuse:
            copy_records(run, reuse)
        transaction.on_commit(lambda: enqueue(run.pk))
        _announce([run], pipeline, user)
    return run


def create_many(pipeline: Pipeline, user: Any, version: PipelineVersion | None,
                specs: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> list[Run]:
    """Create held runs, one per ``(graph, inputs)``, for a feeder that claims them itself
    (:func:`claim_many`); nothing is enqueued. The caller has validated every graph and inputs
    and holds the transaction."""
    now = timezone.now()
    runs = Run.objects.bulk_create([
        Run(pipeline=pipeline, version=version, graph=graph, inputs=inputs, started_by=user, created_at=now,
            enqueued_at=None) for graph, inputs in specs], batch_size=500)
    _announce(runs, pipeline, user)
    return runs


def _announce(runs: list[Run], pipeline: Pipeline, user: Any) -> None:
    # Inside the creating transaction, as post_save would be: what a receiver writes commits with the runs.
    runs_created.send(sender=Run, runs=runs, pipeline=pipeline, user=user)


# ---------------------------------------------------------------- the lease


def claim(run_id: int, token: str) -> Run | None:
    """Take a run for this worker under ``token``: a queued run, or a running one whose lease
    expired or was handed back. None when another worker holds it or it is finished."""
    now = timezone.now()
    expired = Q(status=RunStatus.RUNNING) & (Q(lease_expires_at__lt=now) | Q(lease_owner=REQUEUED))
    claimed = Run.objects.filter(Q(status=RunStatus.QUEUED) | expired, pk=run_id).update(
        status=RunStatus.RUNNING, lease_owner=token, lease_expires_at=_lease_until(now),
        attempt=F("attempt") + 1, started_at=Coalesce("started_at", Value(now)),
    )
    if claimed != 1:
        return None
    run = Run.objects.select_related("pipeline").get(pk=run_id)
    run.claimed_at = now  # type: ignore[attr-defined]  # equals started_at on the first claim only
    return run


def claim_many(run_ids: list[int], token: str) -> list[Run]:
    """Claim held runs in one statement, as :func:`claim` does one: the runs a cancel took
    first are left out."""
    now = timezone.now()
    with transaction.atomic():
        Run.objects.filter(pk__in=run_ids, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, lease_owner=token, lease_expires_at=_lease_until(now), enqueued_at=now,
            attempt=F("attempt") + 1, started_at=Coalesce("started_at", Value(now)))
        return list(Run.objects.filter(pk__in=run_ids, lease_owner=token, status=RunStatus.RUNNING)
                    .only("pk", "graph", "inputs", "started_at", "attempt", "reused"))


def renew(run_id: int, token: str, extend: bool) -> tuple[bool, bool]:
    """One lease tick: ``(still held, cancel requested)``; extends the lease when ``extend``."""
    row = Run.objects.filter(pk=run_id, lease_owner=token).values_list("cancel_requested", flat=True).first()
    if row is None:
        return False, False
    if extend:
        Run.objects.filter(pk=run_id, lease_owner=token).update(lease_expires_at=_lease_until(timezone.now()))
    return True, bool(row)


def requeue(run_id: int, expires: datetime) -> bool:
    """Mark a run whose lease expired at ``expires`` for takeover and re-send it (the sweeper).
    Compare-and-set on the expiry, so two sweepers requeue it once."""
    now = timezone.now()
    if Run.objects.filter(pk=run_id, status=RunStatus.RUNNING, lease_expires_at=expires).update(
            lease_owner=REQUEUED, lease_expires_at=_lease_until(now)):
        enqueue(run_id)
        return True
    return False


def resend(run_id: int, enqueued: datetime | None) -> bool:
    """Re-send a queued run whose message was lost; compare-and-set on ``enqueued_at``."""
    if Run.objects.filter(pk=run_id, status=RunStatus.QUEUED, enqueued_at=enqueued).update(
            enqueued_at=timezone.now()):
        enqueue(run_id)
        return True
    return False


def hand_back(run_id: int, token: str) -> bool:
    """Release this worker's lease on a run and re-enqueue it, if the lease is still ours.

    The attempt it was counted as is given back: a worker that was asked to stop did not crash,
    so the run does not move closer to the attempt cap. Once the lease changes hands the sink's
    next write fails, so nothing of this copy lands after the hand-back; what was recorded before
    it is reused by the next worker."""
    released = Run.objects.filter(pk=run_id, status=RunStatus.RUNNING, lease_owner=token).update(
        lease_owner=REQUEUED, lease_expires_at=_lease_until(timezone.now()), attempt=F("attempt") - 1)
    if released:
        log.info("run %s: handed back (this worker is stopping)", run_id)
        enqueue(run_id)
    return bool(released)


# ---------------------------------------------------------------- the end


def request_cancel(run: Run) -> Run:
    """Cancel at once if no worker has claimed the run yet, else ask the worker to stop."""
    if run.status == RunStatus.QUEUED and finish(run.pk, RunStatus.CANCELLED, None, only_if=(RunStatus.QUEUED,)):
        run.refresh_from_db()
        return run
    Run.objects.filter(pk=run.pk).exclude(status__in=TERMINAL).update(cancel_requested=True)
    run.refresh_from_db()
    return run


def finish_columns(event: events.Event, started_at: datetime | None) -> dict[str, Any]:
    """The run row's columns once its ``run.finished`` event is written: the one projection of a
    run's end, used by the sink (the engine's path) and by :func:`finish_many`."""
    p = event.payload
    usage = p.get("usage") or {}
    finished_at = datetime.fromtimestamp(event.ts, tz=UTC)
    duration = (finished_at - started_at).total_seconds() * 1000 if started_at else p.get("duration_ms")
    return {
        "status": p.get("status", "failed"),
        "outputs": (event.data or {}).get("outputs", p.get("outputs_preview")),
        "error": p.get("error"),
        "finished_at": finished_at,
        "duration_ms": duration,
        "prompt_tokens": int(usage.get("prompt_tokens") or 0),
        "completion_tokens": int(usage.get("completion_tokens") or 0),
        "cost": p.get("cost"),
        "lease_owner": "",
        "lease_expires_at": None,
    }


def finish(run_id: int, status: str, error: events.ErrorInfo | None,
           only_if: tuple[str, ...] = (RunStatus.QUEUED, RunStatus.RUNNING)) -> bool:
    """End a run that no engine is running (never claimed, or its worker gave up), if it is still
    in one of ``only_if``. Returns whether this call did it."""
    return bool(finish_many([run_id], status, error, only_if))


def finish_many(run_ids: Iterable[int], status: str, error: events.ErrorInfo | None,
                only_if: tuple[str, ...] = (RunStatus.QUEUED, RunStatus.RUNNING)) -> list[int]:
    """End every run of ``run_ids`` still in one of ``only_if``: its terminal columns and its
    ``run.finished`` event in one transaction, published after commit. Returns the runs it ended."""
    from runs.publish_sync import publish_after_commit

    ids = list(run_ids)
    if not ids:
        return []
    event = events.run_finished(cast(events.RunStatus, str(status)), error)
    event.ts = time.time()
    columns = finish_columns(event, None)
    del columns["outputs"], columns["duration_ms"], columns["prompt_tokens"], columns["completion_tokens"]
    with transaction.atomic():
        ended = list(Run.objects.select_for_update().filter(pk__in=ids, status__in=only_if)
                     .values_list("pk", flat=True))
        if not ended:
            return []
        Run.objects.filter(pk__in=ended, status__in=only_if).update(**columns)
        last = dict(RunEvent.objects.filter(run_id__in=ended).values("run_id").annotate(m=Max("seq"))
                    .values_list("run_id", "m"))
        rows = [RunEvent(run_id=rid, seq=(last.get(rid) or 0) + 1, type=event.type, payload=event.payload,
                         ts=event.ts) for rid in ended]
        RunEvent.objects.bulk_create(rows, batch_size=500)
        for row in rows:
            publish_after_commit(row.run_id, [event_message(row.seq, event.type, None, None, event.payload,
                                                            event.ts)])
    return ended
