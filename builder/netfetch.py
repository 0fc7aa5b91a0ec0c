"""``http.request``'s client: one request under the network guard (:mod:`builder.netguard`), with
redirects followed by hand (at most :data:`MAX_REDIRECTS`, each hop checked again before any
connection, credential headers dropped on any change of origin) and the response body read up to a
size cap. Plain Python (httpx); no Django.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from builder.netguard import (
    CREDENTIAL_HEADERS,
    MAX_REDIRECTS,
    REDIRECT_CODES,
    Policy,
    Resolver,
    check_url,
    system_resolver,
)


class FetchError(Exception):
    """The request was allowed but failed: ``kind`` is ``timeout``, ``connection``, ``too_large``
    or ``redirects``."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str
    redirects: list[str] = field(default_factory=list)


def same_origin(url: str | httpx.URL, other: httpx.URL) -> bool:
    """Whether ``url`` has the scheme, host and port (defaults filled in) of ``other``."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, ValueError):
        return False

    def origin(u: httpx.URL) -> tuple[str, str, int | None]:
        return u.scheme, u.host.lower(), u.port or {"http": 80, "https": 443}.get(u.scheme)

    return origin(parsed) == origin(other)


def _next_method(status: int, method: str) -> str:
    if status == 303 and method != "HEAD":
        return "GET"
    if status in (301, 302) and method == "POST":
        return "GET"
    return method


async def fetch(method: str, url: str, *, headers: Mapping[str, str] | None = None, content: bytes | None = None,
                timeout: float = 30.0, policy: Policy | None = None, resolver: Resolver = system_resolver,
                transport: httpx.AsyncBaseTransport | None = None,
                credential_headers: Iterable[str] = ()) -> Response:
    """Send one request under the guard, following redirects by hand. Raises :class:`Blocked`
    (refused before connecting) or :class:`FetchError`. A redirect to another origin drops
    :data:`CREDENTIAL_HEADERS` and ``credential_headers``."""
    policy = policy or Policy()
    dropped = CREDENTIAL_HEADERS | {h.lower() for h in credential_headers}
    sent_headers = {k: v for k, v in (headers or {}).items() if k.lower() not in ("host", "content-length")}
    hops: list[str] = []
    current = url
    async with httpx.AsyncClient(transport=transport, follow_redirects=False, trust_env=False,
                                 timeout=httpx.Timeout(timeout)) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = await check_url(current, policy, resolver)
            request = client.build_request(method, target.connect_url(), headers=sent_headers, content=content,
                                           extensions={"sni_hostname": target.host})
            request.headers["Host"] = target.host_header()
            try:
                resp = await asyncio.wait_for(_send(client, request, policy.max_bytes), timeout)
            except (TimeoutError, httpx.TimeoutException):
                raise FetchError(f"no response from {target.host} within {timeout:g} s", "timeout") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"request to {target.host} failed: {exc}", "connection") from None
            status, resp_headers, body = resp
            location = resp_headers.get("location")
            if status in REDIRECT_CODES and location:
                current = urljoin(str(target.url), location)
                hops.append(current)
                new_method = _next_method(status, method)
                if new_method != method:
                    content = None
                    sent_headers = {k: v for k, v in sent_headers.items() if k.lower() != "content-type"}
                method = new_method
                if not same_origin(current, target.url):
                    sent_headers = {k: v for k, v in sent_headers.items() if k.lower() not in dropped}
                continue
            return Response(status, resp_headers, body, str(target.url), hops)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects", "redirects")


async def _send(client: httpx.AsyncClient, request: httpx.Request, max_bytes: int) -> tuple[int, dict[str, str], bytes]:
    resp = await client.send(request, stream=True)
    try:
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"the response is {int(declared):,} bytes; the limit is {max_bytes:,}", "too_large")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"the response is larger than {max_bytes:,} bytes", "too_large")
            chunks.append(chunk)
        return resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, b"".join(chunks)
    finally:
        await resp.aclose()
