"""``http.request`` with a stored credential: the worker's services resolve it, the secret goes in
the chosen header to URLs under the credential's base URL and nowhere else (not to another path
prefix, another port, a redirect target elsewhere, the node's outputs or its errors). Requests go
to real local HTTP servers; credentials are real rows resolved by ``runs.services``."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import httpx
import pytest

from builder.credentials import set_secret
from builder.models import Credential, Workspace
from builder.netguard import Policy
from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from builder.nodes.http.request import under_base
from runs.services import RunServices
from tests.api.conftest import as_user, users  # noqa: F401
from tests.netguard.conftest import Routes, _Handler
from tests.nodes.kit import FakeContext

SECRET = "tok-HTTP-CREDENTIAL-5e8a1f0c9b"


class LocalServices(RunServices):
    def http_policy(self) -> Policy:
        return Policy.from_setting("127.0.0.1")


@pytest.fixture
def other_server() -> Iterator[tuple[str, Routes]]:
    routes = Routes()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"routes": routes}))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def ws(users, settings, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FOMO_ENCRYPTION_KEYS", raising=False)
    settings.DATA_DIR = tmp_path
    return Workspace.personal_of(users["alice"])


def credential(ws: Workspace, base_url: str, provider: str = "http") -> Credential:
    cred = Credential(workspace=ws, provider=provider, name=f"api-{provider}-{base_url}", base_url=base_url)
    set_secret(cred, SECRET)
    cred.save()
    return cred


def run(ws: Workspace, config: dict, inputs: dict | None = None) -> dict:
    spec = registry.get("http.request")
    ctx = FakeContext(services=LocalServices(ws.pk))
    return asyncio.run(spec.run(ctx, spec.parse_config(config), dict(inputs or {})))


def auth_headers(routes: Routes) -> list[str | None]:
    return [r["headers"].get("Authorization") or r["headers"].get("X-Api-Key") for r in routes.seen]


pytestmark = pytest.mark.django_db(transaction=True)


def test_it_sends_the_secret_in_the_header_under_the_base_url(ws, server):
    base, routes = server
    routes.set("/api/v1/items", body="ok")
    cred = credential(ws, f"{base}/api")
    out = run(ws, {"url": f"{base}/api/v1/items", "auth_credential": str(cred.pk)})
    assert out["body"] == "ok"
    assert auth_headers(routes) == [f"Bearer {SECRET}"]
    assert SECRET not in repr(out)


def test_a_custom_header_without_scheme_replaces_a_typed_one(ws, server):
    base, routes = server
    routes.set("/x", body="ok")
    cred = credential(ws, base)
    run(ws, {"url": f"{base}/x", "auth_credential": str(cred.pk), "auth_header": "X-Api-Key", "auth_scheme": "",
             "headers": {"x-api-key": "typed-by-hand"}})
    assert [r["headers"].get("X-Api-Key") for r in routes.seen] == [SECRET]


@pytest.mark.parametrize("path", ["/apix/items", "/other"])
def test_a_url_outside_the_base_is_refused_before_connecting(ws, server, path):
    base, routes = server
    cred = credential(ws, f"{base}/api")
    with pytest.raises(NodeError) as caught:
        run(ws, {"url": f"{base}{path}", "auth_credential": str(cred.pk)})
    assert caught.value.kind == "auth" and caught.value.field == "url"
    assert SECRET not in caught.value.message
    assert routes.seen == []


def test_a_redirect_out_of_the_base_does_not_carry_the_secret(ws, server, other_server):
    base, routes = server
    elsewhere, other_routes = other_server
    routes.set("/api/hop", status=302, headers={"Location": "/outside"})
    routes.set("/outside", body="same host, other path")
    routes.set("/api/away", status=307, headers={"Location": f"{elsewhere}/landing"})
    other_routes.set("/landing", body="other port")
    cred = credential(ws, f"{base}/api")
    for start, header in (("hop", "Authorization"), ("away", "X-Api-Key")):
        out = run(ws, {"url": f"{base}/api/{start}", "auth_credential": str(cred.pk), "auth_header": header})
        assert out["status"] == 200
    assert [r["path"] for r in routes.seen] == ["/api/hop", "/outside", "/api/away"]
    assert auth_headers(routes) == [f"Bearer {SECRET}", None, f"Bearer {SECRET}"]
    assert auth_headers(other_routes) == [None]


def test_another_workspace_or_provider_or_a_missing_base_url_is_an_auth_error(ws, users, server):  # noqa: F811
    base, routes = server
    theirs = credential(Workspace.personal_of(users["charlie"]), base)
    openai_key = credential(ws, base, provider="openai")
    no_base = credential(ws, "")
    for cred, words in ((theirs, "not found"), (openai_key, "for openai"), (no_base, "no base URL")):
        with pytest.raises(NodeError) as caught:
            run(ws, {"url": f"{base}/x", "auth_credential": str(cred.pk)})
        assert caught.value.kind == "auth" and words in caught.value.message
        assert caught.value.field == "auth_credential"
    assert routes.seen == []


def test_http_credentials_need_a_base_url_over_the_api(ws, as_user, server):  # noqa: F811
    base, _ = server
    client = as_user("alice")
    url = f"/api/workspaces/{ws.pk}/credentials"
    resp = client.post(url, {"provider": "http", "name": "svc", "secret": SECRET}, format="json")
    assert resp.status_code == 400 and "base_url" in resp.json()["error"]["details"]
    made = client.post(url, {"provider": "http", "name": "svc", "secret": SECRET, "base_url": base}, format="json")
    assert made.status_code == 201 and SECRET not in made.text
    cleared = client.patch(f"/api/credentials/{made.json()['id']}", {"base_url": ""}, format="json")
    assert cleared.status_code == 400 and "base_url" in cleared.json()["error"]["details"]


@pytest.mark.parametrize("url, host, base, expected", [
    ("http://10.0.0.1/api/x", "svc.test", "http://svc.test/api", True),
    ("http://10.0.0.1/api", "svc.test", "http://svc.test/api/", True),
    ("http://10.0.0.1/apix", "svc.test", "http://svc.test/api", False),
    ("http://10.0.0.1/api/x", "svc.test:8080", "http://svc.test/api", False),
    ("https://10.0.0.1/api/x", "svc.test", "http://svc.test/api", False),
    ("http://10.0.0.1/x", "SVC.test", "http://svc.test", True),
    ("http://10.0.0.1/x", "evil.test", "http://svc.test", False),
])
def test_under_base_compares_scheme_host_port_and_path_prefix(url, host, base, expected):
    assert under_base(httpx.URL(url), host, httpx.URL(base)) is expected
