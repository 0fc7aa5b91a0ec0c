"""Every route needs a logged-in user except the few that are public by design."""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

PUBLIC_PREFIXES = ("/login/", "/signup/", "/healthz", "/static/")
# Read-only share links: anyone holding a link's token. Exact, case-sensitive prefix; paths with
# dot segments or empty segments are never treated as public.
SHARE_PREFIX = "/api/share/"
# The chat widget (a publishable key decides), invite pages (the link decides; accepting
# needs a login, checked by the view) and share links' read-only pages. Same rules as share links.
SHARE_PAGE_PREFIX = "/share/"
LINK_PREFIXES = (SHARE_PREFIX, "/embed/", "/invites/", SHARE_PAGE_PREFIX)


class LoginRequiredEverywhere:
    """Refuse anonymous requests before any view runs: 401 JSON for the API, a redirect to
    the log-in page for pages. Paths are compared case-sensitively after Django's own
    normalisation, so case and slash variants of a protected path stay protected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES) or self._has_token(request)
                or self._is_share(path)):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": "not_authenticated", "message": "Log in to use the API."}}, status=401
            )
        return redirect(f"{settings.LOGIN_URL}?next={path}")

    @staticmethod
    def _is_share(path: str) -> bool:
        prefix = next((p for p in LINK_PREFIXES if path.startswith(p)), None)
        if prefix is None:
            return False
        rest = path[len(prefix):]
        # A trailing slash is part of page URLs (/embed/<key>/, /invites/<token>/), not a segment.
        rest = rest[:-1] if rest.endswith("/") and prefix != SHARE_PREFIX else rest
        return bool(rest) and not any(seg in ("", ".", "..") for seg in rest.split("/"))

    @staticmethod
    def _has_token(request: HttpRequest) -> bool:
        # API tokens are checked by the API's own authentication class; let them through to it.
        return request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith("Bearer ")
