"""The Celery app. Workers run with a thread pool so one process holds many runs at once:
runs wait on the network, not the CPU (see DESIGN.md, "Why these choices"). A worker refuses to
start with a wrong encryption key (below); its run-time background work is runs/signals.py."""
from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")

app = Celery("fomo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["runs"])


from celery.signals import worker_init  # noqa: E402


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
