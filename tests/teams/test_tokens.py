"""Personal API tokens: shown once, stored hashed, refused when revoked or expired, scoped to
one workspace when asked, limited in rate, and useless where their user is no longer a member."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from builder.models import Membership
from teams.models import ApiToken


def test_a_token_is_shown_once_and_stored_only_as_a_hash(as_user, bearer):
    resp = as_user("alice").post("/api/tokens", {"name": "ci"}, format="json")
    assert resp.status_code == 201
    raw = resp.json()["token"]
    assert raw.startswith("fomo_") and raw.startswith(resp.json()["prefix"])
    row = ApiToken.objects.get()
    assert raw not in {row.token_hash, row.prefix} and raw.split("_", 2)[2] not in row.token_hash
    listed = as_user("alice").get("/api/tokens").json()
    assert listed[0]["name"] == "ci" and "token" not in listed[0]
    assert bearer(raw).get("/api/pipelines").status_code == 200


def test_a_revoked_token_is_refused_with_a_clear_401(as_user, bearer):
    made = as_user("alice").post("/api/tokens", {"name": "ci"}, format="json").json()
    assert as_user("alice").delete(f"/api/tokens/{made['id']}").status_code == 204
    resp = bearer(made["token"]).get("/api/pipelines")
    assert resp.status_code == 401 and "revoked" in resp.json()["error"]["message"]


def test_an_expired_token_is_refused(make_token, bearer):
    raw, _ = make_token("alice", expires_at=timezone.now() - timedelta(seconds=1))
    resp = bearer(raw).get("/api/pipelines")
    assert resp.status_code == 401 and "expired" in resp.json()["error"]["message"]


@pytest.mark.parametrize("raw", ["fomo_deadbeef_nope", "garbage", "fomo__x", ""])
def test_a_wrong_or_malformed_token_is_refused(raw, bearer, make_token):
    make_token("alice")
    assert bearer(raw).get("/api/pipelines").status_code == 401


def test_a_token_cannot_mint_or_revoke_tokens(make_token, bearer):
    raw, token = make_token("alice")
    assert bearer(raw).post("/api/tokens", {"name": "more"}, format="json").status_code == 403
    assert bearer(raw).delete(f"/api/tokens/{token.pk}").status_code == 403
    assert ApiToken.objects.count() == 1


def test_nobody_revokes_someone_elses_token(make_token, as_user):
    _, token = make_token("alice")
    assert as_user("bob").delete(f"/api/tokens/{token.pk}").status_code == 404
    assert not ApiToken.objects.get().revoked


def test_a_scoped_token_sees_other_workspaces_as_404(make_token, bearer, pipeline, side_workspace):
    raw, _ = make_token("alice", side_workspace)
    client = bearer(raw)
    assert client.get(f"/api/pipelines/{pipeline.pk}").status_code == 404
    assert client.get("/api/pipelines").json() == []
    assert [w["id"] for w in client.get("/api/workspaces").json()] == [side_workspace.pk]
    unscoped, _ = make_token("alice")
    assert bearer(unscoped).get(f"/api/pipelines/{pipeline.pk}").status_code == 200


def test_a_token_cannot_be_scoped_to_a_strangers_workspace(as_user, side_workspace):
    resp = as_user("charlie").post("/api/tokens", {"name": "x", "workspace": side_workspace.pk}, format="json")
    assert resp.status_code == 404 and not ApiToken.objects.exists()


def test_removing_a_member_rejects_their_token_on_the_next_request(make_token, bearer, as_user, pipeline, users):
    raw, _ = make_token("bob")
    assert bearer(raw).get(f"/api/pipelines/{pipeline.pk}").status_code == 200
    resp = as_user("alice").delete(f"/api/workspaces/{pipeline.workspace_id}/members/{users['bob'].pk}")
    assert resp.status_code == 204
    assert bearer(raw).get(f"/api/pipelines/{pipeline.pk}").status_code == 404
    assert not Membership.objects.filter(user=users["bob"], workspace=pipeline.workspace).exists()


def test_the_rate_limit_answers_429_with_retry_after(make_token, bearer, settings):
    settings.FOMO = {**settings.FOMO, "TOKEN_RATE": "3/min"}
    raw, _ = make_token("alice")
    client = bearer(raw)
    codes = [client.get("/api/workspaces").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    resp = client.get("/api/workspaces")
    assert resp.status_code == 429 and 1 <= int(resp["Retry-After"]) <= 60
    other, _ = make_token("alice")
    assert bearer(other).get("/api/workspaces").status_code == 200  # per token


def test_last_used_is_recorded(make_token, bearer):
    raw, token = make_token("alice")
    bearer(raw).get("/api/workspaces")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_scoped_token_creates_pipelines_in_its_workspace(make_token, bearer, side_workspace):
    raw, _ = make_token("alice", side_workspace)
    resp = bearer(raw).post("/api/pipelines", {"name": "from ci"}, format="json")
    assert resp.status_code == 201 and resp.json()["workspace"] == side_workspace.pk
