"""Each worker process runs the experiments' safety net: a thread that re-dispatches running
experiments whose dispatcher died (its lease expired)."""
from __future__ import annotations

import logging
import threading
import time

from celery.signals import worker_ready
from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)


@worker_ready.connect
def _start_safety_net(**_: object) -> None:
    threading.Thread(target=_loop, name="fomo-exp-sweeper", daemon=True).start()


def _loop() -> None:
    from experiments.dispatch import sweep

    every = float(settings.FOMO["SWEEP_SECONDS"])
    while True:
        try:
            if sent := sweep():
                log.info("experiments sweeper: re-dispatched %s", sent)
        except Exception as exc:  # keep sweeping through database or Redis blips
            log.warning("experiments sweeper: %s", exc)
        finally:
            close_old_connections()
        time.sleep(every)
