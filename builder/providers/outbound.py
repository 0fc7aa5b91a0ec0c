"""How every provider client reaches its server: through the network guard, and nowhere else.

Each client (chat, embeddings, moderation; openai, anthropic, cohere) makes one
:class:`Outbound` from its ``base_url`` and the ``policy`` option (default: the operator's
``FOMO_HTTP_ALLOW``), and builds its SDK's HTTP client with :meth:`Outbound.httpx_client` or
:meth:`Outbound.httpx2_client`. Contract:

* the base URL's shape is checked when the client is made (http/https with a host, no user
  name or password, no query string, no fragment): a :class:`ProviderError` ``bad_request``;
* every request is checked by :class:`builder.guarded_transport.Guard` before it connects: a
  refusal becomes a :class:`ProviderError` ``blocked`` (never retried) naming the base URL;
* redirects are never followed;
* an error message from a server at a non-public address (admitted by the allow-list) is not
  echoed: :meth:`Outbound.shown` replaces it.

Plain Python; no Django.
"""
from __future__ import annotations

from typing import Any

import httpx
import httpx2

from builder import guarded_transport
from builder.netguard import Policy, base_url_problem
from builder.providers.base import ProviderError

WITHHELD = "the server's message is withheld: it is at an internal address"


def checked_base_url(provider: str, base_url: str | None) -> str | None:
    """``base_url`` (None or empty: the provider's own API) when its shape is one a client may use."""
    if not base_url:
        return None
    problem = base_url_problem(base_url)
    if problem:
        raise ProviderError(f"{provider}: base_url {problem}", kind="bad_request", retryable=False)
    return base_url


class Outbound:
    """One provider client's way out: its checked base URL and its guard."""

    def __init__(self, provider: str, base_url: str | None, policy: Policy | None = None):
        self.provider = provider
        self.base_url = checked_base_url(provider, base_url)
        self.guard = guarded_transport.Guard(policy)

    def httpx_client(self, **kwargs: Any) -> httpx.AsyncClient:
        return guarded_transport.async_client(self.guard, **kwargs)

    def httpx2_client(self, **kwargs: Any) -> httpx2.AsyncClient:
        return guarded_transport.async_client2(self.guard, **kwargs)

    def shown(self, detail: str | None) -> str | None:
        """The server's own error message as users may see it."""
        if detail and self.guard.reached_internal:
            return WITHHELD
        return detail

    def refusal(self, exc: BaseException) -> ProviderError | None:
        """The :class:`ProviderError` for a call the guard refused, or None for any other failure."""
        blocked = guarded_transport.find_blocked(exc)
        if blocked is None:
            return None
        where = self.base_url or "the provider's API"
        if isinstance(blocked, guarded_transport.RedirectRefused):
            message = f"{self.provider}: {where}: {blocked.reason}"
        else:
            reason = blocked.reason.removeprefix("refused ")
            message = f"{self.provider}: the connection to {where} was refused before it was made: {reason}"
        return ProviderError(message, kind="blocked", retryable=False)
