"""A stored provider credential: its secret as a Fernet token, never in the clear.

The model holds data only. Encrypting, decrypting and resolving a credential for a run live in
:mod:`builder.credentials`, which imports this model (never the reverse)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from builder.models.workspace import Workspace
from builder.providers.registry import PROVIDERS


class Credential(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="credentials")
    # Model providers, plus "http": a secret that http.request sends in a header under base_url.
    provider = models.CharField(max_length=40, choices=[*((p.name, p.title) for p in PROVIDERS.values()),
                                                        ("http", "HTTP header (for HTTP request nodes)")])
    name = models.CharField(max_length=120)
    secret_encrypted = models.TextField()
    hint = models.CharField(max_length=40, blank=True, default="")
    base_url = models.CharField(max_length=2000, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="one_credential_name_per_ws")]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider}, {self.hint})"
