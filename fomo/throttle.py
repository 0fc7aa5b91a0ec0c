"""Failed-authentication throttling, kept in Redis so it holds across web processes.

Three counters: failed log-ins per account, failed log-ins per client address, and invalid API
tokens per client address. Each allows ``N`` failures; the failure that reaches ``N`` locks the
key for ``FOMO_AUTH_LOCK_SECONDS``, and every further failure while the count is remembered
doubles the lock, up to ``FOMO_AUTH_MAX_LOCK_SECONDS``. The count is forgotten
``FOMO_AUTH_FAILURE_MEMORY_SECONDS`` after the last failure, and a successful log-in forgets its
account's count at once (never the address's: an attacker could reset it with an account of
their own). While a key is locked every attempt is refused before any password or token is
checked, so a guess inside the lock learns nothing.

Keys hold a digest of the account name or address, never the name itself. When Redis does not
answer the throttle lets requests through and logs a warning: refusing every log-in would turn a
Redis outage into a full one.
"""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import unicodedata
from typing import Any, Literal

import redis
from django.conf import settings

log = logging.getLogger(__name__)

Kind = Literal["login-account", "login-address", "token-address"]
SETTING = {"login-account": "LOGIN_FAILURES_PER_ACCOUNT", "login-address": "LOGIN_FAILURES_PER_ADDRESS",
           "token-address": "TOKEN_FAILURES_PER_ADDRESS"}

# KEYS: count, lock. ARGV: failures allowed, first lock (ms), longest lock (ms), memory (s).
# Returns the lock this failure started, in ms, or 0.
_FAIL = """
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local allowed = tonumber(ARGV[1])
if n < allowed then return 0 end
local lock = math.min(tonumber(ARGV[2]) * 2 ^ math.min(n - allowed, 40), tonumber(ARGV[3]))
lock = math.max(1, math.floor(lock))
redis.call('SET', KEYS[2], '1', 'PX', lock)
return lock
"""


def locked_message(seconds: int, what: str = "failed log-in attempts") -> str:
    """What a refused attempt is told: that it is throttled, and for how long."""
    return f"Too many {what}. Try again in {seconds} s."


_redis: redis.Redis | None = None


def redis_client() -> redis.Redis:
    """The process's Redis connection for counters (short timeouts: a slow Redis must not hold a request)."""
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    return _redis


def _keys(kind: Kind, who: str) -> tuple[str, str]:
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "fomo")
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    base = f"{prefix}:authfail:{kind}:{digest}"
    return f"{base}:count", f"{base}:lock"


def _allowed(kind: Kind) -> int:
    return int(settings.FOMO[SETTING[kind]])


def locked_for(kind: Kind, who: str) -> int | None:
    """Seconds left on the lock of ``who`` (rounded up), or None when not locked."""
    if _allowed(kind) <= 0:
        return None
    try:
        left = int(redis_client().pttl(_keys(kind, who)[1]))
    except redis.RedisError as exc:
        log.warning("authentication throttle unavailable (%s)", exc)
        return None
    return math.ceil(left / 1000) if left > 0 else None


def record_failure(kind: Kind, who: str) -> int | None:
    """Count one failure of ``who``; the seconds of the lock it started, if it started one."""
    allowed = _allowed(kind)
    if allowed <= 0:
        return None
    f = settings.FOMO
    try:
        started = int(redis_client().eval(  # type: ignore[no-untyped-call]
            _FAIL, 2, *_keys(kind, who), allowed, int(f["AUTH_LOCK_SECONDS"] * 1000),
            int(f["AUTH_MAX_LOCK_SECONDS"] * 1000), max(1, int(f["AUTH_FAILURE_MEMORY_SECONDS"]))))
    except redis.RedisError as exc:
        log.warning("authentication throttle unavailable (%s)", exc)
        return None
    return math.ceil(started / 1000) if started else None


def forget(kind: Kind, who: str) -> None:
    """Drop the count and the lock of ``who`` (a successful log-in of that account)."""
    try:
        redis_client().delete(*_keys(kind, who))
    except redis.RedisError as exc:
        log.warning("authentication throttle unavailable (%s)", exc)


def client_address(remote: str | None, forwarded_for: str | None) -> str:
    """The client's address as the throttle keys it. With ``FOMO_PROXY_HOPS`` = n > 0 it is the
    n-th address from the right of ``X-Forwarded-For`` (each trusted proxy appends the address it
    saw, so what a client writes there itself stays on the left). IPv6 clients are keyed by their
    /64, which one client usually holds whole."""
    hops = int(settings.FOMO["PROXY_HOPS"])
    addr = remote or ""
    if hops > 0 and forwarded_for:
        chain = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        addr = chain[-hops] if len(chain) >= hops else (chain[0] if chain else addr)
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return addr or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        if not ip.is_loopback:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def request_address(request: Any) -> str:
    return client_address(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR"))


def scope_address(scope: dict[str, Any]) -> str:
    """The client address of an ASGI scope (a websocket handshake)."""
    client = scope.get("client") or [None]
    forwarded = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for"), None)
    return client_address(client[0], forwarded)


def account_key(username: str) -> str:
    """Log-in names compare without case here, so ``Alice`` and ``alice`` share one count."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


# The three uses, named for what they count.

def login_locked(request: Any, username: str) -> int | None:
    waits = [locked_for("login-address", request_address(request))]
    if username:
        waits.append(locked_for("login-account", account_key(username)))
    return max((w for w in waits if w), default=None)


def login_failed(request: Any, username: str) -> int | None:
    """Count a wrong password; the lock it started (the longer of account and address), if any."""
    waits = [record_failure("login-address", request_address(request)),
             record_failure("login-account", account_key(username))]
    return max((w for w in waits if w), default=None)


def login_succeeded(username: str) -> None:
    forget("login-account", account_key(username))


def token_locked(address: str) -> int | None:
    return locked_for("token-address", address)


def token_failed(address: str) -> int | None:
    """Count an invalid API token from ``address``; the lock it started, if any."""
    return record_failure("token-address", address)
