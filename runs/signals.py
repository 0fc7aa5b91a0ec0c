"""A worker process's run-time background work, hooked to Celery's worker signals (connected by
RunsConfig.ready): the heartbeat and lease sweeper and the retention pass start when the worker
is ready, and a warm shutdown hands held runs back."""
from __future__ import annotations

import threading

from celery.signals import worker_ready, worker_shutting_down


@worker_ready.connect
def _start_sweeper(**_: object) -> None:
    from runs import retention
    from runs.heartbeat import start_background
    from runs.worker import WORKER_ID

    start_background(WORKER_ID)
    retention.start_background()


@worker_shutting_down.connect
def _hand_back_on_stop(how: str = "", **_: object) -> None:
    """A warm shutdown (SIGTERM, SIGINT): runs get the grace period, then go to another worker.

    Runs on a thread of its own: this is called inside the signal handler, and Celery's pool
    then waits for the running tasks, which end once their runs finish or are handed back."""
    if how != "Warm":
        return
    from runs.worker import stop_gracefully

    threading.Thread(target=stop_gracefully, name="fomo-shutdown", daemon=True).start()
