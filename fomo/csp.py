"""The Content-Security-Policy of every HTML page.

Scripts and styles come from this origin, or inline only when they carry the request's nonce
(``{{ request.csp_nonce }}`` in a template: the ops page's script, the chat frame's style). The
app talks to its own origin over HTTP and websockets; nothing may frame a page (the chat frame
sets its own ``frame-ancestors``, which is kept); plugins, ``<base>`` and form posts elsewhere are
refused. A view's own directives win over these; the rest are filled in.

The API's schema pages (``/api/docs``) run third-party UIs that inject style elements and start a
blob: worker, so there styles may be inline and workers blob:. Their scripts still need 'self'.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

DOCS_PREFIX = "/api/docs"


def policy(request: HttpRequest, nonce: str) -> dict[str, str]:
    # 'self' covers same-origin ws: only in CSP level 3 browsers; name the socket origin as well.
    socket = f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": f"'self' {socket}",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    if request.path.startswith(DOCS_PREFIX):
        directives["style-src"] = "'self' 'unsafe-inline'"
        directives["worker-src"] = "'self' blob:"
    return directives


def merged(own: str, defaults: dict[str, str]) -> str:
    """The view's own policy (``own``) with the defaults it does not set added."""
    named = {part.split()[0].lower(): part.strip() for part in own.split(";") if part.strip()}
    extra = [f"{name} {value}" for name, value in defaults.items() if name not in named]
    return "; ".join([*named.values(), *extra])


class ContentSecurityPolicy:
    """Give each request a nonce (``request.csp_nonce``) and each HTML answer the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            defaults = policy(request, nonce)
            own = response.get("Content-Security-Policy")
            response["Content-Security-Policy"] = merged(own, defaults) if own else "; ".join(
                f"{name} {value}" for name, value in defaults.items())
        return response
