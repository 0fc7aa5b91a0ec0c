"""The dispatcher: feeds an experiment's runs to the worker under its concurrency limit.

One dispatcher per experiment holds a lease on the experiment row (``driver_owner``,
``driver_expires_at``), claimed by compare-and-set like a run's. It keeps at most
``concurrency`` of the experiment's runs dispatched and unscored. Each dispatched run is an
ordinary :class:`runs.models.Run` executed by :func:`runs.worker.execute` (claim, lease, events,
resume) on a thread of this process, so all of them share the process's asyncio loop
(``runs/loop.py``) without a broker round trip per run; the same thread scores the cell as soon as
the run is over. Runs finished elsewhere (taken over by the sweeper after a crash) are scored
by the dispatcher's poll. If the dispatcher dies, its lease expires and :func:`sweep` (every
worker runs it) sends a new ``experiments.drive``; held runs were never enqueued, so nothing
runs twice.
"""
from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from experiments.models import Cell, Experiment, ExperimentStatus
from runs.models import TERMINAL, Run, RunStatus

log = logging.getLogger(__name__)

RUN_POOL = ThreadPoolExecutor(max_workers=256, thread_name_prefix="fomo-exp")
POLL_S = 0.5


def lease() -> timedelta:
    return timedelta(seconds=float(settings.FOMO["LEASE_SECONDS"]))


def enqueue_driver(experiment_id: int) -> None:
    from experiments.tasks import drive

    drive.delay(experiment_id)


def claim(experiment_id: int, token: str) -> bool:
    now = timezone.now()
    return Experiment.objects.filter(
        Q(driver_owner="") | Q(driver_expires_at__lt=now), pk=experiment_id, status=ExperimentStatus.RUNNING,
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


def _run_and_score(experiment_id: int, cell_id: int, run_id: int, expected: str | None) -> None:
    from experiments.service import score_cell
    from runs.worker import execute

    try:
        execute(run_id)
        score_cell(cell_id, experiment_id=experiment_id, run_id=run_id, expected=expected, known=True)
    except Exception:  # the run's lease expires and the sweeper resumes it; the dispatcher's poll scores it
        log.exception("experiment cell %s (run %s) failed in the dispatcher", cell_id, run_id)
    finally:
        close_old_connections()


class Driver:
    def __init__(self, experiment_id: int, token: str):
        self.experiment_id = experiment_id
        self.token = token
        self.mine: dict[Future[None], int] = {}  # future -> cell id
        self.others = 0  # dispatched cells not ours (an earlier dispatcher's): counted from the DB
        self.concurrency = 1
        self.running = True

    def loop(self) -> None:
        renew_every = max(0.5, lease().total_seconds() / 3)
        last_renew = last_poll = 0.0
        while True:
            now = time.monotonic()
            if now - last_renew >= renew_every:
                if not self._renew():
                    log.warning("experiment %s: dispatcher lease lost; stopping", self.experiment_id)
                    return
                last_renew = now
            if now - last_poll >= POLL_S:
                self._poll()
                last_poll = now
            free = self.concurrency - len(self.mine) - self.others
            # Launch in small batches (a tenth of the window): one transaction feeds several runs.
            if self.running and (free >= max(1, self.concurrency // 10) or not self.mine):
                self._launch(free)
            if not self.mine and self._finished():
                return
            done, _ = wait(list(self.mine), timeout=POLL_S, return_when=FIRST_COMPLETED) if self.mine \
                else (set(), set())
            if not self.mine:
                time.sleep(POLL_S)
            for fut in done:
                self.mine.pop(fut, None)

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
        from experiments.service import score_cell

        ours = set(self.mine.values())
        for cell_id in (Cell.objects.filter(experiment_id=self.experiment_id, scored=False,
                                            run__status__in=TERMINAL).exclude(pk__in=ours)
                        .values_list("pk", flat=True)[:200]):
            score_cell(cell_id)
        if not self.running:  # cancelled: nothing more to launch; cells of cancelled runs are closed
            Cell.objects.filter(experiment_id=self.experiment_id, scored=False, run__isnull=True).update(
                status=RunStatus.CANCELLED, scored=True, updated_at=timezone.now())
        self.others = max(0, Cell.objects.filter(experiment_id=self.experiment_id, status="running", scored=False)
                          .exclude(pk__in=ours).count())

    def _launch(self, free: int) -> None:
        if free <= 0:
            return
        picked = list(Cell.objects.filter(experiment_id=self.experiment_id, status="queued", scored=False)
                      .order_by("pk").values_list("pk", "run_id", "expected")[:free])
        if not picked:
            return
        now = timezone.now()
        cell_ids = [c for c, _, _ in picked]
        with transaction.atomic():
            # Held runs were never enqueued (enqueued_at is null, which the run sweeper leaves alone).
            Cell.objects.filter(pk__in=cell_ids, status="queued").update(status="running", updated_at=now)
            Run.objects.filter(pk__in=[r for _, r, _ in picked], status=RunStatus.QUEUED).update(enqueued_at=now)
        for cell_id, run_id, expected in picked:
            self.mine[RUN_POOL.submit(_run_and_score, self.experiment_id, cell_id, run_id, expected)] = cell_id

    def _finished(self) -> bool:
        """True, and the experiment's terminal state written, once every cell is scored."""
        if Cell.objects.filter(experiment_id=self.experiment_id, scored=False).exists():
            return False
        statuses = set(Cell.objects.filter(experiment_id=self.experiment_id).values_list("status", flat=True))
        final = ExperimentStatus.FAILED if statuses == {RunStatus.FAILED} else ExperimentStatus.SUCCEEDED
        now = timezone.now()
        Experiment.objects.filter(pk=self.experiment_id, status=ExperimentStatus.RUNNING).update(
            status=final, finished_at=now, updated_at=now)
        Experiment.objects.filter(pk=self.experiment_id, driver_owner=self.token).update(
            driver_owner="", driver_expires_at=None)
        return True


def sweep() -> int:
    """Send a new dispatcher to running experiments whose dispatcher's lease expired."""
    now = timezone.now()
    sent = 0
    for exp_id, expires in list(Experiment.objects.filter(status=ExperimentStatus.RUNNING, driver_expires_at__lt=now)
                                .values_list("pk", "driver_expires_at")):
        if Experiment.objects.filter(pk=exp_id, status=ExperimentStatus.RUNNING, driver_expires_at=expires).update(
                driver_owner="", driver_expires_at=now + lease()):
            enqueue_driver(exp_id)
            sent += 1
    return sent
