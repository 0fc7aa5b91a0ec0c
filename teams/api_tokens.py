"""Personal API tokens: list, create (the token is shown once), revoke."""
from __future__ import annotations

from django.db import transaction
from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.policy import workspaces_of
from fomo.errors import DomainError, Forbidden
from fomo.http import body
from teams import serializers as s
from teams.auth import close_token_sockets
from teams.keys import new_api_token
from teams.models import ApiToken


def _session_only(request: Request) -> None:
    # A leaked token must not be able to mint or revoke tokens.
    if isinstance(request.auth, ApiToken):
        raise Forbidden("Manage API tokens from a logged-in session, not with a token.")


class TokenList(APIView):
    def get(self, request: Request) -> Response:
        _session_only(request)
        return Response([s.token_out(t) for t in ApiToken.objects.filter(user=request.user).order_by("-created_at")])

    def post(self, request: Request) -> Response:
        _session_only(request)
        data = body(s.TokenCreate, request)
        workspace = data.get("workspace")
        if workspace is not None and not workspaces_of(request.user).filter(pk=workspace).exists():
            raise Http404
        expires_at = data.get("expires_at")
        if expires_at is not None:
            from django.utils import timezone

            if expires_at <= timezone.now():
                raise DomainError("expires_at must be in the future.", code="invalid")
        raw, prefix, hashed = new_api_token()
        token = ApiToken.objects.create(user=request.user, name=data["name"], prefix=prefix, token_hash=hashed,
                                        workspace_id=workspace, expires_at=expires_at)
        return Response({**s.token_out(token), "token": raw}, status=201)


class TokenDetail(APIView):
    def delete(self, request: Request, pk: int) -> Response:
        _session_only(request)
        if not ApiToken.objects.filter(pk=pk, user=request.user).update(revoked=True):
            raise Http404
        transaction.on_commit(lambda: close_token_sockets(pk))
        return Response(status=204)
