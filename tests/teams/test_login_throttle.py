"""Failed log-ins and invalid API tokens are throttled in Redis, by account and by client address:
the failure that reaches the limit and every attempt during the lock get 429 with Retry-After,
even with the right password; the lock ends, doubles with each further failure up to a cap, and a
successful log-in forgets the account's failures. (In-process, against the real Redis; the
limits under their defaults are also checked across two daphne processes in
test_login_throttle_live.py.)"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from fomo import launcher, throttle

pytestmark = [pytest.mark.django_db]

PASSWORD = "a-long-pass-42"


@pytest.fixture(autouse=True)
def forget_throttle_state() -> Iterator[None]:
    """Each test starts from no failures and leaves none behind in the shared Redis."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    prefix = django_settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]

    def clear() -> None:
        keys = list(client.scan_iter(f"{prefix}:authfail:*"))
        if keys:
            client.delete(*keys)

    clear()
    yield
    clear()


@pytest.fixture
def person(db: Any) -> str:
    name = f"p{uuid.uuid4().hex[:10]}"
    get_user_model().objects.create_user(name, password=PASSWORD)
    return name


def browser(address: str = "198.51.100.7") -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(person):
    client = browser()
    for _ in range(4):
        resp = log_in(client, person, "wrong-guess")
        assert resp.status_code == 200 and "correct username" in resp.content.decode()
    locked = log_in(client, person, "wrong-guess")
    assert locked.status_code == 429 and locked["Retry-After"] == "60"
    right = log_in(client, person, PASSWORD)
    assert right.status_code == 429 and 55 <= int(right["Retry-After"]) <= 60
    page = right.content.decode()
    assert 'role="alert"' in page and "Too many failed log-in attempts. Try again in" in page
    assert f'value="{person}"' in page  # the form comes back with the name filled in
    assert client.get("/api/pipelines").status_code == 401
    # Another spelling of the same name is the same account.
    assert log_in(browser("198.51.100.8"), person.upper(), PASSWORD).status_code == 429


def test_the_lock_ends_and_each_further_failure_doubles_it_up_to_the_cap(person, settings):
    settings.FOMO = {**settings.FOMO, "AUTH_LOCK_SECONDS": 1, "AUTH_MAX_LOCK_SECONDS": 2}
    client = browser()
    for _ in range(4):
        assert log_in(client, person, "wrong-guess").status_code == 200
    waits = []
    for _ in range(3):
        resp = log_in(client, person, "wrong-guess")
        assert resp.status_code == 429
        waits.append(int(resp["Retry-After"]))
        time.sleep(waits[-1] + 0.2)
    assert waits == [1, 2, 2]
    assert log_in(client, person, PASSWORD).status_code == 302


def test_a_successful_log_in_forgets_the_accounts_failures(person):
    client = browser()
    for _ in range(2):
        for _ in range(4):
            assert log_in(client, person, "wrong-guess").status_code == 200
        assert log_in(client, person, PASSWORD).status_code == 302
        client.post("/logout/")


def test_guesses_across_many_accounts_lock_the_address_and_not_the_accounts(person):
    attacker = browser("203.0.113.9")
    answers = [log_in(attacker, f"nobody{i}", "wrong-guess").status_code for i in range(20)]
    assert answers == [200] * 19 + [429]
    assert log_in(attacker, person, PASSWORD).status_code == 429
    assert log_in(browser("203.0.113.10"), person, PASSWORD).status_code == 302


def test_an_account_guessed_from_many_addresses_is_locked_from_all(person):
    for i in range(4):
        assert log_in(browser(f"2001:db8:{i}::1"), person, "wrong-guess").status_code == 200
    assert log_in(browser("2001:db8:4::1"), person, "wrong-guess").status_code == 429
    assert log_in(browser("2001:db8:99::1"), person, PASSWORD).status_code == 429


def test_an_empty_form_is_not_counted_as_a_guess(person):
    client = browser()
    for _ in range(10):
        assert log_in(client, person, "").status_code == 200
    assert log_in(client, person, PASSWORD).status_code == 302


def test_when_redis_does_not_answer_log_ins_still_work(person, settings, monkeypatch):
    settings.REDIS_URL = f"redis://127.0.0.1:{launcher.free_port()}/0"
    monkeypatch.setattr(throttle, "_redis", None)
    client = browser()
    assert log_in(client, person, "wrong-guess").status_code == 200
    assert log_in(client, person, PASSWORD).status_code == 302


@pytest.mark.parametrize(("hops", "remote", "forwarded", "expected"), [
    (0, "127.0.0.1", "198.51.100.1", "127.0.0.1"),                    # no proxy: the header is not believed
    (1, "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),        # what the client wrote stays on the left
    (2, "127.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
    (1, "127.0.0.1", None, "127.0.0.1"),
    (0, "2001:db8:1:2:3:4:5:6", None, "2001:db8:1:2::/64"),           # one IPv6 client holds a /64
    (0, "::ffff:198.51.100.1", None, "198.51.100.1"),
])
def test_the_client_address_is_read_through_the_configured_proxies(settings, hops, remote, forwarded, expected):
    settings.FOMO = {**settings.FOMO, "PROXY_HOPS": hops}
    assert throttle.client_address(remote, forwarded) == expected


# --- API tokens ------------------------------------------------------------------------------

def bearer(raw: str, address: str = "198.51.100.7") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_invalid_api_tokens_lock_the_address_with_429_and_retry_after(make_token):
    raw, _ = make_token("alice")
    guesses = [bearer(f"{raw[:-6]}guess{i}").get("/api/pipelines") for i in range(20)]
    assert [r.status_code for r in guesses] == [401] * 19 + [429]
    locked = bearer(raw).get("/api/pipelines")  # even the real token, from that address
    assert locked.status_code == 429 and 55 <= int(locked["Retry-After"]) <= 60
    assert locked.json()["error"]["code"] == "throttled"
    assert "Too many invalid API tokens. Try again in" in locked.json()["error"]["message"]
    assert bearer(raw, "198.51.100.8").get("/api/pipelines").status_code == 200


def test_a_revoked_or_expired_token_is_not_counted_as_a_guess(make_token):
    from django.utils import timezone

    revoked, _ = make_token("alice", revoked=True)
    expired, _ = make_token("alice", expires_at=timezone.now())
    for _ in range(15):
        assert bearer(revoked).get("/api/pipelines").status_code == 401
        assert bearer(expired).get("/api/pipelines").status_code == 401
    raw, _ = make_token("alice")
    assert bearer(raw).get("/api/pipelines").status_code == 200
