"""The dispatcher: feeds an experiment's runs to this worker under its concurrency limit.

One dispatcher per experiment holds a lease on the experiment row (``driver_owner``,
``driver_expires_at``), claimed by compare-and-set like a run's. It keeps at most
``concurrency`` of the experiment's runs dispatched and unscored. Runs wait *held*: queued,
with no worker message (``enqueued_at`` null, which the run sweeper leaves alone).

Each batch of held runs is claimed in one statement (the same compare-and-set on ``status`` a
worker uses, so a cancel and a claim never both win) and executed on the process's shared
asyncio loop (``runs/loop.py``) exactly as a worker executes a run: its own lease (renewed,
and watched for cancel requests), its events written then published, a terminal state always
written. A broker round trip and a pool thread per run would cost more than the run's own
bookkeeping. Finished cells are scored in batches by the dispatcher's thread. Runs finished
elsewhere (taken over by the sweeper after a crash) are scored by the dispatcher's poll. If
the dispatcher dies, its lease expires and :func:`sweep` (every worker runs it) sends a new
``experiments.drive``; held runs were never sent, so nothing runs twice.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from experiments.models import Cell, Experiment, ExperimentStatus
from runs import transitions
from runs.models import TERMINAL, Run, RunStatus

log = logging.getLogger(__name__)

POLL_S = 0.5
#: Statuses in which an experiment still needs its dispatcher: feeding runs, or (cancelling)
#: scoring the runs that are stopping and then writing ``cancelled``.
DRIVEN = (ExperimentStatus.RUNNING, ExperimentStatus.CANCELLING)


def lease() -> timedelta:
    return timedelta(seconds=float(settings.FOMO["LEASE_SECONDS"]))


def enqueue_driver(experiment_id: int) -> None:
    from experiments.tasks import drive

    drive.delay(experiment_id)


def claim(experiment_id: int, token: str) -> bool:
    now = timezone.now()
    return Experiment.objects.filter(
        Q(driver_owner="") | Q(driver_expires_at__lt=now), pk=experiment_id, status__in=DRIVEN,
    ).update(driver_owner=token, driver_expires_at=now + lease()) == 1


def drive(experiment_id: int) -> None:
    from runs.worker import WORKER_ID

    close_old_connections()
    token = f"{WORKER_ID}:{uuid.uuid4().hex[:8]}"
    if not claim(experiment_id, token):
        log.info("experiment %s: not claimable (finished, or driven elsewhere)", experiment_id)
        return
    try:
        Driver(experiment_id, token).loop()
    finally:
        close_old_connections()


async def _execute(run: Run, token: str, workspace_id: int) -> None:
    from runs import worker

    try:
        await worker.execute_claimed(run, token, workspace_id)
    except Exception:  # its lease expires and the sweeper resumes it; the dispatcher's poll scores it
        log.exception("experiment run %s failed in the dispatcher", run.pk)


class Driver:
    def __init__(self, experiment_id: int, token: str):
        self.experiment_id = experiment_id
        self.token = token
        self.mine: dict[Future[None], tuple[int, int, str | None]] = {}  # -> (cell id, run id, expected)
        self.others = 0  # dispatched cells not ours (an earlier dispatcher's): counted from the DB
        self.concurrency = 1
        self.running = True
        self.workspace_id = Experiment.objects.filter(pk=experiment_id).values_list(
            "pipeline__workspace_id", flat=True).get()
        # The held cells, in order; read once (a cancel that takes some first is seen at claim).
        self.held: deque[tuple[int, int, str | None]] = deque(
            Cell.objects.filter(experiment_id=experiment_id, status="queued", scored=False).order_by("pk")
            .values_list("pk", "run_id", "expected"))

    def loop(self) -> None:
        from experiments.service import compute_scores
        from runs import worker

        renew_every = max(0.5, lease().total_seconds() / 3)
        last_renew = last_poll = 0.0
        while True:
            if worker.is_stopping():  # this worker is shutting down: let another dispatch
                self._release()
                return
            now = time.monotonic()
            if now - last_renew >= renew_every:
                if not self._renew():
                    log.warning("experiment %s: dispatcher lease lost; stopping", self.experiment_id)
                    return
                last_renew = now
            if now - last_poll >= POLL_S:
                self._poll()
                last_poll = now
            finished = [self.mine.pop(f) for f in [f for f in self.mine if f.done()]]
            if not self.running:
                self.held.clear()
            free = self.concurrency - len(self.mine) - self.others
            # Launch in small batches (a tenth of the window): one transaction feeds several runs.
            batch: list[tuple[int, int, str | None]] = []
            if free >= max(1, self.concurrency // 10) or (free > 0 and not self.mine):
                while self.held and len(batch) < free:
                    batch.append(self.held.popleft())
            if finished or batch:
                # Scores are computed before the transaction, which then writes them and claims
                # the next batch together: one write lock per step, not two.
                scores = compute_scores(self.experiment_id, finished) if finished else []
                self._step(scores, batch)
            if not self.mine and not self.held and self._finished():
                return
            if self.mine:
                wait(list(self.mine), timeout=POLL_S, return_when=FIRST_COMPLETED)
            else:
                time.sleep(POLL_S)

    def _step(self, scores: list[tuple[int, dict[str, Any]]], batch: list[tuple[int, int, str | None]]) -> None:
        from experiments.service import write_scores
        from runs.loop import shared_loop

        with transaction.atomic():
            if scores:
                write_scores(scores)
            runs: dict[int, Run] = {}
            if batch:
                Cell.objects.filter(pk__in=[c for c, _, _ in batch], status="queued").update(
                    status="running", updated_at=timezone.now())
                runs = {r.pk: r for r in transitions.claim_many([r for _, r, _ in batch if r], self.token)}
        loop = shared_loop()
        for cell_id, run_id, expected in batch:
            run = runs.get(run_id or 0)
            fut: Future[Any]
            if run is None:  # cancelled (or deleted) before it could start: scored as it is
                fut = Future()
                fut.set_result(None)
            else:
                fut = asyncio.run_coroutine_threadsafe(_execute(run, self.token, self.workspace_id), loop)
            self.mine[fut] = (cell_id, run_id, expected)

    def _release(self) -> None:
        """Give the experiment up so that another worker's sweep dispatches it at once. Runs
        already started here are handed back by the worker's own shutdown."""
        Experiment.objects.filter(pk=self.experiment_id, driver_owner=self.token).update(
            driver_owner="", driver_expires_at=timezone.now())
        log.info("experiment %s: released (this worker is stopping)", self.experiment_id)

    def _renew(self) -> bool:
        row = Experiment.objects.filter(pk=self.experiment_id, driver_owner=self.token).values_list(
            "status", "concurrency").first()
        if row is None:
            return False
        self.running = row[0] == ExperimentStatus.RUNNING
        self.concurrency = int(row[1])
        return Experiment.objects.filter(pk=self.experiment_id, driver_owner=self.token).update(
            driver_expires_at=timezone.now() + lease()) == 1

    def _poll(self) -> None:
        """Score cells whose run finished outside this dispatcher, and count what others hold."""
        from experiments.service import score_cells

        ours = {cell for cell, _, _ in self.mine.values()}
        over = Cell.objects.filter(experiment_id=self.experiment_id, scored=False, run__status__in=TERMINAL)
        stray = [c for c in over.values_list("pk", "run_id", "expected")[:500] if c[0] not in ours]
        if stray:
            score_cells(self.experiment_id, stray)
        if not self.running:  # cancelled: nothing more to launch; cells whose run is gone are closed
            Cell.objects.filter(experiment_id=self.experiment_id, scored=False, run__isnull=True).update(
                status=RunStatus.CANCELLED, scored=True, updated_at=timezone.now())
        self.others = max(0, Cell.objects.filter(experiment_id=self.experiment_id, status="running", scored=False)
                          .exclude(pk__in=ours).count())

    def _finished(self) -> bool:
        """True, and the experiment's terminal state written, once every cell is scored."""
        from experiments.service import settle_cancel

        if Cell.objects.filter(experiment_id=self.experiment_id, scored=False).exists():
            return False
        settle_cancel(self.experiment_id)
        statuses = set(Cell.objects.filter(experiment_id=self.experiment_id).values_list("status", flat=True))
        final = ExperimentStatus.FAILED if statuses == {RunStatus.FAILED} else ExperimentStatus.SUCCEEDED
        now = timezone.now()
        Experiment.objects.filter(pk=self.experiment_id, status=ExperimentStatus.RUNNING).update(
            status=final, finished_at=now, updated_at=now)
        Experiment.objects.filter(pk=self.experiment_id, driver_owner=self.token).update(
            driver_owner="", driver_expires_at=None)
        return True


def sweep() -> int:
    """Send a new dispatcher to running (or cancelling) experiments whose dispatcher's lease expired."""
    now = timezone.now()
    sent = 0
    for exp_id, expires in list(Experiment.objects.filter(status__in=DRIVEN, driver_expires_at__lt=now)
                                .values_list("pk", "driver_expires_at")):
        if Experiment.objects.filter(pk=exp_id, status__in=DRIVEN, driver_expires_at=expires).update(
                driver_owner="", driver_expires_at=now + lease()):
            enqueue_driver(exp_id)
            sent += 1
    return sent
