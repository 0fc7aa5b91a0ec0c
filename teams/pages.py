"""Server-rendered pages of the teams app: a workspace's settings, the user's API tokens, a share
link's read-only page, and the invite link ``/invites/<token>/``.

The invite page is reachable without logging in (holding the link is what counts): it names the
workspace and the role, and offers to log in or sign up and come back. Accepting needs a
logged-in user and a POST."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from builder import palette
from builder import views as builder_views
from fomo.errors import DomainError
from teams import members
from teams.sharing import share_link_for, strip_credentials


def workspace_settings_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """Members, roles, invitations and activity of a workspace (every member; owners manage)."""
    return builder_views.workspace_shell(request, workspace_id, "workspace-settings")


def tokens_page(request: HttpRequest) -> HttpResponse:
    """The user's personal API tokens."""
    return builder_views.shell(request, "tokens")


def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """A share link's read-only page, for anyone holding the link (a public path in
    fomo/middleware.py); unknown, revoked and expired links are 404. The page carries what its
    canvas needs and an anonymous visitor cannot ask the API for: the node catalog and the
    draft's ports. The graph and runs come from the link's own API."""
    link = share_link_for(token)
    graph, _ = strip_credentials(link.pipeline.draft)
    boot = {"catalog": palette.catalog(providers=False), "ports": palette.dynamic_ports(graph)}
    resp = builder_views.shell(request, "shared", boot=boot)
    resp["Referrer-Policy"] = "no-referrer"  # the token is in the address: keep it out of Referer headers
    return resp


def _page(request: HttpRequest, token: str, **extra: object) -> HttpResponse:
    invite = members.invite_by_token(token)
    status = 200
    if invite is None:
        state, status = "missing", 404
    elif invite.revoked:
        state, status = "revoked", 410
    elif invite.expired:
        state, status = "expired", 410
    else:
        state = "open"
    member_role = None
    if invite is not None and request.user.is_authenticated:
        member_role = members.role_of(invite.workspace, request.user)
    return render(request, "invites/accept.html", {
        "invite": invite if state == "open" else None, "state": state, "token": token, "member_role": member_role,
        "next": f"/invites/{token}/", **extra}, status=status)


@require_http_methods(["GET", "POST"])
def invite_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return _page(request, token)
    if not request.user.is_authenticated:
        return redirect(f"/login/?next=/invites/{token}/")
    try:
        ws, _ = members.accept_invite(token, request.user)
    except DomainError as exc:
        return _page(request, token, error=exc.message)
    return redirect(f"/?workspace={ws.pk}")


def invite_signup(request: HttpRequest, token: str) -> HttpResponse:
    """Sign up, then come back to the invite (the plain sign-up page goes to the home page)."""
    if request.user.is_authenticated:
        return redirect(f"/invites/{token}/")
    resp = builder_views.signup(request)
    if resp.status_code == 302:
        return redirect(f"/invites/{token}/")
    return resp
