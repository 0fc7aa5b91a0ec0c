"""fomo behind a TLS-terminating reverse proxy, through a real daphne started with
FOMO_PROXY_HOPS=1, FOMO_SECURE_COOKIES=1 and FOMO_HSTS_SECONDS: HTTPS requests (as the proxy's
X-Forwarded-Proto says) get HSTS and Secure cookies; the websocket's own origin is https; the
throttle keys clients by the address the proxy appended to X-Forwarded-For."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets.sync.client as ws_client
from websockets.exceptions import InvalidStatus

from fomo.stack import USERS, Stack, start_stack

pytestmark = [pytest.mark.integration]

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def proxied() -> Iterator[Stack]:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-stack-"))
    stack = start_stack(tmp, workers=0, extra_env={"FOMO_PROXY_HOPS": "1", "FOMO_SECURE_COOKIES": "1",
                                                   "FOMO_HSTS_SECONDS": "600"})
    try:
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def https_login(stack: Stack, username: str) -> httpx.Response:
    # The test talks plain HTTP to daphne, as the proxy would, so the client itself would keep a
    # Secure cookie to itself: the CSRF cookie is sent back by hand.
    csrf = httpx.get(f"{stack.url}/login/", headers=HTTPS).cookies["csrftoken"]
    return httpx.post(f"{stack.url}/login/", data={"username": username, "password": USERS[username],
                                                   "csrfmiddlewaretoken": csrf},
                      headers={**HTTPS, "Origin": f"https://127.0.0.1:{stack.port}", "Cookie": f"csrftoken={csrf}"})


def cookie(resp: httpx.Response, name: str) -> str:
    return next(c for c in resp.headers.get_list("set-cookie") if c.startswith(f"{name}="))


def test_https_answers_carry_hsts_and_the_cookies_are_secure(proxied):
    page = httpx.get(f"{proxied.url}/login/", headers=HTTPS)
    assert page.headers["Strict-Transport-Security"] == "max-age=600"
    assert "; Secure" in cookie(page, "csrftoken")
    logged_in = https_login(proxied, "alice")
    assert logged_in.status_code == 302
    session = cookie(logged_in, "sessionid")
    assert "; Secure" in session and "; HttpOnly" in session
    # Plain HTTP (no proxy header): HSTS only means something over HTTPS, so it is not sent.
    assert "Strict-Transport-Security" not in httpx.get(f"{proxied.url}/login/").headers


def test_the_websocket_takes_the_https_origin_the_proxy_reports(proxied):
    session = cookie(https_login(proxied, "alice"), "sessionid").split(";")[0]
    url = f"ws://localhost:{proxied.port}/ws/runs/1/"
    with ws_client.connect(url, additional_headers={"Cookie": session, "Origin": f"https://localhost:{proxied.port}",
                                                    **HTTPS}, open_timeout=10) as sock:
        assert sock.response.status_code == 101  # accepted
    with pytest.raises(InvalidStatus):
        ws_client.connect(url, additional_headers={"Cookie": session, "Origin": f"http://localhost:{proxied.port}",
                                                   **HTTPS}, open_timeout=10)


def test_the_throttle_keys_clients_by_the_address_the_proxy_appended(proxied):
    def guess(client: str) -> int:
        headers = {"Authorization": "Bearer fomo_deadbeef_guess", "X-Forwarded-For": f"6.6.6.6, {client}"}
        return httpx.get(f"{proxied.url}/api/pipelines", headers=headers).status_code

    assert [guess("198.51.100.1") for _ in range(20)] == [401] * 19 + [429]
    assert guess("198.51.100.2") == 401  # another client behind the same proxy, same forged left part
