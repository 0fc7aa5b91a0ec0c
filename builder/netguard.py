"""Outbound HTTP that cannot be pointed at the inside: the SSRF guard behind ``http.request``.

Every hop of a request goes through one rule:

1. only ``http`` and ``https``;
2. the host is an IP literal (any form a resolver accepts: ``2130706433``, ``0x7f.1``,
   ``017700000001``, ``[::ffff:127.0.0.1]``) or a name resolved once here;
3. every address must be public: loopback, private (RFC 1918), link-local, CGNAT
   (100.64/10), multicast, reserved, unspecified, cloud metadata, IPv6 unique-local, and IPv6
   forms that embed an IPv4 address (mapped, compatible, 6to4, Teredo, NAT64) are refused,
   unless the operator's allow-list names the host or a network holding the address;
4. the connection goes to *that* address (the URL is rewritten to the IP; the ``Host`` header
   and TLS SNI / certificate check keep the name), so a second DNS answer cannot rebind it;
5. redirects are followed by hand (``builder.netfetch``), at most :data:`MAX_REDIRECTS`, each hop checked again
   before any connection is made;
6. the response body is read up to a size cap.

Plain Python (httpx); no Django.
"""
from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

import httpx

MAX_REDIRECTS = 5
# Dropped from a redirected request whenever the origin (scheme, host, port) changes.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                      ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("169.254.170.2")})
# Networks refused on top of what ``is_global`` already refuses (multicast counts as global there).
EXTRA_BLOCKED: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
    "ff00::/8", "fc00::/7", "fe80::/10", "fec0::/10", "::/128", "::1/128"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
COMPATIBLE = ipaddress.ip_network("::/96")


class Blocked(Exception):
    """The request was refused before any connection: ``reason`` says why, for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- addresses


def parse_ipv4_number(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` as an IPv4 address in any form ``inet_aton`` and browsers accept: 1 to 4
    dot-separated parts, each decimal, ``0x`` hex or ``0``-prefixed octal, the last part filling
    the remaining bytes. None when the host is not numeric; ValueError when it is numeric but
    malformed (such a host must not fall through to DNS)."""
    labels = host.rstrip(".").split(".")
    if not labels or not _is_number(labels[-1]):
        return None
    if len(labels) > 4:
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    try:
        parts = [_number(p) for p in labels]
    except ValueError:
        raise ValueError(f"{host!r} is not a valid IPv4 address") from None
    *head, last = parts
    if any(p > 255 for p in head) or last >= 256 ** (5 - len(parts)):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    value = last
    for i, part in enumerate(head):
        value += part << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _is_number(label: str) -> bool:
    low = label.lower()
    if low.startswith("0x"):
        return all(c in "0123456789abcdef" for c in low[2:])
    return low.isdigit()


def _number(label: str) -> int:
    low = label.lower()
    if low.startswith("0x"):
        return int(low[2:] or "0", 16)
    if len(low) > 1 and low.startswith("0"):
        return int(low, 8)
    return int(low, 10)


def ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` names literally (IPv6 with or without brackets, any IPv4 form), else None."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare.split("%", 1)[0])
        except ValueError:
            raise ValueError(f"{host!r} is not a valid IPv6 address") from None
    return parse_ipv4_number(bare)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in COMPATIBLE and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64 or ip in NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def why_blocked(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be connected to, or None when it is a public address."""
    if ip in METADATA:
        return f"{ip} is a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            reason = why_blocked(inner)
            return f"{ip} embeds {inner}: {reason}" if reason else None
    for label, test in (("loopback", ip.is_loopback), ("unspecified", ip.is_unspecified),
                        ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                        ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if test:
            return f"{ip} is a {label} address"
    if any(ip in net for net in EXTRA_BLOCKED if net.version == ip.version):
        return f"{ip} is in a special-purpose range"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


# ---------------------------------------------------------------- policy


ALLOW_ENV = "FOMO_HTTP_ALLOW"


@dataclass(frozen=True)
class Policy:
    """The operator's allow-list: host names (``api.internal``, or ``.internal`` for a domain and
    its subdomains) and networks (``10.1.0.0/16``, ``127.0.0.1``), each for every port, or pinned
    to one port (``127.0.0.1:11434``, ``[::1]:8000``, ``models.internal:8080``). Empty by default."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()
    max_bytes: int = MAX_RESPONSE_BYTES
    host_ports: frozenset[tuple[str, int]] = frozenset()
    network_ports: tuple[tuple[IPNetwork, int], ...] = ()

    @classmethod
    def from_setting(cls, value: str | Iterable[str] | None, max_bytes: int = MAX_RESPONSE_BYTES) -> Policy:
        entries = value.split(",") if isinstance(value, str) else list(value or ())
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        host_ports: set[tuple[str, int]] = set()
        network_ports: list[tuple[IPNetwork, int]] = []
        for raw in entries:
            entry, port = _split_port(raw.strip().lower())
            if not entry:
                continue
            try:
                net = ipaddress.ip_network(entry.strip("[]"), strict=False)
            except ValueError:
                name = entry.rstrip(".")
                if port is None:
                    hosts.add(name)
                else:
                    host_ports.add((name, port))
                continue
            if port is None:
                networks.append(net)
            else:
                network_ports.append((net, port))
        return cls(frozenset(hosts), tuple(networks), max_bytes, frozenset(host_ports), tuple(network_ports))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Policy:
        """The allow-list the operator set in ``FOMO_HTTP_ALLOW`` (the one setting for every
        outbound call a node makes: ``http.request`` and every model provider)."""
        return cls.from_setting((os.environ if environ is None else environ).get(ALLOW_ENV, ""))

    def allows_host(self, host: str, port: int | None = None) -> bool:
        name = host.lower().rstrip(".")
        if any(_name_matches(name, h) for h in self.hosts):
            return True
        return port is not None and any(p == port and _name_matches(name, h) for h, p in self.host_ports)

    def allows_ip(self, ip: IPAddress, port: int | None = None) -> bool:
        if any(ip.version == net.version and ip in net for net in self.networks):
            return True
        return port is not None and any(p == port and ip.version == net.version and ip in net
                                        for net, p in self.network_ports)


def _split_port(entry: str) -> tuple[str, int | None]:
    """``host:port`` / ``[v6]:port`` into its parts; a bare IPv6 address or CIDR keeps its colons."""
    if entry.startswith("[") and "]:" in entry:
        host, _, port = entry[1:].partition("]:")
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        return entry, None
    return (host, int(port)) if port.isdigit() and 0 < int(port) < 65536 else (entry, None)


def _name_matches(name: str, entry: str) -> bool:
    return name == entry or (entry.startswith(".") and (name.endswith(entry) or name == entry[1:]))


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class Target:
    """A checked hop: connect to ``ip``:``port``; ``host`` is the name for Host and SNI."""

    url: httpx.URL
    host: str
    ip: IPAddress
    port: int

    def connect_url(self) -> httpx.URL:
        literal = f"[{self.ip}]" if self.ip.version == 6 else str(self.ip)
        return self.url.copy_with(host=literal.strip("[]"), port=self.port)

    def host_header(self) -> str:
        default = 443 if self.url.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


async def check_url(url: str | httpx.URL, policy: Policy, resolver: Resolver = system_resolver) -> Target:
    """Check one hop; raises :class:`Blocked` with the reason. Resolves the name once."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise Blocked(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise Blocked(f"only http and https URLs are allowed, not {parsed.scheme or 'no scheme'!r}")
    if parsed.userinfo:
        raise Blocked("URLs with a user name or password are not allowed; send credentials in a header")
    host = parsed.host
    if not host:
        raise Blocked("the URL has no host")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        literal = ip_literal(host)
    except ValueError as exc:
        raise Blocked(str(exc)) from None
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            answers = await resolver(parsed.raw_host.decode("ascii"), port)
        except (OSError, UnicodeError) as exc:
            raise Blocked(f"cannot resolve {host!r}: {exc}") from None
        addresses = []
        for answer in answers:
            try:
                addresses.append(ipaddress.ip_address(answer.split("%", 1)[0]))
            except ValueError:
                raise Blocked(f"{host!r} resolved to something that is not an address: {answer!r}") from None
        if not addresses:
            raise Blocked(f"{host!r} does not resolve to any address")
    if literal is None and policy.allows_host(host, port):
        return Target(parsed, host, addresses[0], port)
    for ip in addresses:  # every answer must pass: a mixed answer is how rebinding starts
        if policy.allows_ip(ip, port):
            continue
        reason = why_blocked(ip)
        if reason:
            via = "" if literal is not None else f"{host} resolves to "
            raise Blocked(f"refused {via}{reason}; ask an operator to add it to {ALLOW_ENV} if this is intended")
    return Target(parsed, host, addresses[0], port)


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a base URL (an API root the SDKs append paths to), or None. Only
    ``http``/``https`` with a host; no user name or password, no query string, no fragment (a
    ``?x=`` tail would swallow the path the client appends and reach any path of the server)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return "is not a valid URL"
    if parsed.scheme not in ("http", "https") or not url.lower().startswith(("http://", "https://")):
        return "must start with http:// or https://"
    if not parsed.host:
        return "has no host"
    if parsed.userinfo:
        return "must not carry a user name or password (store the key as a credential)"
    if parsed.query or "?" in url:
        return "must not have a query string"
    if parsed.fragment or "#" in url:
        return "must not have a fragment"
    return None
