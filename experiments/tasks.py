"""Celery entry points of experiments. Thin: ids in, logic in ``experiments.dispatch``."""
from __future__ import annotations

from celery import shared_task

from experiments import dispatch


@shared_task(name="experiments.drive", acks_late=True, ignore_result=True)
def drive(experiment_id: int) -> None:
    """Dispatch an experiment's runs until every cell is scored. Idempotent: a duplicate
    delivery finds the dispatcher lease held (or the experiment over) and does nothing."""
    dispatch.drive(experiment_id)
