"""Following a run from a request: waiting for it to end (``?wait=``), the SSE stream, and the
event follower the chat widget's stream (teams/embed.py) uses too.

Both subscribe to the run's channel-layer group first and then read the database, so nothing
published in between is missed; the channel layer may drop messages, so both also re-read the
database whenever they have heard nothing for a while. The database is the source of truth.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from builder.policy import member_group, token_group
from fomo.http import sse
from runs.eventlog import PAGE, events_after
from runs.models import TERMINAL, Run
from runs.publish import run_group

log = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 2.0  # re-read the database after this long without a message
KEEPALIVE_SECONDS = 15.0


def _is_terminal(run_id: int) -> bool:
    return Run.objects.filter(pk=run_id, status__in=TERMINAL).exists()


async def _wait(run_id: int, timeout: float) -> bool:
    layer = get_channel_layer()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    channel = await layer.new_channel() if layer else None
    if layer and channel:
        await layer.group_add(run_group(run_id), channel)
    try:
        while True:
            # Back on the request's own thread and connection (this runs inside async_to_sync).
            if await sync_to_async(_is_terminal)(run_id):
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            step = min(remaining, IDLE_CHECK_SECONDS)
            if layer is None or channel is None:
                await asyncio.sleep(min(step, 0.2))
                continue
            with contextlib.suppress(TimeoutError):  # then re-read the database
                await asyncio.wait_for(layer.receive(channel), timeout=step)
    finally:
        if layer and channel:
            with contextlib.suppress(Exception):  # the group entry expires on its own
                await layer.group_discard(run_group(run_id), channel)


def wait_for_run(run_id: int, timeout: float) -> bool:
    """Block until the run is terminal or ``timeout`` seconds pass; whether it ended."""
    if timeout <= 0:
        return _is_terminal(run_id)
    return async_to_sync(_wait)(run_id, timeout)


KEEPALIVE = "keepalive"  # yielded by follow() after KEEPALIVE_SECONDS without an event
CLOSED = "closed"  # yielded by follow() when the listener lost access; nothing follows


async def follow(run_id: int, after: int, groups: list[str]) -> AsyncGenerator[dict[str, Any] | str, None]:
    """The run's events after ``after``, each ``seq`` exactly once and in order, up to and
    including ``run.finished``; :data:`KEEPALIVE` when it has been quiet for a while and
    :data:`CLOSED` (then the end) when a ``force.close`` reaches one of ``groups``.

    Subscribes to the run's group (and ``groups``) before reading the database."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    groups = [run_group(run_id), *groups]
    for group in groups:
        await layer.group_add(group, channel)
    last = after
    loop = asyncio.get_running_loop()

    async def catch_up() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            events = await database_sync_to_async(events_after)(run_id, out[-1]["seq"] if out else last)
            out.extend(events)
            if len(events) < PAGE:
                return out

    try:
        quiet_since = loop.time()
        pending = await catch_up()
        while True:
            for e in pending:
                yield e
                last = e["seq"]
                if e["type"] == "run.finished":
                    return
            if pending:
                quiet_since = loop.time()
            elif loop.time() - quiet_since > KEEPALIVE_SECONDS:
                yield KEEPALIVE
                quiet_since = loop.time()
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=IDLE_CHECK_SECONDS)
            except TimeoutError:
                message = None
            if message is not None and message.get("type") in ("force.close", "token.revoked"):
                yield CLOSED
                return
            fresh = [e for e in (message or {}).get("events", []) if e["seq"] > last]
            if message is None or (fresh and fresh[0]["seq"] != last + 1):
                pending = await catch_up()  # idle, or a message was dropped: read the database
            else:
                pending = fresh
    finally:
        for group in groups:
            with contextlib.suppress(Exception):  # the group entry expires on its own
                await layer.group_discard(group, channel)


async def sse_stream(run_id: int, after: int, workspace_id: int, user_id: int | None,
                     token_id: int | None = None) -> AsyncIterator[bytes]:
    """The run's events after ``after`` as server-sent events, each ``seq`` exactly once and
    in order, ending after ``run.finished``. A member removed from the workspace meanwhile, or
    the API token the stream was opened with being revoked, gets an ``event: closed`` and the
    end of the stream."""
    groups = [member_group(workspace_id, user_id)] if user_id is not None else []
    groups += [token_group(token_id)] if token_id is not None else []
    yield b"retry: 2000\n\n"
    async with contextlib.aclosing(follow(run_id, after, groups)) as events:
        async for item in events:
            if item == KEEPALIVE:
                yield b": keepalive\n\n"
            elif item == CLOSED:
                yield b'event: closed\ndata: {"reason":"access revoked"}\n\n'
                return
            elif isinstance(item, dict):
                yield sse.frame(item, id=item["seq"])
