"""The one retry policy every provider call goes through.

Contract:

* at most ``max_attempts`` attempts (default 4);
* between attempts, exponential backoff with full jitter: ``uniform(0, min(cap_s, base_s * 2**(n-1)))``;
* a server's ``Retry-After`` (seconds or an HTTP date; ``retry-after-ms`` too) replaces the backoff
  when it is at most ``retry_after_cap_s``; beyond that the call fails at once, saying so;
* retried: 408, 429, 5xx, connection errors, timeouts and streams cut midway (``retryable=True``
  on the :class:`ProviderError`); never retried: any other 4xx (401/403 are ``auth``);
* ``on_retry(attempt, error)`` is called after each failed attempt that will be retried, before
  sleeping, so a caller can void the tokens it already showed for that attempt;
* the error raised when the policy gives up carries ``attempts`` (how many were made).

Providers translate SDK exceptions into :class:`ProviderError` with :func:`error_for_status` and
friends; this module never sees an SDK type. Messages never contain credentials.
"""
from __future__ import annotations

import asyncio
import email.utils
import itertools
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from builder.providers.base import ProviderError

log = logging.getLogger(__name__)

T = TypeVar("T")
OnRetry = Callable[[int, ProviderError], None]
Sleep = Callable[[float], Awaitable[None]]


class _Counter:
    """A thread-safe running total (the worker runs event loops in several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._it = itertools.count(1)
        self.value = 0

    def incr(self) -> int:
        with self._lock:
            self.value = next(self._it)
            return self.value


#: Attempts made by every policy in this process; read it in metrics and tests.
TOTAL_ATTEMPTS = _Counter()


def parse_retry_after(headers: Mapping[str, str] | None, *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, or None. Understands ``retry-after-ms`` (OpenAI),
    ``Retry-After: <seconds>`` and ``Retry-After: <HTTP date>``."""
    if not headers:
        return None
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    ms = lower.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    raw = lower.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def error_for_status(status: int, *, provider: str, detail: str | None = None,
                     headers: Mapping[str, str] | None = None) -> ProviderError:
    """The :class:`ProviderError` for an HTTP error status. ``detail`` is the server's own message,
    when it sent one; it is trimmed and never holds our credential (we never send it back)."""
    retry_after = parse_retry_after(headers)
    suffix = f": {detail[:300]}" if detail else ""
    if status in (401, 403):
        return ProviderError(f"{provider}: authentication failed (HTTP {status}): check the credential",
                             kind="auth", retryable=False, status=status)
    if status == 429:
        return ProviderError(f"{provider}: rate limited (HTTP 429){suffix}", kind="rate_limit", retryable=True,
                             retry_after=retry_after, status=status)
    if status == 408:
        return ProviderError(f"{provider}: request timed out at the server (HTTP 408){suffix}", kind="timeout",
                             retryable=True, retry_after=retry_after, status=status)
    if status >= 500:
        return ProviderError(f"{provider}: server error (HTTP {status}){suffix}", kind="server", retryable=True,
                             retry_after=retry_after, status=status)
    return ProviderError(f"{provider}: request rejected (HTTP {status}){suffix}", kind="bad_request",
                         retryable=False, status=status)


def timeout_error(provider: str, timeout_s: float | None) -> ProviderError:
    limit = f" after {timeout_s:g} s" if timeout_s else ""
    return ProviderError(f"{provider}: request timed out{limit}", kind="timeout", retryable=True)


def connection_error(provider: str, exc: BaseException | None = None) -> ProviderError:
    what = f" ({type(exc).__name__})" if exc is not None else ""
    return ProviderError(f"{provider}: could not connect to the server{what}", kind="connection", retryable=True)


def stream_cut_error(provider: str, tokens: int, why: str = "ended before its final event") -> ProviderError:
    return ProviderError(f"{provider}: the response stream {why} after {tokens} token(s)", kind="stream_cut",
                         retryable=True)


@dataclass(slots=True)
class RetryPolicy:
    """Runs one provider call with bounded retries. ``sleep`` and ``rand`` are injectable for tests."""

    max_attempts: int = 4
    base_s: float = 0.5
    cap_s: float = 20.0
    retry_after_cap_s: float = 30.0
    sleep: Sleep = field(default=asyncio.sleep)
    rand: Callable[[], float] = field(default=random.random)
    attempts: _Counter = field(default_factory=_Counter)  # attempts made through this policy

    @classmethod
    def from_opts(cls, opts: Mapping[str, Any]) -> RetryPolicy:
        """Build from provider ``opts``: ``retry`` (a policy), or ``max_attempts``, ``backoff_base_s``,
        ``backoff_cap_s``, ``retry_after_cap_s``, ``sleep``."""
        given = opts.get("retry")
        if isinstance(given, RetryPolicy):
            return given
        policy = cls()
        if "max_attempts" in opts:
            policy.max_attempts = max(1, int(opts["max_attempts"]))
        if "backoff_base_s" in opts:
            policy.base_s = float(opts["backoff_base_s"])
        if "backoff_cap_s" in opts:
            policy.cap_s = float(opts["backoff_cap_s"])
        if "retry_after_cap_s" in opts:
            policy.retry_after_cap_s = float(opts["retry_after_cap_s"])
        if "sleep" in opts:
            policy.sleep = opts["sleep"]
        return policy

    def backoff(self, attempt: int) -> float:
        """Full-jitter delay after failed attempt number ``attempt`` (1-based)."""
        return self.rand() * min(self.cap_s, self.base_s * (2 ** (attempt - 1)))

    def delay_for(self, attempt: int, err: ProviderError) -> float:
        """Seconds to wait before the next attempt; raises when the server's wait is over the cap."""
        if err.retry_after is not None:
            if err.retry_after > self.retry_after_cap_s:
                raise ProviderError(
                    f"{err.message}; the server asked to wait {err.retry_after:g} s, over the cap of "
                    f"{self.retry_after_cap_s:g} s, so the call was not retried",
                    kind=err.kind, retryable=False, retry_after=err.retry_after, status=err.status)
            return err.retry_after
        return self.backoff(attempt)

    async def run(self, call: Callable[[int], Awaitable[T]], *, on_retry: OnRetry | None = None) -> T:
        """Call ``call(attempt)`` until it succeeds, fails for good, or attempts run out.

        ``call`` raises :class:`ProviderError` for failures; anything else propagates untouched
        (a bug is not retried)."""
        attempt = 0
        while True:
            attempt += 1
            self.attempts.incr()
            TOTAL_ATTEMPTS.incr()
            try:
                return await call(attempt)
            except ProviderError as err:
                if not err.retryable:
                    raise _with_attempts(err, attempt) from err.__cause__
                if attempt >= self.max_attempts:
                    final = ProviderError(f"{err.message} (gave up after {attempt} attempts)", kind=err.kind,
                                          retryable=err.retryable, retry_after=err.retry_after, status=err.status)
                    raise _with_attempts(final, attempt) from err
                try:
                    delay = self.delay_for(attempt, err)
                except ProviderError as over_cap:
                    raise _with_attempts(over_cap, attempt) from err
                log.info("provider attempt %d failed (%s: %s); retrying in %.2f s",
                         attempt, err.kind, err.message, delay)
                if on_retry is not None:
                    on_retry(attempt, err)
                await self.sleep(delay)


def _with_attempts(err: ProviderError, attempts: int) -> ProviderError:
    err.attempts = attempts  # type: ignore[attr-defined]
    return err
