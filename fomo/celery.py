"""The Celery app. Workers run with a thread pool so one process holds many runs at once:
runs wait on the network, not the CPU (see DESIGN.md, "Why these choices")."""
from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")

app = Celery("fomo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["runs"])


from celery.signals import worker_init, worker_ready, worker_shutting_down  # noqa: E402


@worker_init.connect
def _refuse_a_wrong_key(**_: object) -> None:
    """The worker decrypts stored credentials: a missing or changed encryption key stops it here,
    with the reason, rather than failing every run that uses a credential."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from fomo.checks import startup_key_errors

    errors = startup_key_errors()
    if errors:
        raise SystemExit("fomo worker refuses to start: " + " | ".join(errors))


@worker_ready.connect
def _start_sweeper(**_: object) -> None:
    from runs.heartbeat import start_background
    from runs.worker import WORKER_ID

    start_background(WORKER_ID)

    from runs import retention

    retention.start_background()


@worker_shutting_down.connect
def _hand_back_on_stop(how: str = "", **_: object) -> None:
    """A warm shutdown (SIGTERM, SIGINT): runs get the grace period, then go to another worker.

    Runs on a thread of its own: this is called inside the signal handler, and Celery's pool
    then waits for the running tasks, which end once their runs finish or are handed back."""
    if how != "Warm":
        return
    import threading

    from runs.worker import stop_gracefully

    threading.Thread(target=stop_gracefully, name="fomo-shutdown", daemon=True).start()
