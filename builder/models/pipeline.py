"""Pipelines with their draft (saved by compare-and-set) and their append-only version history."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from builder.models.workspace import Workspace
from fomo.errors import StaleRevision


def empty_graph() -> dict[str, Any]:
    return {"schema": 1, "nodes": [], "edges": []}


class Pipeline(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="pipelines")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    draft = models.JSONField(default=empty_graph)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["workspace", "-updated_at"])]

    def __str__(self) -> str:
        return self.name

    def save_draft(self, graph: dict[str, Any], base_revision: int, user: Any) -> None:
        """Compare-and-set on ``revision``: a save based on an older revision raises
        :class:`StaleRevision` carrying the current state; nothing is overwritten."""
        now = timezone.now()
        updated = Pipeline.objects.filter(pk=self.pk, revision=base_revision).update(
            draft=graph, revision=F("revision") + 1, updated_by=user, updated_at=now
        )
        self.refresh_from_db(fields=["draft", "revision", "updated_by", "updated_at"])
        if updated != 1:
            raise StaleRevision(
                f"This pipeline was saved by {self.updated_by_name} since revision {base_revision}; "
                f"the current revision is {self.revision}.",
                details={
                    "current_revision": self.revision,
                    "updated_by": self.updated_by_name,
                    "updated_at": self.updated_at.isoformat(),
                    "graph": self.draft,
                },
            )

    @property
    def updated_by_name(self) -> str | None:
        return self.updated_by.get_username() if self.updated_by else None

    @transaction.atomic
    def add_version(self, graph: dict[str, Any], author: Any, message: str) -> PipelineVersion:
        last = (
            PipelineVersion.objects.select_for_update().filter(pipeline=self).order_by("-number").first()
        )
        number = (last.number if last else 0) + 1
        return PipelineVersion.objects.create(
            pipeline=self, number=number, graph=graph, author=author, message=message
        )


class PipelineVersion(models.Model):
    """An immutable snapshot of a pipeline's graph."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    graph = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["pipeline", "number"], name="one_number_per_version")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("pipeline versions are immutable")
        super().save(*args, **kwargs)
