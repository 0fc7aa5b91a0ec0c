"""Workspaces, members and invite links. Every change that could leave a workspace without
an owner is refused; removing a member closes their live streams there at once."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from builder.models import Membership, Role, Workspace
from builder.policy import member_group
from fomo.errors import Conflict, DomainError
from teams.activity import record
from teams.keys import digest, new_link_token
from teams.models import Invite

log = logging.getLogger(__name__)


class LastOwner(DomainError):
    code = "last_owner"


def _name(user: Any) -> str:
    return user.get_username() if user is not None else "someone"


def create_workspace(user: Any, name: str) -> Workspace:
    with transaction.atomic():
        ws = Workspace.objects.create(name=name)
        Membership.objects.create(workspace=ws, user=user, role=Role.OWNER)
        record(ws.pk, user, "created", "workspace", ws.pk, f"created workspace “{name}”")
    return ws


def rename_workspace(ws: Workspace, name: str, actor: Any) -> Workspace:
    old, ws.name = ws.name, name
    ws.save(update_fields=["name"])
    record(ws.pk, actor, "renamed", "workspace", ws.pk, f"renamed workspace “{old}” to “{name}”")
    return ws


def members_of(ws: Workspace) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(workspace=ws).select_related("user").order_by("created_at", "pk")
    return [{"user_id": m.user_id, "username": m.user.get_username(), "role": m.role,
             "joined_at": m.created_at.isoformat()} for m in rows]


def _membership(ws: Workspace, user_id: int) -> Membership:
    m = Membership.objects.select_for_update().filter(workspace=ws, user_id=user_id).select_related("user").first()
    if m is None:
        raise Http404
    return m


def _keep_an_owner(ws: Workspace, leaving: Membership) -> None:
    if leaving.role == Role.OWNER and not Membership.objects.filter(
            workspace=ws, role=Role.OWNER).exclude(pk=leaving.pk).exists():
        raise LastOwner("A workspace must keep at least one owner: make someone else an owner first.")


def add_member(ws: Workspace, username: str, role: str, actor: Any) -> dict[str, Any]:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError(f"No user is called “{username}”.", code="unknown_user")
    with transaction.atomic():
        if Membership.objects.filter(workspace=ws, user=user).exists():
            raise Conflict(f"{username} is already a member of this workspace.")
        m = Membership.objects.create(workspace=ws, user=user, role=role)
        record(ws.pk, actor, "added_member", "member", user.pk, f"added {username} as {role}")
    return {"user_id": user.pk, "username": username, "role": m.role, "joined_at": m.created_at.isoformat()}


def change_role(ws: Workspace, user_id: int, role: str, actor: Any) -> dict[str, Any]:
    with transaction.atomic():
        m = _membership(ws, user_id)
        if role != Role.OWNER:
            _keep_an_owner(ws, m)
        old, m.role = m.role, role
        m.save(update_fields=["role"])
        record(ws.pk, actor, "changed_role", "member", user_id, f"changed {_name(m.user)} from {old} to {role}")
    return {"user_id": user_id, "username": _name(m.user), "role": role, "joined_at": m.created_at.isoformat()}


def remove_member(ws: Workspace, user_id: int, actor: Any) -> None:
    """Delete the membership (their tokens stop working here on the next request, since the
    policy checks membership every time) and close their open run streams in this workspace."""
    with transaction.atomic():
        m = _membership(ws, user_id)
        _keep_an_owner(ws, m)
        m.delete()
        verb, summary = (("left", f"{_name(m.user)} left") if getattr(actor, "pk", None) == user_id
                         else ("removed_member", f"removed {_name(m.user)}"))
        record(ws.pk, actor, verb, "member", user_id, summary)
        transaction.on_commit(lambda: close_streams(ws.pk, user_id))


def close_streams(workspace_id: int, user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(member_group(workspace_id, user_id), {"type": "force.close"})
    except Exception as exc:  # the streams re-check access on their own next request
        log.warning("could not close streams of user %s in workspace %s: %s", user_id, workspace_id, exc)


def create_invite(ws: Workspace, role: str, hours: int, actor: Any) -> tuple[Invite, str]:
    raw, hashed = new_link_token()
    invite = Invite.objects.create(workspace=ws, role=role, token_hash=hashed, created_by=actor,
                                   expires_at=timezone.now() + timedelta(hours=hours))
    record(ws.pk, actor, "invited", "invite", invite.pk, f"created an invite link for a new {role}")
    return invite, raw


def revoke_invite(ws: Workspace, invite_id: int, actor: Any) -> None:
    if not Invite.objects.filter(pk=invite_id, workspace=ws).update(revoked=True):
        raise Http404
    record(ws.pk, actor, "revoked_invite", "invite", invite_id, "revoked an invite link")


def accept_invite(raw: str, user: Any) -> tuple[Workspace, str]:
    """Join the invite's workspace with its role. A member already there keeps their role."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().select_related("workspace").filter(token_hash=digest(raw)).first()
        if invite is None or not invite.usable:
            raise DomainError("This invite link is invalid, expired or revoked.", code="invalid_invite")
        existing = Membership.objects.filter(workspace=invite.workspace, user=user).first()
        if existing is not None:
            return invite.workspace, existing.role
        Membership.objects.create(workspace=invite.workspace, user=user, role=invite.role)
        Invite.objects.filter(pk=invite.pk).update(uses=invite.uses + 1)
        record(invite.workspace_id, user, "joined", "member", user.pk,
               f"{_name(user)} joined as {invite.role} by invite link")
    return invite.workspace, invite.role


def invite_by_token(raw: str) -> Invite | None:
    """The invite a raw link token names (usable or not), for the invite page."""
    return Invite.objects.select_related("workspace", "created_by").filter(token_hash=digest(raw)).first()


def role_of(ws: Workspace, user: Any) -> str | None:
    return Membership.objects.filter(workspace=ws, user=user).values_list("role", flat=True).first()
