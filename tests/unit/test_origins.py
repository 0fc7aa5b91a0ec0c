"""fomo/origins.py as a pure unit: which Origin values a websocket handshake with a given Host and
scheme may carry. (The same rules through a real daphne: tests/teams/test_ws_origin.py.)"""
from __future__ import annotations

from typing import Any

import pytest

from fomo.origins import normalize, origin_allowed


def scope(host: str, scheme: str = "ws", **headers: str) -> dict[str, Any]:
    raw = [(b"host", host.encode())] + [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return {"type": "websocket", "scheme": scheme, "headers": raw}


@pytest.mark.parametrize(("raw", "want"), [
    ("HTTP://Example.COM", "http://example.com"), ("https://a.io:443", "https://a.io"), ("http://a.io:80/", "http://a.io"),
    ("http://[::1]:3000", "http://[::1]:3000"), ("null", None), ("http://a.io/x", None), ("http://u@a.io", None),
    ("ftp://a.io", None), ("http://a.io:99999", None), ("http://a.io?q", None), ("", None),
])
def test_it_normalizes_origins_as_browsers_compare_them(raw, want):
    assert normalize(raw) == want


@pytest.mark.parametrize(("host", "scheme", "origin", "ok"), [
    ("127.0.0.1:8000", "ws", "http://127.0.0.1:8000", True),
    ("127.0.0.1:8000", "ws", "http://127.0.0.1:8001", False),
    ("127.0.0.1:8000", "ws", "https://127.0.0.1:8000", False),
    ("127.0.0.1:8000", "wss", "https://127.0.0.1:8000", True),
    ("localhost", "ws", "http://localhost:80", True),
    ("localhost:8000", "ws", "http://localhost", False),
    ("evil.example:8000", "ws", "http://evil.example:8000", False),  # a Host outside ALLOWED_HOSTS is nobody's
])
def test_its_own_origin_is_the_whole_scheme_host_and_port(settings, host, scheme, origin, ok):
    settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS = ["127.0.0.1", "localhost"], []
    assert origin_allowed(scope(host, scheme), origin) is ok


def test_trusted_origins_match_exactly_or_by_subdomain_wildcard(settings):
    settings.ALLOWED_HOSTS = ["fomo.example"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example", "https://*.corp.example"]
    own = scope("fomo.example", "wss")
    assert origin_allowed(own, "https://app.example") and origin_allowed(own, "https://a.corp.example")
    assert not origin_allowed(own, "http://app.example") and not origin_allowed(own, "https://app.example:8443")
    assert not origin_allowed(own, "https://corp.example.evil") and not origin_allowed(own, "http://a.corp.example")


def test_behind_a_proxy_the_scheme_comes_from_its_header(settings):
    settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS = ["fomo.example"], []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_allowed(scope("fomo.example", x_forwarded_proto="https"), "https://fomo.example")
    assert not origin_allowed(scope("fomo.example", x_forwarded_proto="https"), "http://fomo.example")
    assert origin_allowed(scope("fomo.example"), "http://fomo.example")
