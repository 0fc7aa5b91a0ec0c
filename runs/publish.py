"""Publishing stored events to the run's channel-layer group (at-most-once by design: the
database is the source of truth and watchers fill gaps from it)."""
from __future__ import annotations

from typing import Any

from channels.layers import get_channel_layer


def run_group(run_id: int) -> str:
    return f"run.{run_id}"


async def publish_events(run_id: int, messages: list[dict[str, Any]]) -> None:
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    await layer.group_send(run_group(run_id), {"type": "run.events", "events": messages})
