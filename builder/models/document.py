"""A workspace's document: pasted or uploaded text. Extraction and the run-time look-up are in
:mod:`builder.documents`."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from builder.models.workspace import Workspace

MAX_NAME = 200


class Source(models.TextChoices):
    PASTE = "paste"
    TXT = "txt"
    MD = "md"
    PDF = "pdf"


class Document(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=MAX_NAME)
    content = models.TextField()
    size = models.PositiveIntegerField(help_text="Bytes of the upload (or of the pasted text as UTF-8).")
    source = models.CharField(max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="document_ws_created")]

    def meta(self) -> dict[str, Any]:
        """Everything but the content."""
        return {"id": self.pk, "workspace": self.workspace_id, "name": self.name, "size": self.size,
                "chars": len(self.content), "source": self.source,
                "created_by": self.created_by.get_username() if self.created_by else None,
                "created_at": self.created_at.isoformat()}
