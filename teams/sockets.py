"""API tokens on websockets: ASGI middleware (mounted by fomo/asgi.py inside the session's
``AuthMiddlewareStack``) for a handshake that offers ``Sec-WebSocket-Protocol: bearer, <token>``.

Such a handshake is authenticated by its token and never by a session cookie: ``scope["user"]``
becomes the token's user (carrying the token's workspace scope, as on the REST API), or an
anonymous user when the token is refused. ``scope["api_token_id"]`` names the token, and
``scope["api_token_usable"]()`` tells whether it is still usable: a consumer calls it after
joining :func:`builder.policy.token_group`, so a revocation racing the handshake still closes
the socket. An invalid token counts against the handshake's address (fomo/throttle.py)."""
from __future__ import annotations

from functools import partial
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from teams.auth import socket_user, token_usable


class ApiTokenSocketAuth:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        protocols = list(scope.get("subprotocols") or [])
        if scope.get("type") == "websocket" and protocols[:1] == ["bearer"]:
            raw = protocols[1] if len(protocols) > 1 else ""
            user, token_id = await database_sync_to_async(socket_user)(raw, scope)
            scope = {**scope, "user": user if user is not None else AnonymousUser(), "api_token_id": token_id,
                     "api_token_usable": partial(token_usable, token_id) if token_id is not None else None}
        return await self.app(scope, receive, send)
