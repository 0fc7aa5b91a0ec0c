"""Workspaces and their members: everything in fomo belongs to one workspace."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    personal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="workspaces")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def create_personal(cls, user: Any) -> Workspace:
        ws = cls.objects.create(name=f"{user.get_username()}'s workspace", personal=True)
        Membership.objects.create(workspace=ws, user=user, role=Role.OWNER)
        return ws

    @classmethod
    def personal_of(cls, user: Any) -> Workspace:
        ws = cls.objects.filter(personal=True, membership__user=user, membership__role=Role.OWNER).first()
        return ws or cls.create_personal(user)


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")]
