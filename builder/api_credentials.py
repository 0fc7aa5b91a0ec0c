"""REST for a workspace's credentials. Write-only secrets: no response ever carries the secret
or anything derived from it but the masked ``hint``.

Viewers see id, provider and hint; editors and owners also see names and base URLs, create,
and update; only owners delete.

Where a secret goes is decided by someone who holds it: changing a credential's base URL needs
the secret re-entered in the same request, whatever the role (403 otherwise). Nobody can read a
stored secret back, not even an owner, so "knows the secret" is the only right that matches
"may send it somewhere"; and whoever knows it could store it anew anyway.
"""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder import credentials
from builder.models import Credential, Role
from builder.netguard import base_url_problem
from builder.policy import Action, require, role_in
from builder.providers.registry import PROVIDERS
from fomo.errors import Conflict, Forbidden
from fomo.http import StrictSerializer, body

# "http": a secret that http.request sends in a header, only to URLs under the credential's base URL.
HTTP = "http"
_KEYED = sorted([*(name for name, p in PROVIDERS.items() if name not in ("fake", "offline", "local")), HTTP])
_NEEDS_BASE_URL = "an http credential needs a base URL: its secret is only sent to URLs under it"
_MOVE_NEEDS_SECRET = ("changing base_url changes where this credential's secret is sent: enter the secret again "
                      "in the same request (secret and base_url together)")


def _http_url(value: str) -> str:
    problem = base_url_problem(value) if value else None
    if problem:
        raise serializers.ValidationError(f"base_url {problem}")
    return value


class CredentialCreate(StrictSerializer):
    provider = serializers.ChoiceField(choices=_KEYED)
    name = serializers.CharField(max_length=120)
    secret = serializers.CharField(max_length=4000, write_only=True, trim_whitespace=True)
    base_url = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                     validators=[_http_url])


class CredentialUpdate(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    secret = serializers.CharField(max_length=4000, required=False, write_only=True, trim_whitespace=True)
    base_url = serializers.CharField(max_length=2000, required=False, allow_blank=True, validators=[_http_url])


def credential_json(c: Credential, role: str) -> dict[str, Any]:
    if role == Role.VIEWER:
        return {"id": c.pk, "provider": c.provider, "hint": c.hint}
    return {"id": c.pk, "workspace": c.workspace_id, "provider": c.provider, "name": c.name, "hint": c.hint,
            "base_url": c.base_url or None, "created_by": c.created_by.get_username() if c.created_by else None,
            "created_at": c.created_at.isoformat(), "updated_at": c.updated_at.isoformat()}


def _credential_for(user: Any, pk: int, action: Action) -> tuple[Credential, str]:
    cred = Credential.objects.select_related("created_by").filter(pk=pk).first()
    if cred is None or role_in(user, cred.workspace_id) is None:
        raise Http404
    return cred, require(user, cred.workspace_id, action)


def _save(cred: Credential) -> None:
    try:
        with transaction.atomic():
            cred.save()
    except IntegrityError:
        raise Conflict(f"a credential named {cred.name!r} already exists in this workspace") from None


class WorkspaceCredentials(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        role = require(request.user, workspace_id, Action.READ)
        rows = Credential.objects.filter(workspace_id=workspace_id).select_related("created_by")
        return Response([credential_json(c, role) for c in rows])

    def post(self, request: Request, workspace_id: int) -> Response:
        role = require(request.user, workspace_id, Action.EDIT)
        data = body(CredentialCreate, request)
        if not data["secret"]:
            raise serializers.ValidationError({"secret": ["This field may not be blank."]})
        if data["provider"] == HTTP and not data.get("base_url"):
            raise serializers.ValidationError({"base_url": [_NEEDS_BASE_URL]})
        cred = Credential(workspace_id=workspace_id, provider=data["provider"], name=data["name"],
                          base_url=data.get("base_url", ""), created_by=request.user)
        credentials.set_secret(cred, data["secret"])
        _save(cred)
        return Response(credential_json(cred, role), status=201)


class CredentialDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        cred, role = _credential_for(request.user, pk, Action.READ)
        return Response(credential_json(cred, role))

    def patch(self, request: Request, pk: int) -> Response:
        cred, role = _credential_for(request.user, pk, Action.EDIT)
        data = body(CredentialUpdate, request)
        if "name" in data:
            cred.name = data["name"]
        if "base_url" in data and data["base_url"] != cred.base_url:
            if cred.provider == HTTP and not data["base_url"]:
                raise serializers.ValidationError({"base_url": [_NEEDS_BASE_URL]})
            if not data.get("secret"):
                raise Forbidden(_MOVE_NEEDS_SECRET)
            cred.base_url = data["base_url"]
        if data.get("secret"):
            credentials.set_secret(cred, data["secret"])
        cred.updated_at = timezone.now()
        _save(cred)
        return Response(credential_json(cred, role))

    def delete(self, request: Request, pk: int) -> Response:
        cred, _ = _credential_for(request.user, pk, Action.ADMIN)
        cred.delete()
        return Response(status=204)
