"""The network guard as an HTTP transport, for clients that build their own requests (the model
providers' SDKs): every request is checked with :func:`builder.netguard.check_url` before any
connection is made, so they obey the same rule and the same allow-list as ``http.request``.

For each request the transport

1. resolves the host once and refuses a non-public address unless the operator's allow-list
   (``FOMO_HTTP_ALLOW``) admits it, raising :class:`~builder.netguard.Blocked`;
2. rewrites the URL to the checked address, keeping the name in the ``Host`` header and in TLS
   (SNI and the certificate check), so a second DNS answer cannot rebind the connection;
3. refuses a redirect answer (:class:`RedirectRefused`): API clients have no business following
   one, and a hop elsewhere would carry their key headers along.

:class:`GuardedTransport` wraps httpx's transport; :class:`GuardedTransport2` wraps that of
httpx2, the fork the openai and anthropic SDKs are built on. Both share :class:`Guard`, which
also remembers whether the client reached a non-public (allow-listed) address, so that such a
server's error messages are not echoed to users. Clients made here never read proxy settings
from the environment (a proxy would be a way around the check) and never follow redirects.

Plain Python; no Django.
"""
from __future__ import annotations

from typing import Any

import httpx
import httpx2

from builder.netguard import REDIRECT_CODES, Blocked, Policy, Resolver, Target, check_url, system_resolver, why_blocked


class RedirectRefused(Blocked):
    """A server answered an API call with a redirect, which is never followed."""


class Guard:
    """The rule for one client: the operator's policy and a resolver. ``reached_internal`` turns
    true once a request went to a non-public address (which only the allow-list can admit)."""

    def __init__(self, policy: Policy | None = None, resolver: Resolver = system_resolver):
        self.policy = policy if policy is not None else Policy.from_env()
        self.resolver = resolver
        self.reached_internal = False

    async def aim(self, request: Any) -> Target:
        """Check ``request`` (an httpx or httpx2 request) and point it at the checked address;
        raises :class:`~builder.netguard.Blocked` before anything is sent."""
        target = await check_url(str(request.url), self.policy, self.resolver)
        if why_blocked(target.ip) is not None:
            self.reached_internal = True
        request.url = type(request.url)(str(target.connect_url()))
        request.headers["Host"] = target.host_header()
        request.extensions = {**request.extensions, "sni_hostname": target.host}
        return target

    async def send(self, inner: Any, request: Any) -> Any:
        """Send ``request`` (httpx or httpx2) through ``inner`` if it may go; a redirect answer is refused."""
        target = await self.aim(request)
        response = await inner.handle_async_request(request)
        if response.status_code in REDIRECT_CODES:
            await response.aclose()
            self.refuse_redirect(target, response.status_code, response.headers.get("location"))
        return response

    @staticmethod
    def refuse_redirect(target: Target, status: int, location: str | None) -> None:
        if status in REDIRECT_CODES and location:
            raise RedirectRefused(f"{target.host} answered with a redirect (HTTP {status}); API calls never follow "
                                  "redirects: set the base URL to the address it points to")


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends only what :class:`Guard` allows."""

    def __init__(self, guard: Guard, inner: httpx.AsyncBaseTransport | None = None):
        self.guard = guard
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.guard.send(self._inner, request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class GuardedTransport2(httpx2.AsyncBaseTransport):
    """The same for httpx2 (the openai and anthropic SDKs)."""

    def __init__(self, guard: Guard, inner: httpx2.AsyncBaseTransport | None = None):
        self.guard = guard
        self._inner = inner or httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return await self.guard.send(self._inner, request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def async_client(guard: Guard, *, timeout: Any = 300.0, **kwargs: Any) -> httpx.AsyncClient:
    """An httpx client whose every request goes through ``guard``."""
    return httpx.AsyncClient(transport=GuardedTransport(guard), trust_env=False, follow_redirects=False,
                             timeout=timeout, **kwargs)


def async_client2(guard: Guard, *, timeout: Any = 300.0, **kwargs: Any) -> httpx2.AsyncClient:
    """An httpx2 client whose every request goes through ``guard``."""
    return httpx2.AsyncClient(transport=GuardedTransport2(guard), trust_env=False, follow_redirects=False,
                              timeout=timeout, **kwargs)


def find_blocked(exc: BaseException | None) -> Blocked | None:
    """The :class:`~builder.netguard.Blocked` behind ``exc`` (SDKs wrap transport errors in their
    own connection errors), or None."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, Blocked):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
