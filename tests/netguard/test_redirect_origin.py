"""A redirect to another origin (scheme, host or port) drops every credential header: a second
server on the same host but another port must not see Authorization, Proxy-Authorization,
Cookie, X-Api-Key or the node's own credential header. The same origin keeps them."""
from __future__ import annotations

import asyncio

from builder.netfetch import fetch
from builder.netguard import Policy

LOCAL = Policy.from_setting("127.0.0.1")
CREDENTIAL_HEADERS = {"Authorization": "Bearer t0ken-value", "Proxy-Authorization": "Basic dXNlcjpwdw==",
                      "Cookie": "session=abc", "X-Api-Key": "key-value", "X-Service-Token": "svc-value"}


def get(url: str, transport, **kwargs):
    return asyncio.run(fetch("GET", url, policy=LOCAL, transport=transport, **kwargs))


def test_a_redirect_to_another_port_of_the_same_host_drops_every_credential_header(server, second_server, transport):
    base, routes = server
    other, other_routes = second_server
    routes.set("/go", status=307, headers={"Location": f"{other}/land"})
    other_routes.set("/land", body="landed")
    resp = get(f"{base}/go", transport, headers={**CREDENTIAL_HEADERS, "Accept": "text/plain"},
               credential_headers=("X-Service-Token",))
    assert resp.body == b"landed"
    sent = {k.lower() for k in other_routes.seen[0]["headers"]}
    assert not sent & {h.lower() for h in CREDENTIAL_HEADERS}
    assert "accept" in sent  # ordinary headers travel on


def test_a_redirect_within_the_same_origin_keeps_them(server, transport):
    base, routes = server
    routes.set("/go", status=302, headers={"Location": "/land"})
    routes.set("/land", body="landed")
    get(f"{base}/go", transport, headers=CREDENTIAL_HEADERS, credential_headers=("X-Service-Token",))
    assert routes.seen[1]["headers"].get("X-Api-Key") == "key-value"
    assert routes.seen[1]["headers"].get("Authorization") == "Bearer t0ken-value"
