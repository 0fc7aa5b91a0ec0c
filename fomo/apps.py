from __future__ import annotations

from django.apps import AppConfig


class FomoConfig(AppConfig):
    """The project itself as an app: it has no models; it registers the start-up checks."""

    name = "fomo"

    def ready(self) -> None:
        from django.core.checks import register

        from fomo import checks

        for check in (checks.allowed_hosts_check, checks.redis_eviction_check, checks.encryption_key_check):
            register(check)
