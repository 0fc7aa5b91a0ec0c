"""The workspace activity list: one call, :func:`record`, used by views and signals."""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.utils import timezone

from teams.models import Activity

COALESCE = timedelta(minutes=5)
_runs_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("fomo_runs_muted", default=False)


@contextlib.contextmanager
def runs_not_listed() -> Iterator[None]:
    """Runs created inside are not put on the activity list (chat widget turns: a visitor's
    message is not something a member did, and there may be thousands)."""
    token = _runs_muted.set(True)
    try:
        yield
    finally:
        _runs_muted.reset(token)


def runs_listed() -> bool:
    return not _runs_muted.get()


def record(workspace_id: int, actor: Any, verb: str, object_type: str, object_id: Any, summary: str) -> Activity:
    """Append one line. A draft save (``edited``) right after the same person's previous
    save of the same object, within :data:`COALESCE`, extends that line instead."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    if verb == "edited":
        last = Activity.objects.filter(workspace_id=workspace_id).order_by("-updated_at", "-id").first()
        if (last is not None and last.verb == "edited" and last.actor_id == getattr(actor, "pk", None)
                and last.object_type == object_type and last.object_id == str(object_id)
                and now - last.updated_at <= COALESCE):
            Activity.objects.filter(pk=last.pk).update(count=last.count + 1, updated_at=now, summary=summary[:300])
            last.refresh_from_db()
            return last
    return Activity.objects.create(workspace_id=workspace_id, actor=actor, verb=verb, object_type=object_type,
                                   object_id=str(object_id or ""), summary=summary[:300], created_at=now,
                                   updated_at=now)
