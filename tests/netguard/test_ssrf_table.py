"""The SSRF table: every blocked form is refused before any DNS lookup or connection, names that
resolve inside are refused, public addresses and the operator's allow-list pass."""
from __future__ import annotations

import asyncio

import pytest

from builder import netguard
from builder.netguard import Blocked, Policy, check_url


async def _no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"an IP literal must not be resolved ({host})")


def check(url: str, policy: Policy | None = None, resolver=_no_dns) -> netguard.Target:
    return asyncio.run(check_url(url, policy or Policy(), resolver))


BLOCKED = [
    "http://127.0.0.1/", "http://127.0.0.2:8080/x", "http://0.0.0.0/", "http://0/",
    "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/",
    "http://169.254.1.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://100.127.255.254/",
    "http://224.0.0.1/", "http://239.255.255.250/", "http://240.0.0.1/", "http://255.255.255.255/",
    "http://198.18.0.1/", "http://192.0.0.8/", "http://192.0.2.1/",
    # decimal, octal, hex and short forms of 127.0.0.1 and friends
    "http://2130706433/", "http://0x7f.1/", "http://017700000001/", "http://0x7f000001/", "http://127.1/",
    "http://0177.0.0.1/", "http://0x7f.0x0.0x0.0x1/", "http://127.0.1/", "http://0xA9FEA9FE/", "http://3232235777/",
    "http://127.0.0.1./",
    # IPv6 and IPv4 embedded in IPv6
    "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[fd12:3456::1]/",
    "http://[fd00:ec2::254]/", "http://[ff02::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[::ffff:10.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[::127.0.0.1]/", "http://[::7f00:1]/",
    "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::1]/",
    "https://[0:0:0:0:0:ffff:127.0.0.1]:8443/",
]


@pytest.mark.parametrize("url", BLOCKED)
def test_it_refuses_internal_addresses_in_every_form(url):
    with pytest.raises(Blocked) as caught:
        check(url)
    assert "refused" in caught.value.reason or "not a valid" in caught.value.reason  # httpx rejects some forms


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/", "dict://127.0.0.1:11211/",
                                 "javascript:alert(1)", "//example.com/", "example.com"])
def test_it_allows_only_http_and_https(url):
    with pytest.raises(Blocked):
        check(url)


@pytest.mark.parametrize("url", ["http://1.2.3.4.5/", "http://256.1.1.1/", "http://0x100000000/", "http://1.2.0x1ffff/"])
def test_a_malformed_numeric_host_is_refused_not_looked_up(url):
    with pytest.raises(Blocked) as caught:
        check(url)
    assert "valid ipv4 address" in caught.value.reason.lower()


def test_credentials_in_the_url_are_refused():
    with pytest.raises(Blocked):
        check("http://user:pw@93.184.216.34/")


def test_localhost_is_refused_through_the_system_resolver():
    with pytest.raises(Blocked) as caught:
        asyncio.run(check_url("http://localhost:8000/", Policy()))
    assert "localhost resolves to 127.0.0.1" in caught.value.reason or "::1" in caught.value.reason


def test_a_name_that_resolves_to_loopback_is_refused():
    async def resolver(host: str, port: int) -> list[str]:
        assert host == "evil.example"
        return ["127.0.0.1"]

    with pytest.raises(Blocked) as caught:
        check("http://evil.example/", resolver=resolver)
    assert "evil.example resolves to 127.0.0.1" in caught.value.reason


def test_a_mixed_dns_answer_is_refused_when_any_address_is_internal():
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "169.254.169.254"]

    with pytest.raises(Blocked) as caught:
        check("https://mixed.example/", resolver=resolver)
    assert "metadata" in caught.value.reason


def test_a_public_name_resolves_once_to_the_address_connected_to():
    calls = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return ["93.184.216.34"]

    target = check("https://api.example.com/v1?q=1", resolver=resolver)
    assert calls == [("api.example.com", 443)]
    assert str(target.ip) == "93.184.216.34" and target.host == "api.example.com"
    assert str(target.connect_url()) == "https://93.184.216.34/v1?q=1"
    assert target.host_header() == "api.example.com"


@pytest.mark.parametrize("url", ["http://8.8.8.8/", "http://[2606:4700:4700::1111]/", "http://134744072/"])
def test_public_addresses_pass(url):
    assert check(url).ip.is_global


def test_the_allow_list_admits_networks_and_hosts():
    policy = Policy.from_setting("127.0.0.1, 10.1.0.0/16, .corp.internal, api.local")
    assert str(check("http://127.0.0.1:9/", policy).ip) == "127.0.0.1"
    assert str(check("http://10.1.2.3/", policy).ip) == "10.1.2.3"
    with pytest.raises(Blocked):
        check("http://10.2.0.1/", policy)

    async def resolver(host: str, port: int) -> list[str]:
        return ["10.9.9.9"]

    assert check("http://wiki.corp.internal/", policy, resolver).host == "wiki.corp.internal"
    assert check("http://api.local/", policy, resolver).host == "api.local"
    with pytest.raises(Blocked):
        check("http://api.local.evil.example/", policy, resolver)
    with pytest.raises(Blocked):  # a host entry never admits a literal address
        check("http://[::1]/", Policy.from_setting("localhost"))


def test_the_default_policy_allows_nothing_internal():
    assert Policy.from_setting("") == Policy() and Policy.from_setting(None) == Policy()
