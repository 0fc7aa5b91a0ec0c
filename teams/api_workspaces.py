"""REST for workspaces, members, invite links and the activity list."""
from __future__ import annotations

from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.models import Workspace
from builder.policy import Action, require, workspaces_of
from fomo.http import body, clamped_int
from teams import members
from teams import serializers as s
from teams.models import Activity, Invite


def workspace_for(user: object, workspace_id: int, action: Action) -> tuple[Workspace, str]:
    role = require(user, int(workspace_id), action)
    try:
        return Workspace.objects.get(pk=workspace_id), role
    except Workspace.DoesNotExist:
        raise Http404 from None


def workspace_out(ws: Workspace, role: str) -> dict[str, object]:
    return {"id": ws.pk, "name": ws.name, "personal": ws.personal, "role": role}


class WorkspaceList(APIView):
    """The user's workspaces with their role in each (personal first); creating one."""

    def get(self, request: Request) -> Response:
        rows = workspaces_of(request.user).filter(membership__user=request.user).values(
            "id", "name", "personal", "membership__role").order_by("-personal", "name")
        return Response([{"id": r["id"], "name": r["name"], "personal": r["personal"],
                          "role": r["membership__role"]} for r in rows])

    def post(self, request: Request) -> Response:
        data = body(s.WorkspaceCreate, request)
        ws = members.create_workspace(request.user, data["name"])
        return Response(workspace_out(ws, "owner"), status=201)


class WorkspaceDetail(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        ws, role = workspace_for(request.user, workspace_id, Action.READ)
        return Response({**workspace_out(ws, role), "members": members.members_of(ws)})

    def patch(self, request: Request, workspace_id: int) -> Response:
        ws, role = workspace_for(request.user, workspace_id, Action.ADMIN)
        data = body(s.WorkspaceUpdate, request)
        return Response(workspace_out(members.rename_workspace(ws, data["name"], request.user), role))


class MemberList(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.READ)
        return Response(members.members_of(ws))

    def post(self, request: Request, workspace_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.ADMIN)
        data = body(s.MemberAdd, request)
        return Response(members.add_member(ws, data["username"], data["role"], request.user), status=201)


class MemberDetail(APIView):
    def patch(self, request: Request, workspace_id: int, user_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.ADMIN)
        data = body(s.MemberUpdate, request)
        return Response(members.change_role(ws, user_id, data["role"], request.user))

    def delete(self, request: Request, workspace_id: int, user_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.ADMIN)
        members.remove_member(ws, user_id, request.user)
        return Response(status=204)


class Leave(APIView):
    def post(self, request: Request, workspace_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.READ)
        members.remove_member(ws, request.user.pk, request.user)
        return Response(status=204)


class InviteList(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.ADMIN)
        rows = Invite.objects.filter(workspace=ws).select_related("created_by").order_by("-created_at")
        return Response([s.invite_out(i) for i in rows])

    def post(self, request: Request, workspace_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.ADMIN)
        data = body(s.InviteCreate, request)
        invite, raw = members.create_invite(ws, data["role"], data["expires_in_hours"], request.user)
        return Response({**s.invite_out(invite), "token": raw, "url": f"/invites/{raw}/",
                         "accept": "POST /api/invites/accept"}, status=201)


class InviteDetail(APIView):
    def delete(self, request: Request, workspace_id: int, invite_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.ADMIN)
        members.revoke_invite(ws, invite_id, request.user)
        return Response(status=204)


class InviteAccept(APIView):
    def post(self, request: Request) -> Response:
        data = body(s.InviteAccept, request)
        ws, role = members.accept_invite(data["token"], request.user)
        return Response(workspace_out(ws, role))


class ActivityList(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        ws, _ = workspace_for(request.user, workspace_id, Action.READ)
        limit = clamped_int(request.query_params.get("limit"), 100, 1, 500)
        rows = Activity.objects.filter(workspace=ws).select_related("actor")
        if (before := request.query_params.get("before", "")).isdigit():
            rows = rows.filter(pk__lt=int(before))
        return Response([a.as_dict() for a in rows[:limit]])
