"""Celery entry points. Thin: ids in, logic in ``runs.worker``."""
from __future__ import annotations

from celery import shared_task

from runs import worker


@shared_task(name="runs.execute_run", acks_late=True, ignore_result=True)
def execute_run(run_id: int) -> None:
    """Claim and execute a run. Idempotent: a duplicate delivery finds the run claimed or
    finished and does nothing, which is why ``acks_late`` is safe here."""
    worker.execute(run_id)


@shared_task(name="runs.sweep", ignore_result=True)
def sweep() -> None:
    worker.sweep()
