"""The guarded transport on its own, against a real local server: the name is resolved once per
request by the guard, the connection goes to the checked address with the name kept in ``Host``,
an answer that mixes in a refused address is refused whole (how rebinding starts), and a server
reached only through the allow-list has its error messages withheld."""
from __future__ import annotations

import asyncio

import pytest

from builder.guarded_transport import Guard, RedirectRefused, async_client, async_client2
from builder.netguard import Blocked, Policy
from builder.providers.outbound import WITHHELD, Outbound


def resolver_for(answers: list[str], lookups: list[str]):
    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return answers

    return resolve


@pytest.mark.parametrize("make_client", [async_client, async_client2])
def test_the_checked_address_is_connected_to_with_the_name_kept(server, make_client):
    base, routes = server
    port = int(base.rsplit(":", 1)[1])
    routes.set("/x", body="ok")
    lookups: list[str] = []
    guard = Guard(Policy.from_setting(f"127.0.0.1:{port}"), resolver_for(["127.0.0.1"], lookups))

    async def go() -> int:
        async with make_client(guard) as client:
            return (await client.get(f"http://models.test:{port}/x")).status_code

    assert asyncio.run(go()) == 200
    assert lookups == ["models.test"]
    assert routes.seen[0]["host"] == f"models.test:{port}" and guard.reached_internal


@pytest.mark.parametrize("make_client", [async_client, async_client2])
def test_an_answer_mixing_in_a_refused_address_is_refused_before_connecting(server, make_client):
    base, routes = server
    port = int(base.rsplit(":", 1)[1])
    guard = Guard(Policy.from_setting(f"127.0.0.1:{port}"), resolver_for(["127.0.0.1", "10.0.0.7"], []))

    async def go() -> None:
        async with make_client(guard) as client:
            await client.get(f"http://models.test:{port}/x")

    with pytest.raises(Blocked) as caught:
        asyncio.run(go())
    assert "10.0.0.7 is a private address" in caught.value.reason
    assert routes.seen == []


def test_a_redirect_answer_is_refused_and_not_followed(server, second_server):
    base, routes = server
    other, other_routes = second_server
    routes.set("/x", status=302, headers={"Location": f"{other}/y"})

    async def go() -> None:
        async with async_client(Guard(Policy.from_setting("127.0.0.1"))) as client:
            await client.get(f"{base}/x", headers={"X-Api-Key": "k"})

    with pytest.raises(RedirectRefused):
        asyncio.run(go())
    assert other_routes.seen == []


def test_proxy_settings_in_the_environment_are_ignored(server, monkeypatch):
    base, routes = server
    routes.set("/x", body="direct")
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.9.9.9:3128")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)

    async def go() -> bytes:
        async with async_client(Guard(Policy.from_setting("127.0.0.1"))) as client:
            return (await client.get(f"{base}/x")).content

    assert asyncio.run(go()) == b"direct"


def test_a_public_servers_message_is_shown_and_an_internal_ones_withheld():
    outbound = Outbound("openai", "https://api.example.com/v1")
    assert outbound.shown("model not found") == "model not found"
    outbound.guard.reached_internal = True
    assert outbound.shown("model not found") == WITHHELD
    assert outbound.shown(None) is None
