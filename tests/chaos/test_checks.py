"""Start-up checks: DEBUG off refuses ALLOWED_HOSTS=*; Redis must not evict (warning if unreachable)."""
from __future__ import annotations

from unittest import mock

from django.test import override_settings

from fomo import checks


def ids(found):
    return [c.id for c in found]


def test_debug_off_refuses_a_wildcard_host():
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"]):
        assert ids(checks.allowed_hosts_check()) == ["fomo.E001"]
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["fomo.example.com"]):
        assert checks.allowed_hosts_check() == []
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["*"]):
        assert checks.allowed_hosts_check() == []


def test_redis_must_not_evict():
    with mock.patch.object(checks, "redis_policy", return_value="allkeys-lru"), override_settings(DEBUG=False):
        assert ids(checks.redis_eviction_check()) == ["fomo.E002"]
    with mock.patch.object(checks, "redis_policy", return_value="allkeys-lru"), override_settings(DEBUG=True):
        assert ids(checks.redis_eviction_check()) == ["fomo.W002"]
    with mock.patch.object(checks, "redis_policy", return_value="noeviction"):
        assert checks.redis_eviction_check() == []


def test_an_unreachable_redis_is_a_warning():
    with override_settings(REDIS_URL="redis://127.0.0.1:9/0"):
        assert ids(checks.redis_eviction_check()) == ["fomo.W003"]
