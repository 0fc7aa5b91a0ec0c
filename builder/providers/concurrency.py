"""Per-event-loop state for provider clients.

A worker process runs many event loops, one per thread. asyncio primitives and async HTTP
clients belong to the loop they were created on, so both the concurrency limit
(an :class:`asyncio.Semaphore` per provider) and the SDK clients are kept per loop, in weak
maps that forget a loop once it is gone.
"""
from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_CONCURRENCY = 16


class PerLoop(Generic[T]):
    """One value per running event loop, made on first use by ``factory``."""

    def __init__(self, factory: Callable[[], T]):
        self._factory = factory
        self._lock = threading.Lock()
        self._values: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        with self._lock:
            value = self._values.get(loop)
            if value is None:
                value = self._factory()
                self._values[loop] = value
            return value

    def pop(self) -> T | None:
        """Forget (and return) the running loop's value, if it has one."""
        loop = asyncio.get_running_loop()
        with self._lock:
            return self._values.pop(loop, None)

    def values(self) -> list[T]:
        with self._lock:
            return list(self._values.values())


_limits_lock = threading.Lock()
_limits: dict[tuple[str, int], PerLoop[asyncio.Semaphore]] = {}


def limiter(provider: str, limit: int = DEFAULT_CONCURRENCY) -> asyncio.Semaphore:
    """The semaphore that bounds concurrent calls to ``provider`` on the running loop.

    Every client of the same provider (and the same limit) in this process shares it."""
    limit = max(1, int(limit))
    key = (provider, limit)
    with _limits_lock:
        per_loop = _limits.get(key)
        if per_loop is None:
            per_loop = _limits[key] = PerLoop(lambda: asyncio.Semaphore(limit))
    return per_loop.get()
