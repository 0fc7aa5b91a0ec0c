"""Credentials are encrypted at rest, write-only over the API, and visible by role: viewers see
provider and hint, editors create and update, owners delete, strangers get 404."""
from __future__ import annotations

import io
import json
import os
import stat

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from builder import credentials as creds
from builder.credentials import resolve_credential
from builder.models import Credential, Workspace
from builder.providers.base import ProviderError

pytestmark = pytest.mark.postgres

SECRET = "sk-test-TOPSECRET-0123456789abcd"


@pytest.fixture(autouse=True)
def key_dir(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("FOMO_ENCRYPTION_KEYS", raising=False)
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def ws(users):
    return Workspace.personal_of(users["alice"])


def create(client, ws, name="main", secret=SECRET, provider="openai", **extra):
    return client.post(f"/api/workspaces/{ws.pk}/credentials",
                       {"provider": provider, "name": name, "secret": secret, **extra}, format="json")


@pytest.fixture
def cred(as_user, ws):
    resp = create(as_user("alice"), ws)
    assert resp.status_code == 201, resp.content
    return resp.json()


def raw_column(pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT secret_encrypted FROM builder_credential WHERE id = %s", [pk])
        return cur.fetchone()[0]


def test_the_secret_is_encrypted_at_rest_and_decrypts_back(cred):
    column = raw_column(cred["id"])
    assert SECRET not in column and "TOPSECRET" not in column
    assert creds.secret_of(Credential.objects.get(pk=cred["id"])) == SECRET


def test_a_key_file_is_generated_with_mode_0600(cred, key_dir):
    path = key_dir / "encryption_keys"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    Fernet(path.read_text().strip().encode())  # a valid key


def test_keys_from_the_environment_are_used_first_key_encrypting(ws, users, monkeypatch, key_dir):
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", f"{new},{old}")
    c = Credential(workspace=ws, provider="openai", name="env")
    creds.set_secret(c, SECRET)
    c.save()
    assert Fernet(new.encode()).decrypt(raw_column(c.pk).encode()).decode() == SECRET
    assert not (key_dir / "encryption_keys").exists()


def test_rotation_re_encrypts_every_secret_with_a_new_key(cred, key_dir):
    before = raw_column(cred["id"])
    old_key = (key_dir / "encryption_keys").read_text().split()[0].encode()
    call_command("rotate_encryption_key", stdout=io.StringIO())
    keys = (key_dir / "encryption_keys").read_text().split()
    assert len(keys) == 2 and keys[1].encode() == old_key
    after = raw_column(cred["id"])
    assert after != before
    assert Fernet(keys[0].encode()).decrypt(after.encode()).decode() == SECRET
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(after.encode())
    assert creds.secret_of(Credential.objects.get(pk=cred["id"])) == SECRET


def test_no_credential_route_ever_returns_the_secret(as_user, ws, cred):
    alice = as_user("alice")
    responses = [
        create(alice, ws, name="second", secret=SECRET + "x"),
        alice.get(f"/api/workspaces/{ws.pk}/credentials"),
        alice.get(f"/api/credentials/{cred['id']}"),
        alice.patch(f"/api/credentials/{cred['id']}", {"name": "renamed"}, format="json"),
        alice.patch(f"/api/credentials/{cred['id']}", {"secret": SECRET + "y"}, format="json"),
        as_user("vera").get(f"/api/workspaces/{ws.pk}/credentials"),
        as_user("vera").get(f"/api/credentials/{cred['id']}"),
        as_user("bob").get(f"/api/credentials/{cred['id']}"),
        create(alice, ws, name="second", secret=SECRET),  # 409 duplicate name
        create(alice, ws, name="bad", secret=SECRET, base_url="ftp://x"),  # 400
        alice.delete(f"/api/credentials/{cred['id']}"),
    ]
    for resp in responses:
        text = resp.content.decode()
        assert "TOPSECRET" not in text and "secret" not in json.loads(text or "{}"), text
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 200, 200, 200, 200, 409, 400, 204]
    assert responses[0].json()["hint"] == "sk-…bcdx"


def test_viewers_see_only_id_provider_and_hint(as_user, ws, cred):
    listed = as_user("vera").get(f"/api/workspaces/{ws.pk}/credentials").json()
    assert listed == [{"id": cred["id"], "provider": "openai", "hint": "sk-…abcd"}]
    assert set(as_user("vera").get(f"/api/credentials/{cred['id']}").json()) == {"id", "provider", "hint"}


def test_viewers_cannot_create_update_or_delete(as_user, ws, cred):
    vera = as_user("vera")
    assert create(vera, ws, name="v").status_code == 403
    assert vera.patch(f"/api/credentials/{cred['id']}", {"name": "v"}, format="json").status_code == 403
    assert vera.delete(f"/api/credentials/{cred['id']}").status_code == 403


def test_editors_create_and_update_but_only_owners_delete(as_user, ws, cred):
    bob = as_user("bob")
    made = create(bob, ws, name="bobs", provider="cohere", secret="co-key-123456789")
    assert made.status_code == 201 and made.json()["created_by"] == "bob"
    patched = bob.patch(f"/api/credentials/{cred['id']}", {"base_url": "http://127.0.0.1:9/v1", "secret": SECRET},
                        format="json")  # moving a key needs it re-entered (tests/netguard/test_secret_destinations.py)
    assert patched.status_code == 200 and patched.json()["base_url"] == "http://127.0.0.1:9/v1"
    assert bob.delete(f"/api/credentials/{cred['id']}").status_code == 403
    assert as_user("alice").delete(f"/api/credentials/{cred['id']}").status_code == 204
    assert not Credential.objects.filter(pk=cred["id"]).exists()


def test_a_new_secret_replaces_the_old_one_and_its_hint(as_user, cred):
    resp = as_user("bob").patch(f"/api/credentials/{cred['id']}", {"secret": "sk-other-key-zzzz9999"},
                                format="json")
    assert resp.json()["hint"] == "sk-…9999"
    assert creds.secret_of(Credential.objects.get(pk=cred["id"])) == "sk-other-key-zzzz9999"


def test_strangers_get_404_on_every_route(as_user, ws, cred):
    charlie = as_user("charlie")
    assert charlie.get(f"/api/workspaces/{ws.pk}/credentials").status_code == 404
    assert create(charlie, ws, name="c").status_code == 404
    assert charlie.get(f"/api/credentials/{cred['id']}").status_code == 404
    assert charlie.patch(f"/api/credentials/{cred['id']}", {"name": "c"}, format="json").status_code == 404
    assert charlie.delete(f"/api/credentials/{cred['id']}").status_code == 404
    assert charlie.get("/api/credentials/999999").status_code == 404


def test_bodies_are_strict(as_user, ws, cred):
    alice = as_user("alice")
    assert create(alice, ws, name="x", provider="nope").status_code == 400
    assert create(alice, ws, name="x", provider="local").status_code == 400  # needs no key
    assert alice.post(f"/api/workspaces/{ws.pk}/credentials", {"provider": "openai", "name": "x",
                      "secret": "k" * 20, "hint": "mine"}, format="json").status_code == 400
    assert alice.patch(f"/api/credentials/{cred['id']}", {"workspace": 5}, format="json").status_code == 400


def test_resolve_returns_the_key_and_prefers_the_credentials_base_url(ws, cred, as_user):
    # The node's base URL is never used with a stored key: the official host (None) it is.
    assert resolve_credential(ws.pk, str(cred["id"]), "openai", "http://node/v1") == (SECRET, None)
    with pytest.raises(ProviderError, match="no base URL"):
        resolve_credential(ws.pk, str(cred["id"]), "openai_compatible", "http://node/v1")
    as_user("alice").patch(f"/api/credentials/{cred['id']}", {"base_url": "http://stored/v1", "secret": SECRET},
                           format="json")
    assert resolve_credential(ws.pk, str(cred["id"]), "openai_compatible", "http://node/v1") == (
        SECRET, "http://stored/v1")


def test_resolve_refuses_another_workspaces_credential(users, cred):
    other = Workspace.personal_of(users["charlie"])
    with pytest.raises(ProviderError) as err:
        resolve_credential(other.pk, str(cred["id"]), "openai", None)
    assert err.value.kind == "auth" and err.value.message == "credential not found in this workspace"
    with pytest.raises(ProviderError, match="not found"):
        resolve_credential(other.pk, "not-a-number", "openai", None)


def test_resolve_refuses_a_credential_for_another_provider(ws, cred):
    with pytest.raises(ProviderError, match="for openai, not cohere"):
        resolve_credential(ws.pk, str(cred["id"]), "cohere", None)


def test_masks_show_little(db):
    assert creds.mask("sk-proj-abcdefghijklmnop1234") == "sk-…1234"
    assert creds.mask("abcdefghijklmnop1234") == "…1234"
    assert creds.mask("short") == "…"
