from __future__ import annotations

from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "experiments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the Celery tasks with the app (fomo/celery.py autodiscovers only runs/) and
        # starts the experiments' safety-net thread in workers.
        from experiments import signals, tasks  # noqa: F401
