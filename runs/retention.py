"""Retention: prune finished runs (their events and node records with them) that are older than
an age, or beyond the newest N finished runs of their pipeline.

Deletes go in small batches, each its own short transaction, children first (events, then node
records, then the runs), so no table is locked for long on SQLite or PostgreSQL and a pass can
stop anywhere without leaving half a run. Runs that are queued or running are never touched:
every delete re-checks that the run is finished. Each pipeline that lost runs gets a
:class:`PruneRecord`, so its run history says what went.

``manage.py prune_runs`` runs a pass by hand; with ``FOMO_RETENTION_DAYS`` or
``FOMO_RETENTION_KEEP_RUNS`` set, every worker starts :func:`start_background`, and at most one
of them prunes per period (a Redis lock).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Max, Q
from django.utils import timezone

from runs.models import TERMINAL, NodeRun, PruneRecord, Run, RunEvent

log = logging.getLogger(__name__)
LOCK_KEY = "fomo:retention:lock"


@dataclass(frozen=True)
class Policy:
    max_age_days: float | None = None
    keep_runs: int | None = None
    batch: int = 200  # runs per transaction; their events and node records go in chunks of 10x

    @classmethod
    def from_settings(cls) -> Policy:
        knobs = settings.FOMO
        return cls(max_age_days=knobs.get("RETENTION_DAYS"), keep_runs=knobs.get("RETENTION_KEEP_RUNS"),
                   batch=int(knobs.get("RETENTION_BATCH", 200)))

    @property
    def active(self) -> bool:
        return self.max_age_days is not None or self.keep_runs is not None


@dataclass
class Pruned:
    runs: int = 0
    node_runs: int = 0
    events: int = 0
    pipelines: int = 0
    records: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"runs": self.runs, "node_runs": self.node_runs, "events": self.events, "pipelines": self.pipelines}


def doomed_run_ids(pipeline_id: int, policy: Policy, cutoff: datetime | None) -> list[int]:
    """The finished runs of a pipeline that the policy removes, oldest first."""
    finished = Run.objects.filter(pipeline_id=pipeline_id, status__in=TERMINAL)
    doomed: set[int] = set()
    if cutoff is not None:
        doomed.update(finished.filter(Q(finished_at__lt=cutoff) | Q(finished_at=None, created_at__lt=cutoff))
                      .values_list("pk", flat=True))
    if policy.keep_runs is not None:
        doomed.update(finished.order_by("-created_at", "-pk").values_list("pk", flat=True)[policy.keep_runs:])
    return sorted(doomed)


def _delete_chunked(model: Any, run_ids: list[int], chunk: int) -> int:
    """Delete the rows of ``model`` that belong to ``run_ids``, ``chunk`` rows per transaction."""
    total = 0
    while True:
        with transaction.atomic():
            pks = list(model.objects.filter(run_id__in=run_ids, run__status__in=TERMINAL)
                       .values_list("pk", flat=True)[:chunk])
            if not pks:
                return total
            total += model.objects.filter(pk__in=pks).delete()[0]


def prune_pipeline(pipeline_id: int, policy: Policy, now: datetime | None = None,
                   dry_run: bool = False) -> tuple[int, int, int]:
    """Prune one pipeline; returns (runs, node records, events) removed (or, dry, that would be)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=policy.max_age_days) if policy.max_age_days is not None else None
    ids = doomed_run_ids(pipeline_id, policy, cutoff)
    if not ids:
        return 0, 0, 0
    if dry_run:
        return (len(ids), NodeRun.objects.filter(run_id__in=ids).count(),
                RunEvent.objects.filter(run_id__in=ids).count())
    runs = node_runs = events = 0
    newest: datetime | None = None
    chunk = max(1, policy.batch) * 10
    for start in range(0, len(ids), max(1, policy.batch)):
        batch = ids[start:start + max(1, policy.batch)]
        events += _delete_chunked(RunEvent, batch, chunk)
        node_runs += _delete_chunked(NodeRun, batch, chunk)
        with transaction.atomic():
            gone = Run.objects.filter(pk__in=batch, status__in=TERMINAL)
            last = gone.aggregate(m=Max("finished_at"))["m"]
            deleted = gone.delete()[1].get(Run._meta.label, 0)
        runs += deleted
        if deleted and last is not None and (newest is None or last > newest):
            newest = last
    if runs or events or node_runs:
        PruneRecord.objects.create(pipeline_id=pipeline_id, pruned_at=now, cutoff=cutoff,
                                   keep_runs=policy.keep_runs, runs=runs, node_runs=node_runs, events=events,
                                   newest_pruned_at=newest)
    return runs, node_runs, events


def prune(policy: Policy, now: datetime | None = None, pipeline_ids: list[int] | None = None,
          dry_run: bool = False) -> Pruned:
    """One retention pass over every pipeline (or the given ones)."""
    if not policy.active:
        return Pruned()
    now = now or timezone.now()
    candidates = Run.objects.filter(status__in=TERMINAL)
    if pipeline_ids is not None:
        candidates = candidates.filter(pipeline_id__in=pipeline_ids)
    total = Pruned()
    for pipeline_id in sorted(set(candidates.values_list("pipeline_id", flat=True))):
        runs, node_runs, events = prune_pipeline(pipeline_id, policy, now, dry_run=dry_run)
        if runs:
            total.pipelines += 1
        total.runs += runs
        total.node_runs += node_runs
        total.events += events
    return total


def summary(pipeline_id: int, limit: int = 50) -> dict[str, Any]:
    """What retention removed from a pipeline's history: totals and the latest passes."""
    records = list(PruneRecord.objects.filter(pipeline_id=pipeline_id)[:limit])
    totals = {"runs": 0, "node_runs": 0, "events": 0}
    for row in PruneRecord.objects.filter(pipeline_id=pipeline_id).values("runs", "node_runs", "events"):
        for key in totals:
            totals[key] += row[key]
    return {
        "total": totals,
        "records": [{
            "pruned_at": r.pruned_at.isoformat(),
            "cutoff": r.cutoff.isoformat() if r.cutoff else None,
            "keep_runs": r.keep_runs, "runs": r.runs, "node_runs": r.node_runs, "events": r.events,
            "newest_pruned_at": r.newest_pruned_at.isoformat() if r.newest_pruned_at else None,
        } for r in records],
    }


# ---------------------------------------------------------------- the periodic pass


def run_if_due(client: Any, every_s: float) -> Pruned | None:
    """Prune unless another worker did within ``every_s`` (the lock expires after the period)."""
    policy = Policy.from_settings()
    if not policy.active or not client.set(LOCK_KEY, str(time.time()), nx=True, ex=max(1, int(every_s))):
        return None
    pruned = prune(policy)
    if pruned.runs:
        log.info("retention: pruned %s", pruned.as_dict())
    return pruned


def start_background() -> threading.Thread | None:
    """Start the hourly pass in this worker, if a retention setting is set."""
    if not Policy.from_settings().active:
        return None
    thread = threading.Thread(target=_loop, name="fomo-retention", daemon=True)
    thread.start()
    return thread


def _loop() -> None:
    from runs.heartbeat import redis_client

    every = float(settings.FOMO.get("RETENTION_EVERY_SECONDS", 3600))
    client = redis_client()
    while True:
        try:
            run_if_due(client, every)
        except Exception as exc:  # a database or Redis blip: try again next period
            log.warning("retention: %s", exc)
        finally:
            close_old_connections()
        time.sleep(min(every, 60.0))
