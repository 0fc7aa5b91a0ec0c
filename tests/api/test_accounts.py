"""Sign-up, log-in and log-out; every new user gets a personal workspace they own."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from builder.models import Membership, Role

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def test_signing_up_creates_an_owned_personal_workspace_and_logs_in(browser):
    resp = browser.post("/signup/", {"username": "dora", "password1": "a-long-pass-42", "password2": "a-long-pass-42"})
    assert resp.status_code == 302 and resp["Location"] == "/"
    user = get_user_model().objects.get(username="dora")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER and membership.workspace.personal
    assert browser.get("/api/workspaces").json()[0]["role"] == "owner"


def test_a_bad_sign_up_says_what_is_wrong(browser):
    resp = browser.post("/signup/", {"username": "x y", "password1": "short", "password2": "other"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Use 2-40 letters" in body and "didn" in body
    assert not get_user_model().objects.filter(username="x y").exists()


def test_logging_in_and_out(browser):
    get_user_model().objects.create_user("erin", password="erin-pass-123")
    assert browser.get("/").status_code == 302
    bad = browser.post("/login/", {"username": "erin", "password": "nope"})
    assert bad.status_code == 200 and "correct username" in bad.content.decode()
    assert browser.post("/login/", {"username": "erin", "password": "erin-pass-123"}).status_code == 302
    assert browser.get("/api/pipelines").status_code == 200
    assert browser.post("/logout/").status_code == 302
    assert browser.get("/api/pipelines").status_code == 401


def test_health_is_public_and_reports_its_parts(browser):
    resp = browser.get("/healthz")
    body = resp.json()
    assert body["database"] == "ok" and body["redis"] == "ok"
    assert body["status"] in ("ok", "degraded") and resp.status_code in (200, 503)
