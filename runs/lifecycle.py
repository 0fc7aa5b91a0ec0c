"""Moved to :mod:`runs.transitions`, the one writer of a run's state; these names stay until
every caller imports them from there."""
from __future__ import annotations

from runs.transitions import create as create_run
from runs.transitions import enqueue, request_cancel
from runs.transitions import finish as finish_without_worker

__all__ = ["create_run", "enqueue", "finish_without_worker", "request_cancel"]
