"""Run time: a run, its per-node records and its event log (the source of truth)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from builder.models import Pipeline, PipelineVersion

WHOLE_NODE = -1  # NodeRun.item for a node's own record (map items count from 0)


class RunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class Run(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(PipelineVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    graph = models.JSONField()  # the exact graph that runs, snapshotted at creation
    inputs = models.JSONField(default=dict)
    outputs = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cost = models.FloatField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    reused = models.JSONField(default=dict, blank=True)  # node id -> the run whose outputs it reuses
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["pipeline", "-created_at"]),
            models.Index(fields=["status", "lease_expires_at"]),
        ]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def usage(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


class NodeRun(models.Model):
    """One node's record in a run (``item`` = WHOLE_NODE), or one map item's."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="node_runs")
    node_id = models.CharField(max_length=100)
    item = models.IntegerField(default=WHOLE_NODE)
    status = models.CharField(max_length=10, default="pending")
    inputs = models.JSONField(null=True, blank=True)
    outputs = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cost = models.FloatField(null=True, blank=True)
    model = models.CharField(max_length=100, blank=True, default="")
    reused_from = models.BigIntegerField(null=True, blank=True)  # id of the run these outputs were recorded in

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "node_id", "item"], name="one_record_per_node_item")]


class RunEvent(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=20)
    node_id = models.CharField(max_length=100, blank=True, default="")
    item = models.IntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    ts = models.FloatField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="gap_free_seq_per_run")]

    def as_message(self) -> dict[str, Any]:
        return event_message(self.seq, self.type, self.node_id or None, self.item, self.payload, self.ts)


def event_message(seq: int, type_: str, node_id: str | None, item: int | None,
                  payload: dict[str, Any], ts: float) -> dict[str, Any]:
    """The one wire shape of an event (REST pages, websocket, SSE)."""
    return {"seq": seq, "type": type_, "node_id": node_id, "item": item, "payload": payload, "ts": ts}


class PruneRecord(models.Model):
    """What one retention pass removed from a pipeline's run history (see runs/retention.py)."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="prune_records")
    pruned_at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField(null=True, blank=True)  # runs finished before this went
    keep_runs = models.PositiveIntegerField(null=True, blank=True)  # finished runs beyond the newest N went
    runs = models.PositiveIntegerField(default=0)
    node_runs = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    newest_pruned_at = models.DateTimeField(null=True, blank=True)  # when the newest pruned run finished

    class Meta:
        ordering = ["-pruned_at", "-id"]
        indexes = [models.Index(fields=["pipeline", "-pruned_at"])]
