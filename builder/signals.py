"""Every new user gets a personal workspace they own."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def give_personal_workspace(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        from builder.models import Workspace

        Workspace.create_personal(instance)
