"""The retry policy on its own, with an injected clock."""
from __future__ import annotations

import email.utils
import time

import pytest

from builder.providers.base import ProviderError
from builder.providers.retry import TOTAL_ATTEMPTS, RetryPolicy, error_for_status, parse_retry_after


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def failing(errors: list[ProviderError], result: str = "ok"):
    async def call(attempt: int) -> str:
        if errors:
            raise errors.pop(0)
        return result
    return call


def server_error() -> ProviderError:
    return ProviderError("boom", kind="server", retryable=True, status=500)


@pytest.mark.asyncio
async def test_backoff_is_exponential_with_full_jitter_and_capped():
    sleeps = Sleeps()
    policy = RetryPolicy(max_attempts=8, base_s=0.5, cap_s=20, sleep=sleeps, rand=lambda: 1.0)

    assert await policy.run(failing([server_error() for _ in range(7)])) == "ok"

    assert sleeps.calls == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]


def test_jitter_draws_between_zero_and_the_ceiling():
    assert RetryPolicy(rand=lambda: 0.0).backoff(3) == 0.0
    assert RetryPolicy(rand=lambda: 0.5).backoff(3) == pytest.approx(1.0)


@pytest.mark.asyncio
async def test_attempts_are_bounded_and_counted():
    sleeps = Sleeps()
    policy = RetryPolicy(max_attempts=4, sleep=sleeps)
    before = TOTAL_ATTEMPTS.value

    with pytest.raises(ProviderError) as caught:
        await policy.run(failing([server_error() for _ in range(10)]))

    assert caught.value.attempts == 4 and "gave up after 4 attempts" in caught.value.message
    assert len(sleeps.calls) == 3
    assert policy.attempts.value == 4
    assert TOTAL_ATTEMPTS.value - before >= 4


@pytest.mark.asyncio
async def test_non_retryable_errors_fail_on_the_first_attempt():
    sleeps = Sleeps()
    seen: list[int] = []
    auth = error_for_status(401, provider="p")

    with pytest.raises(ProviderError) as caught:
        await RetryPolicy(sleep=sleeps).run(failing([auth]), on_retry=lambda n, e: seen.append(n))

    assert caught.value is auth and caught.value.attempts == 1
    assert sleeps.calls == [] and seen == []


@pytest.mark.asyncio
async def test_on_retry_hears_of_each_failed_attempt_before_the_wait():
    sleeps = Sleeps()
    heard: list[tuple[int, str, int]] = []
    errors = [server_error(), ProviderError("cut", kind="stream_cut", retryable=True)]

    await RetryPolicy(sleep=sleeps).run(failing(errors),
                                        on_retry=lambda n, e: heard.append((n, e.kind, len(sleeps.calls))))

    assert heard == [(1, "server", 0), (2, "stream_cut", 1)]


@pytest.mark.asyncio
async def test_retry_after_replaces_the_backoff_up_to_the_cap():
    sleeps = Sleeps()
    slow = error_for_status(429, provider="p", headers={"Retry-After": "7"})

    await RetryPolicy(sleep=sleeps).run(failing([slow]))

    assert sleeps.calls == [7.0]


@pytest.mark.asyncio
async def test_retry_after_over_the_cap_gives_up_at_once_and_says_why():
    sleeps = Sleeps()
    slow = error_for_status(503, provider="p", headers={"Retry-After": "45"})

    with pytest.raises(ProviderError) as caught:
        await RetryPolicy(retry_after_cap_s=30, sleep=sleeps).run(failing([slow]))

    assert "the server asked to wait 45 s, over the cap of 30 s" in caught.value.message
    assert sleeps.calls == [] and caught.value.retry_after == 45


def test_retry_after_reads_seconds_dates_and_milliseconds():
    now = time.time()
    date = email.utils.formatdate(now + 12, usegmt=True)

    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after": date}, now=now) == pytest.approx(12, abs=1.0)
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


@pytest.mark.parametrize(("status", "kind", "retryable"), [
    (400, "bad_request", False), (401, "auth", False), (403, "auth", False), (404, "bad_request", False),
    (408, "timeout", True), (422, "bad_request", False), (429, "rate_limit", True), (500, "server", True),
    (502, "server", True), (503, "server", True), (529, "server", True),
])
def test_statuses_map_to_kinds(status, kind, retryable):
    err = error_for_status(status, provider="p")
    assert (err.kind, err.retryable, err.status) == (kind, retryable, status)


@pytest.mark.asyncio
async def test_a_bug_in_the_call_is_not_retried():
    async def broken(attempt: int) -> str:
        raise KeyError("oops")

    with pytest.raises(KeyError):
        await RetryPolicy(sleep=Sleeps()).run(broken)
