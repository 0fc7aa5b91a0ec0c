"""Activity for objects whose creation already names who did it: pipelines, versions, runs."""
from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from builder.models import Pipeline, PipelineVersion
from runs.models import Run
from teams.activity import record, runs_listed


@receiver(post_save, sender=Pipeline)
def pipeline_created(sender: Any, instance: Pipeline, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        record(instance.workspace_id, instance.created_by, "created", "pipeline", instance.pk,
               f"created pipeline “{instance.name}”")


@receiver(post_save, sender=PipelineVersion)
def version_created(sender: Any, instance: PipelineVersion, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        pipeline = instance.pipeline
        record(pipeline.workspace_id, instance.author, "versioned", "pipeline", pipeline.pk,
               f"saved version {instance.number} of “{pipeline.name}”"
               + (f": {instance.message}" if instance.message else ""))


@receiver(post_save, sender=Run)
def run_created(sender: Any, instance: Run, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw") and runs_listed():
        pipeline = instance.pipeline
        record(pipeline.workspace_id, instance.started_by, "ran", "pipeline", pipeline.pk,
               f"ran “{pipeline.name}” (run {instance.pk})")
