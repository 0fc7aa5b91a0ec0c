"""The channel layer (fomo/channel_layer.py) against the real Redis: a process that had no
subscription receives group messages after its first subscription, repeatedly, and the
receiver in use is fomo's (it wakes on subscribe instead of sleeping in 100 ms steps)."""
from __future__ import annotations

import asyncio
import uuid

from django.conf import settings

from fomo.channel_layer import PromptPubSubChannelLayer, _PromptShard


def test_groups_deliver_after_idle_periods_through_the_prompt_receiver():
    layer = PromptPubSubChannelLayer(hosts=[settings.REDIS_URL], prefix=f"t{uuid.uuid4().hex[:8]}")

    async def scenario() -> list[int]:
        got: list[int] = []
        try:
            for i in range(3):  # subscribe, receive, unsubscribe: the process goes idle each time
                channel = await layer.new_channel()
                await layer.group_add("run.1", channel)
                await layer.group_send("run.1", {"type": "run.events", "n": i})
                message = await asyncio.wait_for(layer.receive(channel), 5)
                got.append(message["n"])
                await layer.group_discard("run.1", channel)
                await asyncio.sleep(0.15)
            assert all(isinstance(s, _PromptShard) for s in layer._get_layer()._shards)
        finally:
            await layer.flush()
        return got

    assert asyncio.run(scenario()) == [0, 1, 2]
