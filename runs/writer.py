"""Group commit: one thread per process writes the pending batches of every run at once.

Each run's sink hands over one batch at a time (:class:`RunWrite`) and waits for it. The
writer takes everything queued, checks all the leases in one query, and writes all events,
node records and finished runs in one transaction, so 50 concurrent runs cost one commit
(and, on SQLite, one turn of the database's single write lock) instead of fifty that queue
behind each other in SQLite's sleeping busy handler. A batch whose run has been taken over
(its lease is someone else's, or its ``seq`` collides) fails alone: the group is retried
batch by batch under savepoints, and only that run stops (:class:`LostRun`).
"""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, close_old_connections, connection, transaction

from runs.models import Run
from runs.sink_sql import NodeRecord, insert_events, insert_nodes, update_nodes

log = logging.getLogger(__name__)

MAX_GROUP_ROWS = 5000  # events per transaction; a bigger backlog waits for the next one
IDLE_CLOSE_S = 2.0  # an idle writer gives its database connection back


class LostRun(Exception):
    """Another worker has taken this run over; stop writing."""


@dataclass(slots=True)
class RunWrite:
    run_id: int
    lease_owner: str
    events: list[tuple[int, int, str, str, int | None, dict[str, Any], float]]
    new_nodes: list[NodeRecord] = field(default_factory=list)
    old_nodes: list[NodeRecord] = field(default_factory=list)
    finish: dict[str, Any] | None = None  # the run row's columns, when this batch ends the run
    error: BaseException | None = None


def write_group(writes: list[RunWrite]) -> None:
    """Write ``writes`` in one transaction; a write whose run is no longer held gets ``error``."""
    with transaction.atomic():
        owners = dict(Run.objects.filter(pk__in={w.run_id for w in writes}).values_list("pk", "lease_owner"))
        held = []
        for w in writes:
            if owners.get(w.run_id) != w.lease_owner:
                w.error = LostRun(f"run {w.run_id} is no longer held by {w.lease_owner}")
            else:
                held.append(w)
        if not held:
            return
        try:
            with transaction.atomic():
                _write(held)
        except IntegrityError:  # one run's seq collided: find it, keep the others
            for w in held:
                try:
                    with transaction.atomic():
                        _write([w])
                except IntegrityError as exc:
                    w.error = LostRun(f"run {w.run_id}: another writer holds the event log ({exc})")


def _write(writes: list[RunWrite]) -> None:
    insert_events([row for w in writes for row in w.events])
    new = [(w.run_id, r) for w in writes for r in w.new_nodes]
    if new:
        insert_nodes(new)
    old = [(w.run_id, r) for w in writes for r in w.old_nodes]
    if old:
        update_nodes(old)
    for w in writes:
        if w.finish is not None:
            Run.objects.filter(pk=w.run_id).update(**w.finish)


class GroupWriter:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[RunWrite, Future[None]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, write: RunWrite) -> Future[None]:
        done: Future[None] = Future()
        self._queue.put((write, done))
        if self._thread is None or not self._thread.is_alive():
            with self._start:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._loop, name="fomo-writer", daemon=True)
                    self._thread.start()
        return done

    def _loop(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_CLOSE_S)
            except queue.Empty:
                connection.close()
                first = self._queue.get()
            group = [first]
            rows = len(group[0][0].events)
            while rows < MAX_GROUP_ROWS:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                group.append(item)
                rows += len(item[0].events)
            self._commit(group)

    def _commit(self, group: list[tuple[RunWrite, Future[None]]]) -> None:
        writes = [w for w, _ in group]
        try:
            close_old_connections()  # drop a connection that broke or aged out, as requests do
            write_group(writes)
        except BaseException as exc:  # nothing of the group landed
            log.error("event write of %d batch(es) failed: %s", len(group), exc)
            for _, done in group:
                done.set_exception(exc)
            return
        for w, done in group:
            if w.error is not None:
                done.set_exception(w.error)
            else:
                done.set_result(None)


WRITER = GroupWriter()
