"""The channel layer: channels_redis's pub/sub layer, with a receiver that wakes at once.

Upstream's receive loop sleeps 100 ms at a time while a process has no subscriptions, so the
first watcher of a quiet web process (a person opening their first run) waited up to 100 ms
for every event until the loop noticed the new subscription. Here a subscription wakes the
loop immediately; everything else is upstream's.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisSingleShardConnection

log = logging.getLogger(__name__)


class _PromptShard(RedisSingleShardConnection):
    _wake: asyncio.Event | None = None

    def _event(self) -> asyncio.Event:
        if self._wake is None:
            self._wake = asyncio.Event()
        return self._wake

    async def subscribe(self, channel: str) -> None:
        await super().subscribe(channel)
        self._event().set()

    async def _do_receiving(self) -> None:
        wake = self._event()
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    self._receive_message(message)
                else:
                    wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), 0.1)
            except (asyncio.CancelledError, GeneratorExit):
                raise
            except BaseException:
                log.exception("channel layer receive loop failed; retrying in 1 s")
                await asyncio.sleep(1)


class PromptPubSubChannelLayer(RedisPubSubChannelLayer):
    def _get_layer(self) -> Any:
        layer = super()._get_layer()
        if not getattr(layer, "_fomo_prompt", False):
            layer._shards = [_PromptShard(shard.host, layer) for shard in layer._shards]
            layer._fomo_prompt = True
        return layer
