"""Which browser origins may open a websocket with this server's session cookie.

An origin is ``scheme://host[:port]``, compared whole, as browsers compare them: lower-case
scheme and host, the default port dropped. The allowed ones are this server's own origin, as the
handshake's ``Host`` header (checked against ALLOWED_HOSTS) and scheme say, and those listed in
CSRF_TRUSTED_ORIGINS (``https://*.example.com`` matches its subdomains, as Django's CSRF check
does). Behind a reverse proxy (``FOMO_PROXY_HOPS``) the scheme comes from
``SECURE_PROXY_SSL_HEADER`` as it does for HTTP requests.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize(raw: str) -> str | None:
    """``raw`` as a comparable origin, or None when it is not one (``null``, a path, a user part,
    a scheme other than http/https, a bad port)."""
    try:
        parts = urlsplit(raw.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if (scheme not in DEFAULT_PORTS or not host or parts.path not in ("", "/") or parts.query or parts.fragment
            or parts.username is not None or parts.password is not None):
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else "")


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    # A repeated header counts as its last value; the ones read here are never legitimately repeated.
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}


def own_origin(scope: dict[str, Any]) -> str | None:
    """This server's origin as the handshake names it, or None when its Host is not allowed."""
    headers = _headers(scope)
    host = headers.get("host", "")
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") in ("wss", "https")
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name, value = proxy
        forwarded = headers.get(name.removeprefix("HTTP_").replace("_", "-").lower())
        if forwarded is not None:
            secure = forwarded.split(",")[0].strip() == value
    return normalize(f"{'https' if secure else 'http'}://{host}")


def trusted(origin: str) -> bool:
    """Whether a normalized origin is listed in CSRF_TRUSTED_ORIGINS."""
    scheme, _, netloc = origin.partition("://")
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in entry:
            parts = urlsplit(entry)
            if parts.scheme.lower() == scheme and is_same_domain(netloc, parts.netloc.lower().lstrip("*")):
                return True
        elif normalize(entry) == origin:
            return True
    return False


def origin_allowed(scope: dict[str, Any], raw: str) -> bool:
    """Whether the handshake's ``Origin`` value names this server or a trusted origin."""
    origin = normalize(raw)
    if origin is None:
        return False
    return origin == own_origin(scope) or trusted(origin)
