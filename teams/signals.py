"""Activity for objects whose creation already names who did it (pipelines, versions, runs), and
for draft edits builder announces (builder.signals.pipeline_edited)."""
from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from builder.models import Pipeline, PipelineVersion
from builder.signals import pipeline_edited
from runs.models import Run
from runs.transitions import runs_created
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


@receiver(pipeline_edited)
def pipeline_changed(sender: Any, pipeline: Pipeline, user: Any, summary: str, **kwargs: Any) -> None:
    record(pipeline.workspace_id, user, "edited", "pipeline", pipeline.pk, summary)


@receiver(runs_created)
def run_created(sender: Any, runs: list[Run], pipeline: Any, user: Any, **kwargs: Any) -> None:
    """One line per call: a run started from the editor or the API, or a batch (an experiment)."""
    if not runs or not runs_listed():
        return
    if len(runs) == 1:
        record(pipeline.workspace_id, user, "ran", "pipeline", pipeline.pk, f"ran “{pipeline.name}” (run {runs[0].pk})")
    else:
        record(pipeline.workspace_id, user, "ran", "pipeline", pipeline.pk, f"ran “{pipeline.name}” {len(runs)} times")
