"""``Authorization: Bearer fomo_…`` for the REST API, and the per-token rate limit.

Invalid tokens (unknown, wrong secret, malformed) are guesses: they count against the client's
address (fomo/throttle.py), and a locked address gets 429 before any token is looked at.
Revoked and expired tokens are real ones and are not counted.

A token authenticates its user; a token scoped to a workspace marks the user object so the
policy hides every other workspace (404). Membership is still checked on every request, so a
member removed from a workspace loses access there at once, token or not.
"""
from __future__ import annotations

import hmac
import logging
import time
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from builder.policy import token_group
from fomo import throttle
from teams.keys import digest, split_api_token
from teams.models import ApiToken

log = logging.getLogger(__name__)

LAST_USED_RESOLUTION = timedelta(minutes=1)  # write last_used_at at most this often


class InvalidToken(exceptions.AuthenticationFailed):
    """A token that matches no real one: a guess, as far as the throttle can tell."""


class TokenGuessesThrottled(exceptions.Throttled):
    default_detail = "Too many invalid API tokens."
    extra_detail_singular = extra_detail_plural = "Try again in {wait} s."


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != self.keyword:
            return None
        address = throttle.request_address(request)
        wait = throttle.token_locked(address)
        if wait:
            raise TokenGuessesThrottled(wait)
        try:
            if len(header) != 2:
                raise InvalidToken("Malformed Authorization header: use 'Bearer <token>'.")
            return authenticate_token(header[1])
        except InvalidToken:
            wait = throttle.token_failed(address)
            if wait:
                raise TokenGuessesThrottled(wait) from None
            raise

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def authenticate_token(raw: str) -> tuple[Any, ApiToken]:
    """The user and token for a raw API token, or AuthenticationFailed saying why not."""
    prefix = split_api_token(raw)
    token = (ApiToken.objects.select_related("user").filter(prefix=prefix).first() if prefix else None)
    if token is None or not hmac.compare_digest(token.token_hash, digest(raw)):
        raise InvalidToken("Invalid API token.")
    if token.revoked:
        raise exceptions.AuthenticationFailed("This API token has been revoked.")
    if token.expired:
        raise exceptions.AuthenticationFailed("This API token has expired.")
    user = token.user
    if not user.is_active:
        raise exceptions.AuthenticationFailed("This API token's user is inactive.")
    user.fomo_token_scope = token.workspace_id  # read by builder.policy (token_scope, api_token_id)
    user.fomo_token_id = token.pk
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user, token


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/min"`` → (120, 60). Units: s, sec, second, m, min, minute, h, hour, d, day."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
               "h": 3600, "hour": 3600, "d": 86400, "day": 86400}[unit.strip().lower()]
    return int(count), seconds


def hit(key: str, limit: int, window: int) -> float | None:
    """Count one request in the current fixed window; the seconds to wait if over the limit.
    Fails open if Redis does not answer (the limit protects capacity, not secrecy)."""
    now = time.time()
    slot = int(now // window)
    name = f"{settings.CHANNEL_LAYERS['default']['CONFIG'].get('prefix', 'fomo')}:rate:{key}:{slot}"
    try:
        pipe = throttle.redis_client().pipeline()
        pipe.incr(name)
        pipe.expire(name, window + 1)
        count = int(pipe.execute()[0])
    except redis.RedisError as exc:
        log.warning("rate limit unavailable (%s)", exc)
        return None
    return (slot + 1) * window - now if count > limit else None


class TokenRateThrottle(BaseThrottle):
    """Per-token fixed window, ``FOMO_TOKEN_RATE`` (e.g. ``120/min``). Sessions are not limited."""

    wait_seconds: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        limit, window = parse_rate(settings.FOMO["TOKEN_RATE"])
        self.wait_seconds = hit(f"token:{token.prefix}", limit, window)
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return max(1.0, self.wait_seconds) if self.wait_seconds is not None else None


def socket_user(raw: str, scope: dict[str, Any] | None = None) -> tuple[Any, int | None]:
    """The user and token id for a websocket's ``Sec-WebSocket-Protocol: bearer, <token>``, or
    (None, None) when the token is refused (invalid, revoked, expired, inactive user). The user
    carries the token's workspace scope, so the policy applies as on the REST API. An invalid
    token counts against the handshake's address (``scope``); fomo/asgi.py refuses a locked one."""
    try:
        user, token = authenticate_token(raw)
    except InvalidToken:
        if scope is not None:
            throttle.token_failed(throttle.scope_address(scope))
        return None, None
    except exceptions.AuthenticationFailed:
        return None, None
    return user, token.pk


def token_usable(token_id: int) -> bool:
    token = ApiToken.objects.filter(pk=token_id).first()
    return token is not None and token.usable


def close_token_sockets(token_id: int) -> None:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(token_group(token_id), {"type": "token.revoked"})
    except Exception as exc:  # a socket re-checks its token when it reconnects
        log.warning("could not close the websockets of token %s: %s", token_id, exc)
