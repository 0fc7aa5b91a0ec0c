"""Reading a run's log: the one query behind the REST pages (``/api/runs/<id>/events``), the
websocket (runs/consumers.py) and the SSE stream (runs/live.py). Each reads the events after a
``seq`` it has, in ``seq`` order, a page at a time, in the one wire shape of
:func:`runs.models.event_message`."""
from __future__ import annotations

from typing import Any

from runs.models import TERMINAL, RunEvent

PAGE = 500  # what a live stream reads from the database at once


def events_after(run_id: int, after: int, limit: int = PAGE) -> list[dict[str, Any]]:
    """At most ``limit`` events of the run with ``seq > after``, oldest first."""
    rows = RunEvent.objects.filter(run_id=run_id, seq__gt=after).order_by("seq")[:limit]
    return [r.as_message() for r in rows]


def page(run_id: int, status: str, after: int, limit: int) -> dict[str, Any]:
    """A REST page of the log: its events, the last ``seq`` it holds (``after`` when empty), and
    whether it is the end (the run is terminal and nothing follows)."""
    events = events_after(run_id, after, limit)
    last = events[-1]["seq"] if events else after
    done = status in TERMINAL and not RunEvent.objects.filter(run_id=run_id, seq__gt=last).exists()
    return {"events": events, "last_seq": last, "done": done}
