"""What the memory nodes share: the session input and the store call off the event loop.

Both nodes name a session by the ``session`` input (a chat's session id) and reach the store
through ``ctx.services.memory()``, bound to the run's workspace.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from builder.nodes.base import NodeError

T = TypeVar("T")


def session_of(inputs: dict[str, Any]) -> str:
    session = inputs.get("session")
    if not isinstance(session, str) or not session.strip():
        raise NodeError("connect a non-empty session id", kind="bad_input", field="session")
    return session


async def call(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking store call off the event loop; a malformed session id is a node error."""
    try:
        return await asyncio.to_thread(fn, *args)
    except ValueError as exc:
        raise NodeError(str(exc), kind="bad_input", field="session") from None
