"""ASGI entry point: HTTP through Django, websockets through Channels."""
from __future__ import annotations

import json
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi = get_asgi_application()

from fomo.checks import startup_key_errors  # noqa: E402

# The web process decrypts credentials too (tests, hints): a missing or changed key stops it
# here with the reason, as it stops a worker, rather than failing requests one by one.
_key_errors = startup_key_errors()
if _key_errors:
    raise SystemExit("fomo web refuses to start: " + " | ".join(_key_errors))

from asgiref.sync import sync_to_async  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import WebsocketDenier  # noqa: E402

from fomo import throttle  # noqa: E402
from fomo.origins import origin_allowed  # noqa: E402
from runs.routing import websocket_urlpatterns  # noqa: E402
from teams.sockets import ApiTokenSocketAuth  # noqa: E402


class TokenOrSameOrigin:
    """The websocket origin policy. A handshake that carries an ``Origin`` must name this server
    (scheme, host and port) or a trusted origin (fomo/origins.py), whatever it authenticates
    with; a refused one gets HTTP 403. One without an ``Origin`` is let through only when it offers
    an API token (``Sec-WebSocket-Protocol: bearer, <token>``): browsers always send ``Origin``,
    so such a client is a program, and it is authenticated by the token it presents, never by a
    cookie (teams.sockets puts the token's user in the scope instead of the session's), which leaves nothing for
    a cross-site page to hijack. A token handshake from an address locked for guessing tokens
    (fomo/throttle.py) is accepted, told ``{"type": "throttled", "message", "retry_after"}`` and
    closed with 4429 (daphne does not pass close reasons on)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origins = [value for name, value in scope.get("headers", []) if name == b"origin"]
        if not origins:
            allowed = list(scope.get("subprotocols") or [])[:1] == ["bearer"]
        else:  # several Origin headers are never sent by a browser: refuse rather than pick one
            allowed = len(origins) == 1 and origin_allowed(scope, origins[0].decode("latin-1"))
        if not allowed:
            return await WebsocketDenier()(scope, receive, send)
        if list(scope.get("subprotocols") or [])[:1] == ["bearer"]:
            # Off the event loop: a Redis that stalls must not stall every socket.
            wait = await sync_to_async(throttle.token_locked, thread_sensitive=False)(throttle.scope_address(scope))
            if wait:
                return await _close_throttled(receive, send, wait)
        return await self.app(scope, receive, send)


async def _close_throttled(receive: Any, send: Any, wait: int) -> None:
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept", "subprotocol": "bearer"})
    message = {"type": "throttled", "message": throttle.locked_message(wait, "invalid API tokens"), "retry_after": wait}
    await send({"type": "websocket.send", "text": json.dumps(message)})
    await send({"type": "websocket.close", "code": 4429})


application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        # The session's user, replaced by an API token's on a `bearer` handshake.
        "websocket": TokenOrSameOrigin(AuthMiddlewareStack(ApiTokenSocketAuth(URLRouter(websocket_urlpatterns)))),
    }
)
