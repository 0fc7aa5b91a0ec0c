"""Request bodies of the teams API (strict: unknown fields are refused) and response shapes."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from builder.models import Role
from fomo.http import StrictSerializer
from teams.models import ApiToken, Invite, ShareLink

ROLES = list(Role.values)


def _iso(dt: Any) -> str | None:
    return dt.isoformat() if dt is not None else None


class TokenCreate(StrictSerializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    workspace = serializers.IntegerField(required=False, allow_null=True)


class WorkspaceCreate(StrictSerializer):
    name = serializers.CharField(max_length=120)


class WorkspaceUpdate(StrictSerializer):
    name = serializers.CharField(max_length=120)


class MemberAdd(StrictSerializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=ROLES)


class MemberUpdate(StrictSerializer):
    role = serializers.ChoiceField(choices=ROLES)


class InviteCreate(StrictSerializer):
    role = serializers.ChoiceField(choices=ROLES)
    expires_in_hours = serializers.IntegerField(min_value=1, max_value=24 * 90, default=72)


class InviteAccept(StrictSerializer):
    token = serializers.CharField(max_length=200)


class ShareLinkCreate(StrictSerializer):
    include_runs = serializers.BooleanField(default=False)
    expires_in_hours = serializers.IntegerField(min_value=1, max_value=24 * 365, required=False, allow_null=True)


class PipelineTarget(StrictSerializer):
    workspace = serializers.IntegerField()


class ShareDuplicate(StrictSerializer):
    workspace = serializers.IntegerField(required=False)


def token_out(t: ApiToken) -> dict[str, Any]:
    return {"id": t.pk, "name": t.name, "prefix": f"fomo_{t.prefix}_", "workspace": t.workspace_id,
            "expires_at": _iso(t.expires_at), "last_used_at": _iso(t.last_used_at), "revoked": t.revoked,
            "created_at": _iso(t.created_at)}


def invite_out(i: Invite) -> dict[str, Any]:
    return {"id": i.pk, "workspace": i.workspace_id, "role": i.role, "expires_at": _iso(i.expires_at),
            "revoked": i.revoked, "expired": i.expired, "uses": i.uses, "created_at": _iso(i.created_at),
            "created_by": i.created_by.get_username() if i.created_by else None}


def share_link_out(link: ShareLink) -> dict[str, Any]:
    return {"id": link.pk, "pipeline": link.pipeline_id, "include_runs": link.include_runs,
            "expires_at": _iso(link.expires_at), "revoked": link.revoked, "expired": link.expired,
            "created_at": _iso(link.created_at),
            "created_by": link.created_by.get_username() if link.created_by else None}


class EmbedKeyCreate(StrictSerializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    allowed_origins = serializers.ListField(child=serializers.CharField(max_length=300), max_length=20)
    rate_per_minute = serializers.IntegerField(min_value=1, max_value=600, default=20)


class EmbedKeyUpdate(StrictSerializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    allowed_origins = serializers.ListField(child=serializers.CharField(max_length=300), max_length=20,
                                            required=False)
    rate_per_minute = serializers.IntegerField(min_value=1, max_value=600, required=False)


class EmbedChat(StrictSerializer):
    message = serializers.CharField(max_length=4000)
    session = serializers.CharField(max_length=64, required=False, allow_blank=True)


def embed_key_out(k: Any, base: str) -> dict[str, Any]:
    """A key with the snippets that embed it; ``base`` is fomo's own origin."""
    return {"id": k.pk, "pipeline": k.pipeline_id, "key": k.key, "label": k.label,
            "allowed_origins": k.allowed_origins, "rate_per_minute": k.rate_per_minute, "revoked": k.revoked,
            "created_at": _iso(k.created_at), "rotated_at": _iso(k.rotated_at), "last_used_at": _iso(k.last_used_at),
            "created_by": k.created_by.get_username() if k.created_by else None,
            "script": f'<script src="{base}/embed/widget.js" data-fomo-key="{k.key}" async></script>',
            "iframe": f'<iframe src="{base}/embed/{k.key}/" title="Chat" '
                      'style="width:380px;height:560px;border:0"></iframe>'}
