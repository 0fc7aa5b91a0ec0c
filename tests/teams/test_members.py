"""Workspaces and roles: create, rename, add by username, invite links, change roles, remove,
leave; a workspace always keeps an owner."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from builder.models import Membership, Role, Workspace
from teams.models import Invite


def test_the_creator_of_a_workspace_owns_it(as_user, users):
    resp = as_user("charlie").post("/api/workspaces", {"name": "Lab"}, format="json")
    assert resp.status_code == 201 and resp.json()["role"] == "owner"
    assert Membership.objects.get(workspace_id=resp.json()["id"]).user == users["charlie"]


def test_a_body_cannot_set_server_owned_fields(as_user):
    resp = as_user("charlie").post("/api/workspaces", {"name": "Lab", "personal": True}, format="json")
    assert resp.status_code == 400 and not Workspace.objects.filter(name="Lab").exists()


def test_only_owners_rename_and_manage_members(as_user, workspace):
    url = f"/api/workspaces/{workspace.pk}"
    assert as_user("bob").patch(url, {"name": "x"}, format="json").status_code == 403
    assert as_user("charlie").patch(url, {"name": "x"}, format="json").status_code == 404
    assert as_user("alice").patch(url, {"name": "Team"}, format="json").json()["name"] == "Team"
    assert as_user("vera").get(f"{url}/members").status_code == 200
    assert as_user("bob").post(f"{url}/members", {"username": "charlie", "role": "viewer"},
                               format="json").status_code == 403


def test_an_owner_adds_a_member_by_username(as_user, workspace, users):
    url = f"/api/workspaces/{workspace.pk}/members"
    resp = as_user("alice").post(url, {"username": "charlie", "role": "editor"}, format="json")
    assert resp.status_code == 201 and resp.json()["role"] == "editor"
    again = as_user("alice").post(url, {"username": "charlie", "role": "viewer"}, format="json")
    assert again.status_code == 409
    unknown = as_user("alice").post(url, {"username": "nobody", "role": "viewer"}, format="json")
    assert unknown.status_code == 400 and "nobody" in unknown.json()["error"]["message"]


def test_the_last_owner_cannot_leave_be_removed_or_be_demoted(as_user, workspace, users):
    base = f"/api/workspaces/{workspace.pk}"
    alice = as_user("alice")
    for resp in (alice.post(f"{base}/leave"),
                 alice.delete(f"{base}/members/{users['alice'].pk}"),
                 alice.patch(f"{base}/members/{users['alice'].pk}", {"role": "editor"}, format="json")):
        assert resp.status_code == 400 and resp.json()["error"]["code"] == "last_owner"
        assert "at least one owner" in resp.json()["error"]["message"]
    alice.patch(f"{base}/members/{users['bob'].pk}", {"role": "owner"}, format="json")
    assert alice.patch(f"{base}/members/{users['alice'].pk}", {"role": "viewer"}, format="json").status_code == 200
    assert Membership.objects.get(workspace=workspace, user=users["alice"]).role == Role.VIEWER


def test_a_member_can_leave(as_user, workspace, users):
    assert as_user("vera").post(f"/api/workspaces/{workspace.pk}/leave").status_code == 204
    assert not Membership.objects.filter(workspace=workspace, user=users["vera"]).exists()


def test_an_invite_link_makes_its_holder_a_member_until_revoked(as_user, workspace, users):
    made = as_user("alice").post(f"/api/workspaces/{workspace.pk}/invites", {"role": "viewer"}, format="json")
    assert made.status_code == 201
    token = made.json()["token"]
    assert not Invite.objects.filter(token_hash=token).exists()  # stored hashed
    accepted = as_user("charlie").post("/api/invites/accept", {"token": token}, format="json")
    assert accepted.status_code == 200 and accepted.json() == {
        "id": workspace.pk, "name": workspace.name, "personal": True, "role": "viewer"}
    as_user("alice").delete(f"/api/workspaces/{workspace.pk}/invites/{made.json()['id']}")
    User = users["charlie"].__class__
    dora = User.objects.create_user("dora", password="dora-pass-123")
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(dora)
    refused = client.post("/api/invites/accept", {"token": token}, format="json")
    assert refused.status_code == 400 and "revoked" in refused.json()["error"]["message"]


def test_an_expired_invite_is_refused(as_user, workspace):
    token = as_user("alice").post(f"/api/workspaces/{workspace.pk}/invites", {"role": "editor"},
                                  format="json").json()["token"]
    Invite.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert as_user("charlie").post("/api/invites/accept", {"token": token}, format="json").status_code == 400


def test_accepting_never_downgrades_a_member(as_user, workspace):
    token = as_user("alice").post(f"/api/workspaces/{workspace.pk}/invites", {"role": "viewer"},
                                  format="json").json()["token"]
    assert as_user("bob").post("/api/invites/accept", {"token": token}, format="json").json()["role"] == "editor"


def test_member_changes_appear_in_the_activity_list(as_user, workspace, users):
    alice = as_user("alice")
    alice.post(f"/api/workspaces/{workspace.pk}/members", {"username": "charlie", "role": "viewer"}, format="json")
    alice.patch(f"/api/workspaces/{workspace.pk}/members/{users['charlie'].pk}", {"role": "editor"}, format="json")
    alice.delete(f"/api/workspaces/{workspace.pk}/members/{users['charlie'].pk}")
    verbs = [a["verb"] for a in as_user("vera").get(f"/api/workspaces/{workspace.pk}/activity").json()]
    assert verbs[:3] == ["removed_member", "changed_role", "added_member"]
