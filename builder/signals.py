"""Design time's signals: every new user gets a personal workspace they own; and what builder
tells the apps above it (the activity list in teams listens) without importing them."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

# A person changed a pipeline's draft: sent with ``pipeline``, ``user`` and ``summary`` (one line
# saying what they did) inside the transaction of the change, so both land or neither does.
pipeline_edited = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def give_personal_workspace(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        from builder.models import Workspace

        Workspace.create_personal(instance)
