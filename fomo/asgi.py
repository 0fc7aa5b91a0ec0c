"""ASGI entry point: HTTP through Django, websockets through Channels."""
from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi = get_asgi_application()

from fomo.checks import startup_key_errors  # noqa: E402

# The web process decrypts credentials too (tests, hints): a missing or changed key stops it
# here with the reason, as it stops a worker, rather than failing requests one by one.
_key_errors = startup_key_errors()
if _key_errors:
    raise SystemExit("fomo web refuses to start: " + " | ".join(_key_errors))

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from runs.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
