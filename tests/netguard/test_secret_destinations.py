"""Where a secret may go is decided by someone who holds it: moving a stored credential to another
base URL needs the secret re-entered (whatever the role), and the operator's environment keys only
ever go to the provider's own API, never to a base URL typed into a node."""
from __future__ import annotations

import asyncio

import pytest

from builder.credentials import set_secret
from builder.models import Credential, Workspace
from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from runs.services import RunServices
from tests.api.conftest import as_user, users  # noqa: F401
from tests.nodes.kit import FakeContext
from tests.stubs.fixtures import llm_stub, llm_stub_server  # noqa: F401

SECRET = "sk-destination-SECRET-0a1b2c3d4e"

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(users, settings, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FOMO_ENCRYPTION_KEYS", raising=False)
    settings.DATA_DIR = tmp_path
    return Workspace.personal_of(users["alice"])


@pytest.fixture
def cred(ws) -> Credential:
    made = Credential(workspace=ws, provider="http", name="api", base_url="https://api.example.com/v1")
    set_secret(made, SECRET)
    made.save()
    return made


@pytest.mark.parametrize("who", ["bob", "alice"])  # an editor, and the owner
def test_moving_a_credential_without_its_secret_is_refused(as_user, cred, who):  # noqa: F811
    resp = as_user(who).patch(f"/api/credentials/{cred.pk}", {"base_url": "https://attacker.example/v1"},
                              format="json")
    assert resp.status_code == 403, resp.content
    assert "secret" in resp.json()["error"]["message"] and "base_url" in resp.json()["error"]["message"]
    cred.refresh_from_db()
    assert cred.base_url == "https://api.example.com/v1"


def test_moving_a_credential_with_its_secret_re_entered_is_allowed(as_user, cred):  # noqa: F811
    resp = as_user("bob").patch(f"/api/credentials/{cred.pk}",
                                {"base_url": "https://api2.example.com/v1", "secret": SECRET}, format="json")
    assert resp.status_code == 200 and resp.json()["base_url"] == "https://api2.example.com/v1"


def test_renaming_or_resending_the_same_base_url_needs_no_secret(as_user, cred):  # noqa: F811
    resp = as_user("bob").patch(f"/api/credentials/{cred.pk}",
                                {"name": "renamed", "base_url": "https://api.example.com/v1"}, format="json")
    assert resp.status_code == 200 and resp.json()["name"] == "renamed"


@pytest.mark.parametrize("url", ["https://api.example.com/v1?x=", "https://api.example.com/v1#top",
                                 "https://me:pw@api.example.com/v1", "https:///v1"])
def test_a_base_url_of_the_wrong_shape_is_refused_at_save_time(as_user, ws, cred, url):  # noqa: F811
    alice = as_user("alice")
    made = alice.post(f"/api/workspaces/{ws.pk}/credentials",
                      {"provider": "http", "name": "n", "secret": SECRET, "base_url": url}, format="json")
    patched = alice.patch(f"/api/credentials/{cred.pk}", {"base_url": url, "secret": SECRET}, format="json")
    for resp in (made, patched):
        assert resp.status_code == 400, resp.content
        assert "base_url" in resp.json()["error"]["details"]


def chat_node(config: dict, services: RunServices) -> dict:
    spec = registry.get("llm.chat")
    ctx = FakeContext(services=services)
    return asyncio.run(spec.run(ctx, spec.parse_config(config), {"prompt": "hello there"}))


def test_the_operators_key_never_goes_to_a_base_url_typed_into_a_node(llm_stub, monkeypatch):  # noqa: F811
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with pytest.raises(NodeError) as caught:
        chat_node({"provider": "openai", "model": "gpt-4o-mini", "base_url": llm_stub.openai_base_url},
                  RunServices(workspace_id=1))
    assert caught.value.kind == "auth" and "credential" in caught.value.message
    assert SECRET not in caught.value.message
    assert llm_stub.requests == []
