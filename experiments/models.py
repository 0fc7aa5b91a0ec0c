"""Datasets (rows of pipeline inputs, optionally with an expected output) and experiments:
a pipeline run over a dataset under several variants, one ordinary :class:`runs.models.Run`
per (variant, row) pair, each recorded in a :class:`Cell` with its scores."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from builder.models import Pipeline, PipelineVersion, Workspace
from runs.models import Run


class Dataset(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    columns = models.JSONField(default=list)  # input column names, in file order
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["workspace", "-updated_at"])]


class DatasetRow(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    inputs = models.JSONField(default=dict)
    expected = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["dataset", "position"])]


class ExperimentStatus(models.TextChoices):
    RUNNING = "running"
    CANCELLING = "cancelling"  # cancel asked; some runs are still stopping (not terminal)
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Experiment(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="experiments")
    dataset = models.ForeignKey(Dataset, null=True, on_delete=models.SET_NULL, related_name="experiments")
    dataset_name = models.CharField(max_length=200, blank=True, default="")
    version = models.ForeignKey(PipelineVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    base_graph = models.JSONField()  # the pinned version's graph or the draft, as it was at creation
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ExperimentStatus.choices, default=ExperimentStatus.RUNNING)
    concurrency = models.PositiveIntegerField(default=10)
    output = models.CharField(max_length=200, blank=True, default="")
    scorers = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The dispatcher that feeds runs to the workers holds this lease (see experiments/dispatch.py).
    driver_owner = models.CharField(max_length=80, blank=True, default="")
    driver_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["pipeline", "-created_at"]),
                   models.Index(fields=["status", "driver_expires_at"])]


class Variant(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=100)
    overrides = models.JSONField(default=list)  # [{"node", "field", "value"}]
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]


class Cell(models.Model):
    """One (variant, row) pair: its run and, once the run is over, its output and scores."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="cells")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="cells")
    row = models.ForeignKey(DatasetRow, null=True, on_delete=models.SET_NULL, related_name="+")
    row_position = models.PositiveIntegerField()
    expected = models.TextField(null=True, blank=True)  # copied: editing the dataset later changes nothing here
    run = models.OneToOneField(Run, null=True, on_delete=models.SET_NULL, related_name="experiment_cell")
    status = models.CharField(max_length=10, default="queued")  # queued, running, then the run's terminal status
    scored = models.BooleanField(default=False)
    output = models.TextField(null=True, blank=True)
    scores = models.JSONField(default=dict)
    score_errors = models.JSONField(default=dict)
    judge_prompt_tokens = models.PositiveIntegerField(default=0)
    judge_completion_tokens = models.PositiveIntegerField(default=0)
    judge_cost = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["experiment", "updated_at"]),
                   models.Index(fields=["experiment", "scored"])]
