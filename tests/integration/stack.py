"""Kept for imports: the stack lives in :mod:`fomo.stack`."""
from __future__ import annotations

from fomo.stack import USERS, Api, Stack, read_events, start_stack

__all__ = ["USERS", "Api", "Stack", "read_events", "start_stack"]
