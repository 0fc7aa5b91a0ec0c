"""Teams and the public API: invites, share links, personal API tokens and the activity log.

Every secret here (invite links, share links, API tokens) is stored as a SHA-256 hash; the
plain value is shown once, when it is made.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from builder.models import Pipeline, Role, Workspace


class _Expiring(models.Model):
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def usable(self) -> bool:
        return not self.revoked and not self.expired


class Invite(_Expiring):
    """A link that makes whoever accepts it (logged in) a member with ``role``, until it
    expires or is revoked."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=10, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uses = models.PositiveIntegerField(default=0)


class ShareLink(_Expiring):
    """Read-only access to one pipeline (and optionally its runs) for anyone with the link."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    include_runs = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")


class ApiToken(_Expiring):
    """A personal API token ``fomo_<prefix>_<secret>``: looked up by its visible prefix,
    checked against the hash of the whole token. ``workspace`` limits what it can see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    workspace = models.ForeignKey(Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)


class Activity(models.Model):
    """One line of a workspace's activity list: who did what to which object, when.
    Consecutive draft saves by one person are coalesced (``count``, ``updated_at``)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=30)
    object_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=40, blank=True, default="")
    summary = models.CharField(max_length=300)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-updated_at"])]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "actor": self.actor.get_username() if self.actor else None, "verb": self.verb,
                "object_type": self.object_type, "object_id": self.object_id, "summary": self.summary,
                "count": self.count, "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat()}


class EmbedKey(models.Model):
    """A publishable key of the chat widget: lets pages on ``allowed_origins`` chat with one
    pipeline (its latest version), at most ``rate_per_minute`` requests a minute.

    Unlike the other secrets here the key is kept in clear: it is public by design (it sits in
    the script tag of every page that embeds the widget) and the owner must be able to copy the
    snippet again. What protects the pipeline is the origin list, the rate limit, rotation and
    that the key can do nothing but that one chat."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="embed_keys")
    key = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True, default="")
    allowed_origins = models.JSONField(default=list)
    rate_per_minute = models.PositiveIntegerField(default=20)
    revoked = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
