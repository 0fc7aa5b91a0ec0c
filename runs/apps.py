from __future__ import annotations

from django.apps import AppConfig


class RunsConfig(AppConfig):
    name = "runs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Celery's worker signals: the sweeper and retention start, a warm shutdown hands runs back.
        from runs import signals  # noqa: F401
