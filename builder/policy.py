"""Who may do what, in one place. Views, serializers and the websocket consumer ask here.

Objects of a workspace the user is not a member of are invisible (404), never "forbidden":
their existence is not disclosed. Within a visible workspace, a role too low for the action
answers 403.
"""
from __future__ import annotations

from enum import Enum
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from builder.models import Membership, Pipeline, Role, Workspace
from fomo.errors import Forbidden


class Action(str, Enum):  # noqa: UP042 - members compare and serialise as their str value
    READ = "read"
    EDIT = "edit"
    RUN = "run"
    DELETE = "delete"
    ADMIN = "admin"


ALLOWED: dict[Action, frozenset[str]] = {
    Action.READ: frozenset({Role.OWNER, Role.EDITOR, Role.VIEWER}),
    Action.EDIT: frozenset({Role.OWNER, Role.EDITOR}),
    Action.RUN: frozenset({Role.OWNER, Role.EDITOR}),
    Action.DELETE: frozenset({Role.OWNER, Role.EDITOR}),
    Action.ADMIN: frozenset({Role.OWNER}),
}


def token_scope(user: Any) -> int | None:
    """The one workspace an API token limits this request to (set by teams.auth), if any."""
    return getattr(user, "fomo_token_scope", None)


def api_token_id(user: Any) -> int | None:
    """The API token this request authenticated with (set by teams.auth), if any."""
    return getattr(user, "fomo_token_id", None)


def workspaces_of(user: Any) -> QuerySet[Workspace]:
    if not getattr(user, "is_authenticated", False):
        return Workspace.objects.none()
    qs = Workspace.objects.filter(membership__user=user)
    scope = token_scope(user)
    return qs if scope is None else qs.filter(pk=scope)


def role_in(user: Any, workspace_id: int) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    scope = token_scope(user)
    if scope is not None and scope != workspace_id:
        return None
    return Membership.objects.filter(user=user, workspace_id=workspace_id).values_list("role", flat=True).first()


def pipelines_of(user: Any) -> QuerySet[Pipeline]:
    return Pipeline.objects.filter(workspace__in=workspaces_of(user))


def require(user: Any, workspace_id: int, action: Action) -> str:
    """The user's role, if it allows ``action`` in the workspace; else 404 (not a member) or
    403 (member with too low a role)."""
    role = role_in(user, workspace_id)
    if role is None:
        raise Http404
    if role not in ALLOWED[action]:
        raise Forbidden(f"Your role ({role}) does not allow {action.value} in this workspace.")
    return role


def pipeline_for(user: Any, pipeline_id: Any, action: Action = Action.READ) -> tuple[Pipeline, str]:
    try:
        pipeline = Pipeline.objects.select_related("updated_by").get(pk=int(pipeline_id))
    except (Pipeline.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    return pipeline, require(user, pipeline.workspace_id, action)


def member_group(workspace_id: int, user_id: int) -> str:
    """The channel-layer group of one member's live streams in one workspace: removing the
    member sends ``force.close`` there."""
    return f"ws.{workspace_id}.user.{user_id}"


def token_group(token_id: int) -> str:
    """The channel-layer group of the live streams opened with one API token: revoking the token
    sends ``token.revoked`` there."""
    return f"token.{token_id}"


def ops_workspaces(user: Any, workspace_id: int | None) -> list[int] | None:
    """The workspaces whose operations (run counts, queue, workers) the user may watch.

    ``None`` means every workspace: staff, logged in without a workspace-scoped token, asking
    for no workspace in particular. A named workspace: staff see it, its owners see it, other
    members get 403 and strangers 404. No workspace named: the ones the user owns.
    """
    staff = bool(getattr(user, "is_staff", False)) and token_scope(user) is None
    if workspace_id is None:
        if staff:
            return None
        return list(workspaces_of(user).filter(membership__user=user, membership__role=Role.OWNER)
                    .values_list("pk", flat=True))
    if staff:
        if not Workspace.objects.filter(pk=workspace_id).exists():
            raise Http404
        return [workspace_id]
    require(user, workspace_id, Action.ADMIN)
    return [workspace_id]
