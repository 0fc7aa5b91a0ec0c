"""Fetching under the guard against a real local server (admitted by the allow-list): each redirect
hop is checked before it connects, the name is resolved once and the IP is what is connected to."""
from __future__ import annotations

import asyncio

import pytest

from builder.netfetch import FetchError, fetch
from builder.netguard import Blocked, Policy

LOCAL = Policy.from_setting("127.0.0.1")


def get(url: str, transport, policy: Policy = LOCAL, **kwargs):
    return asyncio.run(fetch(kwargs.pop("method", "GET"), url, policy=policy, transport=transport, **kwargs))


def test_an_allowed_server_answers(server, transport):
    base, routes = server
    routes.set("/hello", body="hi there", headers={"Content-Type": "text/plain"})
    resp = get(f"{base}/hello", transport)
    assert (resp.status, resp.body, resp.headers["content-type"]) == (200, b"hi there", "text/plain")
    assert transport.sent == ["127.0.0.1"]


def test_without_the_allow_list_the_local_server_is_refused_before_connecting(server, transport):
    base, routes = server
    with pytest.raises(Blocked):
        get(f"{base}/hello", transport, policy=Policy())
    assert transport.sent == [] and routes.seen == []


@pytest.mark.parametrize("location", ["http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/",
                                      "http://[::ffff:10.0.0.1]/", "http://0xA9FEA9FE/", "file:///etc/passwd"])
def test_a_redirect_to_an_internal_address_is_refused_before_any_connection(server, transport, location):
    base, routes = server
    routes.set("/go", status=302, headers={"Location": location})
    with pytest.raises(Blocked):
        get(f"{base}/go", transport)
    assert transport.sent == ["127.0.0.1"]  # only the allowed first hop ever connected
    assert [s["path"] for s in routes.seen] == ["/go"]


def test_a_redirect_to_a_name_resolving_inside_is_refused(server, transport):
    base, routes = server
    routes.set("/go", status=301, headers={"Location": "http://internal.example/"})
    lookups = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["10.0.0.7"]

    with pytest.raises(Blocked) as caught:
        get(f"{base}/go", transport, resolver=resolver)
    assert "internal.example resolves to 10.0.0.7" in caught.value.reason
    assert lookups == ["internal.example"] and transport.sent == ["127.0.0.1"]


def test_redirects_are_followed_and_each_hop_is_rechecked(server, transport):
    base, routes = server
    routes.set("/a", status=301, headers={"Location": "/b"})
    routes.set("/b", status=303, headers={"Location": f"{base}/c"})
    routes.set("/c", body='{"ok": true}')
    resp = get(f"{base}/a", transport, method="POST", content=b"x=1", headers={"Content-Type": "text/plain"})
    assert resp.status == 200 and resp.body == b'{"ok": true}'
    assert [(s["method"], s["path"]) for s in routes.seen] == [("POST", "/a"), ("GET", "/b"), ("GET", "/c")]
    assert transport.sent == ["127.0.0.1"] * 3


def test_too_many_redirects_fail(server, transport):
    base, routes = server
    routes.set("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError) as caught:
        get(f"{base}/loop", transport)
    assert caught.value.kind == "redirects" and len(routes.seen) == 6


def test_the_name_is_resolved_once_and_the_ip_connected_to_with_the_host_header_kept(server, transport):
    base, routes = server
    port = base.rsplit(":", 1)[1]
    routes.set("/who", body="me")
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])  # a rebinding DNS server's second answer is never asked for
    lookups = []

    async def resolver(host: str, port_: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    resp = get(f"http://svc.test:{port}/who", transport, resolver=resolver)
    assert resp.body == b"me" and lookups == ["svc.test"] and transport.sent == ["127.0.0.1"]
    assert routes.seen[0]["host"] == f"svc.test:{port}"


def test_the_response_size_is_capped(server, transport):
    base, routes = server
    routes.set("/big", body=b"x" * 2048)
    with pytest.raises(FetchError) as caught:
        get(f"{base}/big", transport, policy=Policy(LOCAL.hosts, LOCAL.networks, max_bytes=1000))
    assert caught.value.kind == "too_large"


def test_a_silent_server_times_out(transport):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    try:
        with pytest.raises(FetchError) as caught:
            get(f"http://127.0.0.1:{sock.getsockname()[1]}/", transport, timeout=0.3)
        assert caught.value.kind == "timeout"
    finally:
        sock.close()
