"""The Django-backed event sink: events are written first, then published.

The engine calls :meth:`DjangoSink.emit` without blocking. One flusher task per run takes
whatever has accumulated, folds it into node records and hands it to the process's group
writer (:mod:`runs.writer`), which commits the pending batches of every run in this process
in one transaction; the flusher then publishes its batch to the run's channel-layer group.
While a write is in flight new events pile up, so batches grow exactly when the database is
the bottleneck. ``seq`` is allocated here, gap-free, by the only writer: the worker that holds
the run's lease. A second writer would collide on the unique (run, seq) constraint and stop
(:class:`LostRun`). Payloads and node values are made storable here, once, before anything is
written or published (:func:`fomo.jsonsafe.storable`: a lone surrogate or a NUL a node produced
becomes U+FFFD, NaN becomes null, values nested past 200 levels are cut).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from fomo.jsonsafe import storable
from runs.engine.events import Event
from runs.models import WHOLE_NODE, event_message
from runs.publish import publish_events
from runs.sink_sql import NodeRecord
from runs.transitions import finish_columns
from runs.writer import WRITER, LostRun, RunWrite

__all__ = ["DjangoSink", "LostRun"]

log = logging.getLogger(__name__)


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


class DjangoSink:
    def __init__(self, run_id: int, *, next_seq: int, known_nodes: dict[tuple[str, int], NodeRecord],
                 lease_owner: str, started_at: datetime | None = None):
        self.run_id = run_id
        self.started_at = started_at
        self.next_seq = next_seq
        self.lease_owner = lease_owner
        self._nodes = known_nodes
        self._buffer: list[Event] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._failure: BaseException | None = None
        self._task: asyncio.Task[None] | None = None

    # ---------------------------------------------------------------- engine side

    def emit(self, event: Event) -> None:
        if self._failure is not None:
            return
        buf = self._buffer
        if event.type == "node.token" and buf:
            last = buf[-1]
            if (last.type == "node.token" and last.node_id == event.node_id and last.item == event.item
                    and last.payload.get("attempt") == event.payload.get("attempt")
                    and not event.payload.get("void") and not last.payload.get("void")):
                last.payload["text"] += event.payload.get("text", "")
                return
        buf.append(event)
        self._idle.clear()
        self._wake.set()
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._flusher())

    async def flush(self) -> None:
        await self._idle.wait()
        if self._failure is not None:
            raise LostRun(str(self._failure)) from self._failure

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def failed(self) -> bool:
        return self._failure is not None

    # ---------------------------------------------------------------- flushing

    async def _flusher(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._buffer = self._buffer, []
            if not batch:
                self._idle.set()
                continue
            write, messages, created = self._prepare(batch)
            try:
                await asyncio.wrap_future(WRITER.submit(write))
            except BaseException as exc:  # the run cannot be recorded: stop accepting events
                for key in created:
                    self._nodes.pop(key, None)
                self._failure = exc
                self._buffer.clear()
                self._idle.set()
                log.error("run %s: event write failed: %s", self.run_id, exc)
                return
            self.next_seq += len(batch)
            try:
                await publish_events(self.run_id, messages)
            except Exception as exc:  # the channel layer is best-effort; the database is the truth
                log.warning("run %s: publish failed (%s); clients will catch up by replay", self.run_id, exc)
            if not self._buffer:
                self._idle.set()

    def _prepare(self, batch: list[Event]) -> tuple[RunWrite, list[dict[str, Any]], set[tuple[str, int]]]:
        """Number the batch, fold it into the node records and say what to write."""
        seq = self.next_seq
        rows: list[tuple[int, int, str, str, int | None, dict[str, Any], float]] = []
        messages: list[dict[str, Any]] = []
        touched: dict[tuple[str, int], NodeRecord] = {}
        created: set[tuple[str, int]] = set()
        finished: Event | None = None
        for ev in batch:
            # The one place a run's values become storable: everything below (the event rows, the
            # node records, the run row and the published messages) reads these repaired copies.
            ev.payload = storable(ev.payload)
            ev.data = storable(ev.data)
            rows.append((self.run_id, seq, ev.type, ev.node_id or "", ev.item, ev.payload, ev.ts))
            messages.append(event_message(seq, ev.type, ev.node_id, ev.item, ev.payload, ev.ts))
            seq += 1
            if ev.node_id is not None and ev.type != "node.token":
                key = (ev.node_id, WHOLE_NODE if ev.item is None else ev.item)
                record = self._nodes.get(key)
                if record is None:
                    record = NodeRecord(node_id=key[0], item=key[1])
                    self._nodes[key] = record
                    created.add(key)
                _apply(record, ev)
                touched[key] = record
            elif ev.type == "run.finished":
                finished = ev
        write = RunWrite(
            run_id=self.run_id, lease_owner=self.lease_owner, events=rows,
            new_nodes=[touched[k] for k in touched if k in created],
            old_nodes=[touched[k] for k in touched if k not in created],
            finish=finish_columns(finished, self.started_at) if finished is not None else None,
        )
        return write, messages, created


def _apply(record: NodeRecord, ev: Event) -> None:
    """Fold one node event into the node's record."""
    p = ev.payload
    data = ev.data or {}
    if ev.type == "node.started":
        record.status = "running"
        record.attempts = max(record.attempts, int(p.get("attempt", 1)))
        record.started_at = _dt(ev.ts)
        record.finished_at = None
        record.error = None
        if "inputs" in data:
            record.inputs = data["inputs"]
    elif ev.type == "node.finished":
        record.status = "succeeded"
        record.attempts = max(record.attempts, int(p.get("attempt", 1)))
        record.outputs = data.get("outputs", p.get("outputs_preview"))
        if "inputs" in data:
            record.inputs = data["inputs"]
        record.error = None
        record.finished_at = _dt(ev.ts)
        record.duration_ms = p.get("duration_ms")
        usage = p.get("usage") or {}
        record.prompt_tokens = int(usage.get("prompt_tokens") or 0)
        record.completion_tokens = int(usage.get("completion_tokens") or 0)
        record.model = str(usage.get("model") or "")[:100]
        record.cost = p.get("cost")
    elif ev.type == "node.failed":
        record.attempts = max(record.attempts, int(p.get("attempt", 1)))
        record.error = p.get("error")
        record.duration_ms = p.get("duration_ms")
        if not p.get("will_retry"):
            record.status = "failed"
            record.finished_at = _dt(ev.ts)
    elif ev.type == "node.skipped":
        record.status = str(p.get("state", "skipped"))
        record.error = {"kind": record.status, "message": p.get("reason", "")} if p.get("reason") else None
        record.finished_at = _dt(ev.ts)
