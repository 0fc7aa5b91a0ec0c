"""The authentication throttle under its default limits, across two real daphne processes that
share one Redis: failures counted by one web process lock the account or address on the other,
for the log-in form (429 page), the REST API (429 JSON) and the run websocket (close 4429).
The stack is this module's own: locking 127.0.0.1 on the shared ``live_stack`` would lock every
other test out."""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets.sync.client as ws_client
from websockets.exceptions import ConnectionClosed

from fomo import launcher
from fomo.stack import USERS, Api, Stack, start_stack

pytestmark = [pytest.mark.integration]

# Empty means "the default" (fomo/settings.py), whatever the outer environment sets.
DEFAULTS = {name: "" for name in (
    "FOMO_LOGIN_FAILURES_PER_ACCOUNT", "FOMO_LOGIN_FAILURES_PER_ADDRESS", "FOMO_TOKEN_FAILURES_PER_ADDRESS",
    "FOMO_AUTH_LOCK_SECONDS", "FOMO_AUTH_MAX_LOCK_SECONDS", "FOMO_AUTH_FAILURE_MEMORY_SECONDS", "FOMO_PROXY_HOPS")}


@pytest.fixture(scope="module")
def two_webs() -> Iterator[tuple[Stack, str]]:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-stack-"))
    stack = start_stack(tmp, workers=0, extra_env=DEFAULTS)
    port = launcher.free_port()
    second = launcher.start_daphne(stack.env, port, log=tmp / "web2.log")
    try:
        launcher.wait_for(lambda: launcher.http_ok(f"http://127.0.0.1:{port}/login/"), 60, "the second web")
        yield stack, f"http://127.0.0.1:{port}"
    finally:
        launcher.stop(second)
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def log_in(base: str, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=30) as http:
        http.get("/login/")
        return http.post("/login/", data={"username": username, "password": password,
                                          "csrfmiddlewaretoken": http.cookies["csrftoken"]})


def test_five_wrong_passwords_on_two_web_processes_lock_the_account_on_both(two_webs):
    stack, other = two_webs
    answers = [log_in(base, "charlie", "not-the-password").status_code
               for base in (stack.url, other, stack.url, other, stack.url)]
    assert answers == [200, 200, 200, 200, 429]
    for base in (other, stack.url):
        refused = log_in(base, "charlie", USERS["charlie"])
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "Too many failed log-in attempts. Try again in" in refused.text
    # The address has 5 of its 20: someone else logs in from it.
    assert log_in(other, "bob", USERS["bob"]).status_code == 302


def websocket_close(base: str, token: str, said: list[Any] | None = None) -> Any:
    """The close frame a token handshake ends with; what the server said before goes to ``said``."""
    url = base.replace("http", "ws", 1) + "/ws/runs/1/"
    with (ws_client.connect(url, subprotocols=["bearer", token], open_timeout=10) as sock,
          pytest.raises(ConnectionClosed) as closed):
        while True:
            (said if said is not None else []).append(json.loads(sock.recv(timeout=10)))
    return closed.value.rcvd


def test_twenty_invalid_tokens_over_rest_and_websocket_lock_the_address_on_both(two_webs):
    stack, other = two_webs
    token = stack.client("alice").post("/api/tokens", {"name": "live throttle"}).json()["token"]
    guess = token[:-6] + "guess0"
    assert [websocket_close(other, guess).code for _ in range(10)] == [4401] * 10
    rest = [httpx.get(f"{base}/api/pipelines", headers={"Authorization": f"Bearer {guess}"}).status_code
            for base in [stack.url, other] * 5]
    assert rest == [401] * 9 + [429]
    refused = httpx.get(f"{stack.url}/api/pipelines", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "throttled"
    said: list[Any] = []
    assert websocket_close(other, token, said).code == 4429
    assert said[0]["type"] == "throttled" and 1 <= said[0]["retry_after"] <= 60
    assert "Too many invalid API tokens. Try again in" in said[0]["message"]
    # A logged-in session is not a token guess: it keeps working from that address.
    assert Api.login(other, "bob", USERS["bob"]).get("/api/pipelines").status_code == 200
