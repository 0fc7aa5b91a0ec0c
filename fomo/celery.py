"""The Celery app. Workers run with a thread pool so one process holds many runs at once:
runs wait on the network, not the CPU (see DESIGN.md, "Why these choices")."""
from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")

app = Celery("fomo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["runs"])


from celery.signals import worker_ready  # noqa: E402


@worker_ready.connect
def _start_sweeper(**_: object) -> None:
    from runs.heartbeat import start_background
    from runs.worker import WORKER_ID

    start_background(WORKER_ID)
