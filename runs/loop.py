"""One asyncio event loop per worker process, on its own thread.

Celery's thread pool bounds how many runs a process holds; every run's engine executes on
this shared loop, so provider connection pools, per-provider concurrency limits and the
channel layer's Redis connections are shared by all runs of the process.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def shared_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="fomo-engine-loop", daemon=True)
            thread.start()
            _loop = loop
        return _loop


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on the shared loop and block the calling thread until it ends."""
    return asyncio.run_coroutine_threadsafe(coro, shared_loop()).result()
