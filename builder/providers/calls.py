"""The frame every SDK call runs in: retry policy, concurrency slot, deadline, error mapping.

A provider module supplies ``attempt(progress)`` (one try through its SDK) and
``map_error(exc, progress)`` (its SDK's exceptions → :class:`ProviderError`, or None if it does not recognise one);
:func:`run_call` does the rest the same way for everyone.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

try:  # the openai and anthropic SDKs ship on httpx2, a fork with its own exception classes
    import httpx2
except ImportError:  # pragma: no cover
    httpx2 = None  # type: ignore[assignment]
from builder.providers.base import ChatParams, ProviderError
from builder.providers.outbound import Outbound
from builder.providers.retry import OnRetry, RetryPolicy, connection_error, stream_cut_error, timeout_error

T = TypeVar("T")

_TIMEOUTS: tuple[type[BaseException], ...] = (httpx.TimeoutException, asyncio.TimeoutError, TimeoutError)
_TRANSPORT: tuple[type[BaseException], ...] = (httpx.TransportError, httpx.StreamError)
if httpx2 is not None:
    _TIMEOUTS += (httpx2.TimeoutException,)
    _TRANSPORT += (httpx2.TransportError, httpx2.StreamError)


class StreamProgress:
    """How far a streamed attempt got, so a transport error mid-body is reported as a cut stream."""

    __slots__ = ("tokens", "started")

    def __init__(self) -> None:
        self.tokens = 0
        self.started = False


def scrub(text: str, secret: str | None) -> str:
    """``text`` without ``secret`` (servers sometimes echo part of a bad key)."""
    if secret and len(secret) >= 4 and secret in text:
        return text.replace(secret, "***")
    return text


def map_transport_error(provider: str, exc: BaseException, timeout_s: float | None,
                        progress: StreamProgress | None) -> ProviderError | None:
    """httpx and asyncio errors, which SDKs let through while a stream is being read."""
    if isinstance(exc, _TIMEOUTS):
        return timeout_error(provider, timeout_s)
    if isinstance(exc, _TRANSPORT):
        if progress is not None and progress.started:
            return stream_cut_error(provider, progress.tokens, why=f"broke off ({type(exc).__name__})")
        return connection_error(provider, exc)
    return None


async def run_call(*, provider: str, policy: RetryPolicy, semaphore: Callable[[], asyncio.Semaphore],
                   timeout_s: float | None, attempt: Callable[[StreamProgress], Awaitable[T]],
                   map_error: Callable[[BaseException, StreamProgress], ProviderError | None],
                   secret: str | None = None, on_retry: OnRetry | None = None,
                   outbound: Outbound | None = None) -> T:
    """Run ``attempt`` under ``policy``. Each try holds one concurrency slot (not across the
    backoff sleep) and is bounded by ``timeout_s`` as a whole. A call the network guard of
    ``outbound`` refused fails at once (kind ``blocked``), whatever the SDK wrapped it in."""

    async def one(_: int) -> T:
        progress = StreamProgress()
        async with semaphore():
            try:
                if timeout_s:
                    async with asyncio.timeout(timeout_s):
                        return await attempt(progress)
                return await attempt(progress)
            except ProviderError:
                raise
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - translated, or re-raised below
                err = ((outbound.refusal(exc) if outbound is not None else None) or map_error(exc, progress)
                       or map_transport_error(provider, exc, timeout_s, progress))
                if err is None:
                    raise
                err.message = scrub(err.message, secret)
                err.args = (err.message,)
                raise err from None

    return await policy.run(one, on_retry=on_retry)


def error_detail(body: Any) -> str | None:
    """The message of an OpenAI- or Anthropic-style error body ``{"error": {"message": ...}}``."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
    return None


def sampling_kwargs(params: ChatParams, *, max_tokens_key: str = "max_tokens",
                    stop_key: str = "stop") -> dict[str, Any]:
    """The sampling parameters a chat API takes, under that API's names."""
    kwargs: dict[str, Any] = {}
    if params.temperature is not None:
        kwargs["temperature"] = params.temperature
    if params.max_tokens is not None:
        kwargs[max_tokens_key] = params.max_tokens
    if params.stop:
        kwargs[stop_key] = params.stop
    if params.seed is not None:
        kwargs["seed"] = params.seed
    if params.response_format == "json":
        kwargs["response_format"] = {"type": "json_object"}
    kwargs.update(params.extra)
    return kwargs
