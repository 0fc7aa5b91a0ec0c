"""What the LLM stub records of each request, and the faults it can be told to inject."""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Fault:
    status: int | None = None
    retry_after: str | None = None
    body: Any = None
    hang_s: float | None = None
    cut_after: int | None = None
    truncate_after: int | None = None
    path: str | None = None

    def describe(self) -> str:
        for name in ("status", "hang_s", "cut_after", "truncate_after"):
            value = getattr(self, name)
            if value is not None:
                return f"{name}={value}"
        return "none"


class FaultQueue:
    """Faults for the next requests, first in first out. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()

    def push(self, *, status: int | None = None, retry_after: str | float | None = None, body: Any = None,
             hang_s: float | None = None, cut_after: int | None = None, truncate_after: int | None = None,
             path: str | None = None, times: int = 1) -> None:
        fault = Fault(status, None if retry_after is None else str(retry_after), body, hang_s, cut_after,
                      truncate_after, path)
        with self._lock:
            for _ in range(times):
                self._queue.append(fault)

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self._queue):
                if fault.path is None or fault.path == path:
                    del self._queue[i]
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._queue)


@dataclass(slots=True)
class Recorded:
    path: str
    model: str | None
    stream: bool
    start: float
    end: float | None = None
    status: int | None = None
    fault: str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    emitted: list[float] = field(default_factory=list)  # time.time() each streamed delta was written
