"""Run transitions that happen outside the engine: creation, cancellation of a queued run,
and failing a run that no worker can finish. Each transition is written once, here."""
from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from builder.graph import validate, validate_inputs
from builder.models import Pipeline, PipelineVersion
from fomo.errors import InvalidGraph, InvalidInputs
from runs.models import TERMINAL, Run, RunEvent, RunStatus, event_message


def create_run(pipeline: Pipeline, user: Any, inputs: Any, version: PipelineVersion | None,
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
    return run


def enqueue(run_id: int) -> None:
    from runs.tasks import execute_run

    execute_run.delay(run_id)


def request_cancel(run: Run) -> Run:
    """Cancel at once if no worker has claimed the run yet, else ask the worker to stop."""
    if run.status == RunStatus.QUEUED and finish_without_worker(run.pk, RunStatus.CANCELLED, None,
                                                               only_if=(RunStatus.QUEUED,)):
        run.refresh_from_db()
        return run
    Run.objects.filter(pk=run.pk).exclude(status__in=TERMINAL).update(cancel_requested=True)
    run.refresh_from_db()
    return run


def finish_without_worker(run_id: int, status: str, error: dict[str, Any] | None,
                          only_if: tuple[str, ...] = (RunStatus.QUEUED, RunStatus.RUNNING)) -> bool:
    """Write a terminal state and its ``run.finished`` event in one transaction, if the run
    is still in one of ``only_if``. Returns whether this call did it."""
    from runs.publish_sync import publish_after_commit

    now = timezone.now()
    with transaction.atomic():
        if not Run.objects.filter(pk=run_id, status__in=only_if).update(
            status=status, error=error, finished_at=now, lease_owner="", lease_expires_at=None
        ):
            return False
        seq = (RunEvent.objects.filter(run_id=run_id).aggregate(m=Max("seq"))["m"] or 0) + 1
        payload = {"status": status, "outputs_preview": {}, "error": error,
                   "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                   "cost": None, "duration_ms": None}
        ts = time.time()
        RunEvent.objects.create(run_id=run_id, seq=seq, type="run.finished", payload=payload, ts=ts)
        publish_after_commit(run_id, [event_message(seq, "run.finished", None, None, payload, ts)])
    return True
