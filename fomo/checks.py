"""Production settings checked at start-up (every ``manage.py`` command, ``check --deploy``).

* ``fomo.E001``: ``DEBUG`` off with ``ALLOWED_HOSTS`` containing ``*`` is refused.
* ``fomo.E002`` / ``fomo.W002``: Redis must not evict keys (``maxmemory-policy noeviction``): an
  evicted Celery message or lease key is a lost run. An error with ``DEBUG`` off, a warning with it on.
* ``fomo.W003``: Redis did not answer, so the policy could not be checked.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def allowed_hosts_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not settings.DEBUG and "*" in settings.ALLOWED_HOSTS:
        return [Error("ALLOWED_HOSTS contains '*' while DEBUG is off",
                      hint="List the host names fomo is served under, e.g. ALLOWED_HOSTS=fomo.example.com",
                      id="fomo.E001")]
    return []


def redis_policy(url: str) -> str | None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return str(client.config_get("maxmemory-policy").get("maxmemory-policy"))
    finally:
        client.close()


@register()
def redis_eviction_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    try:
        policy = redis_policy(settings.REDIS_URL)
    except Exception as exc:  # unreachable, or CONFIG disabled on a managed Redis
        return [Warning(f"could not read Redis maxmemory-policy at start-up ({type(exc).__name__})",
                        hint="Make sure the Redis server uses maxmemory-policy noeviction.", id="fomo.W003")]
    if policy in (None, "None", "noeviction"):
        return []
    msg = f"Redis maxmemory-policy is {policy!r}: queued runs and leases could be evicted"
    hint = "Set maxmemory-policy noeviction (redis.conf or CONFIG SET maxmemory-policy noeviction)."
    return [Error(msg, hint=hint, id="fomo.E002") if not settings.DEBUG else Warning(msg, hint=hint, id="fomo.W002")]
