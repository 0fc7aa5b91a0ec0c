"""The invite page ``/invites/<token>/``: it names the workspace and role, logged-out people go
through log-in or sign-up and come back, accepting makes them a member, and expired, revoked or
unknown links say so."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from builder.models import Membership, Workspace
from teams.keys import new_link_token
from teams.models import Invite


@pytest.fixture
def team(users) -> Workspace:
    ws = Workspace.objects.create(name="Research Guild")
    Membership.objects.create(workspace=ws, user=users["alice"], role="owner")
    return ws


def invite(ws: Workspace, users, **fields) -> str:
    raw, hashed = new_link_token()
    Invite.objects.create(workspace=ws, role=fields.pop("role", "editor"), token_hash=hashed,
                          created_by=users["alice"], expires_at=timezone.now() + timedelta(hours=1), **fields)
    return raw


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_hands_out_the_page_url(as_user, team):
    made = as_user("alice").post(f"/api/workspaces/{team.pk}/invites", {"role": "viewer"}, format="json").json()
    assert made["url"] == f"/invites/{made['token']}/"
    assert Client().get(made["url"]).status_code == 200


def test_it_shows_the_workspace_and_role_and_a_logged_in_user_accepts(users, team):
    raw = invite(team, users)
    charlie = logged_in(users["charlie"])
    page = charlie.get(f"/invites/{raw}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Research Guild" in text and "editor" in text and "alice" in text
    assert "Accept invitation" in text and "csrfmiddlewaretoken" in text
    done = charlie.post(f"/invites/{raw}/")
    assert done.status_code == 302 and done["Location"] == f"/?workspace={team.pk}"
    assert Membership.objects.get(workspace=team, user=users["charlie"]).role == "editor"
    again = charlie.get(f"/invites/{raw}/").content.decode()
    assert "already a member" in again and "Accept invitation" not in again


def test_accepting_checks_csrf(users, team):
    raw = invite(team, users)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["charlie"])
    assert client.post(f"/invites/{raw}/").status_code == 403
    assert not Membership.objects.filter(workspace=team, user=users["charlie"]).exists()


def test_a_logged_out_visitor_logs_in_and_comes_back(users, team):
    raw = invite(team, users)
    client = Client()
    page = client.get(f"/invites/{raw}/").content.decode()
    assert "Research Guild" in page and "Accept invitation" not in page
    assert f"/login/?next=/invites/{raw}/" in page and f"/invites/{raw}/signup/" in page
    assert client.post(f"/invites/{raw}/")["Location"] == f"/login/?next=/invites/{raw}/"
    assert not Membership.objects.filter(workspace=team, user=users["charlie"]).exists()
    back = client.post(f"/login/?next=/invites/{raw}/", {"username": "charlie", "password": "charlie-pass-123",
                                                         "next": f"/invites/{raw}/"})
    assert back.status_code == 302 and back["Location"] == f"/invites/{raw}/"
    assert "Accept invitation" in client.get(back["Location"]).content.decode()


def test_a_new_person_signs_up_and_comes_back(users, team):
    raw = invite(team, users, role="viewer")
    client = Client()
    form = client.get(f"/invites/{raw}/signup/")
    assert form.status_code == 200 and b"password1" in form.content
    done = client.post(f"/invites/{raw}/signup/", {"username": "newbie", "password1": "a-Long-pass-9876",
                                                   "password2": "a-Long-pass-9876"})
    assert done.status_code == 302 and done["Location"] == f"/invites/{raw}/"
    assert client.post(f"/invites/{raw}/").status_code == 302
    assert Membership.objects.get(workspace=team, user__username="newbie").role == "viewer"


@pytest.mark.parametrize("state, status, words", [
    ("expired", 410, "expired"), ("revoked", 410, "revoked"), ("unknown", 404, "not valid"),
])
def test_dead_links_say_why_and_accept_nothing(users, team, state, status, words):
    raw = invite(team, users, **({"revoked": True} if state == "revoked" else {}))
    if state == "expired":
        Invite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    if state == "unknown":
        raw = raw[:-3] + "zzz"
    charlie = logged_in(users["charlie"])
    page = charlie.get(f"/invites/{raw}/")
    assert page.status_code == status and words in page.content.decode()
    assert "Research Guild" not in page.content.decode()
    refused = charlie.post(f"/invites/{raw}/")
    assert refused.status_code == status
    assert not Membership.objects.filter(workspace=team, user=users["charlie"]).exists()
