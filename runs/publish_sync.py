"""Publishing from synchronous code (views, the sweeper), always after the commit."""
from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

from runs.publish import publish_events

log = logging.getLogger(__name__)


def publish_after_commit(run_id: int, messages: list[dict[str, Any]]) -> None:
    def send() -> None:
        try:
            async_to_sync(publish_events)(run_id, messages)
        except Exception as exc:  # best-effort: watchers replay from the database
            log.warning("run %s: publish failed (%s)", run_id, exc)

    transaction.on_commit(send)
