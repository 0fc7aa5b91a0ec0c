"""The chat widget's public endpoint through real daphne + Celery + Redis: the answer streams
as server-sent events; keys, origins (server-side, not just CORS), the rate limit, rotation,
revocation and per-key sessions decide who gets an answer."""
from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest

from fomo.stack import Api, Stack
from tests.teams.test_embed import chat_graph

pytestmark = [pytest.mark.integration]

SHOP = "http://shop.example:8000"


def frames(resp: httpx.Response, limit: float = 60) -> list[tuple[str, dict[str, Any]]]:
    """The (event, data) frames of an SSE response, read to its end."""
    out, block = [], []
    deadline = time.monotonic() + limit
    for line in resp.iter_lines():
        assert time.monotonic() < deadline, "the stream did not end"
        if line:
            block.append(line)
            continue
        fields = dict(item.split(": ", 1) for item in block if ": " in item and not item.startswith(":"))
        block = []
        if "event" in fields:
            out.append((fields["event"], json.loads(fields.get("data") or "{}")))
    return out


@pytest.fixture(scope="module")
def team(live_stack: Stack) -> dict[str, Any]:
    """A workspace of alice's, bob an editor, and a saved chat pipeline with memory."""
    alice = live_stack.client("alice")
    ws = alice.post("/api/workspaces", {"name": f"Widget {uuid.uuid4().hex[:6]}"}).json()["id"]
    assert alice.post(f"/api/workspaces/{ws}/members", {"username": "bob", "role": "editor"}).status_code == 201
    resp = alice.post("/api/pipelines", {"name": "Helpdesk", "workspace": ws, "graph": chat_graph(latency_ms=600)})
    assert resp.status_code == 201, resp.text
    pid = resp.json()["id"]
    assert alice.post(f"/api/pipelines/{pid}/versions", {"message": "v1"}).status_code == 201
    return {"alice": alice, "ws": ws, "pipeline": pid}


def new_key(api: Api, pid: int, **fields: Any) -> dict[str, Any]:
    resp = api.post(f"/api/pipelines/{pid}/embed-keys", {"allowed_origins": [SHOP], **fields})
    assert resp.status_code == 201, resp.text
    return resp.json()


def chat(stack: Stack, key: str, message: str, *, origin: str | None = SHOP, session: str | None = None,
         **extra: Any) -> tuple[httpx.Response, list[tuple[str, dict[str, Any]]]]:
    headers = {"Origin": origin} if origin else {}
    body = {"message": message, **({"session": session} if session else {}), **extra}
    with httpx.stream("POST", f"{stack.url}/embed/api/{key}/chat", json=body, headers=headers, timeout=60) as resp:
        if resp.status_code != 200:
            resp.read()
            return resp, []
        return resp, frames(resp)


def runs_of(api: Api, pid: int) -> int:
    return len(api.get(f"/api/pipelines/{pid}/runs").json())


def test_an_allowed_page_gets_the_answer_streamed(live_stack, team):
    key = new_key(team["alice"], team["pipeline"])
    started = time.monotonic()
    resp, got = chat(live_stack, key["key"], "Hello there")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
    assert resp.headers["access-control-allow-origin"] == SHOP and "Origin" in resp.headers["vary"]
    kinds = [k for k, _ in got]
    assert kinds[0] == "ready" and kinds[-1] == "done", kinds
    tokens = [d["text"] for k, d in got if k == "token"]
    assert len(tokens) >= 2, kinds  # streamed in pieces, not only at the end
    answer = got[-1][1]["answer"]
    assert "".join(tokens) == answer and answer
    assert got[-1][1]["session"] == got[0][1]["session"]
    assert time.monotonic() - started < 30
    run = team["alice"].get(f"/api/pipelines/{team['pipeline']}/runs").json()[0]
    assert run["version"] == 1


def test_preflight_answers_allowed_origins_only(live_stack, team):
    key = new_key(team["alice"], team["pipeline"])
    url = f"{live_stack.url}/embed/api/{key['key']}/chat"
    ok = httpx.options(url, headers={"Origin": SHOP, "Access-Control-Request-Method": "POST",
                                     "Access-Control-Request-Headers": "content-type"})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == SHOP
    assert "POST" in ok.headers["access-control-allow-methods"]
    assert "content-type" in ok.headers["access-control-allow-headers"].lower()
    bad = httpx.options(url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert bad.status_code == 403 and "access-control-allow-origin" not in bad.headers


def test_origins_are_checked_on_the_server_and_nothing_runs_for_a_stranger(live_stack, team):
    alice, pid = team["alice"], team["pipeline"]
    key = new_key(alice, pid)
    before = runs_of(alice, pid)
    for origin in ("https://evil.example", "http://shop.example:8001", "null", None):
        resp, _ = chat(live_stack, key["key"], "hi", origin=origin)
        assert resp.status_code == 403, (origin, resp.text)
        assert resp.json()["error"]["code"] == "origin_not_allowed"
        assert "access-control-allow-origin" not in resp.headers
    unknown, _ = chat(live_stack, "pk_fomo_" + "x" * 32, "hi")
    assert unknown.status_code == 404
    assert runs_of(alice, pid) == before


def test_the_key_runs_the_stored_pipeline_and_nothing_else(live_stack, team):
    alice, pid = team["alice"], team["pipeline"]
    key = new_key(alice, pid)
    before = runs_of(alice, pid)
    for extra in ({"graph": {"nodes": []}}, {"inputs": {"message": "x"}}, {"pipeline": 1}, {"version": 1}):
        resp, _ = chat(live_stack, key["key"], "hi", **extra)
        assert resp.status_code == 400, (extra, resp.text)
        assert resp.headers["access-control-allow-origin"] == SHOP  # the page can read why
    bad_session, _ = chat(live_stack, key["key"], "hi", session="no spaces allowed")
    assert bad_session.status_code == 400 and "session" in bad_session.text
    assert runs_of(alice, pid) == before
    as_token = {"Authorization": f"Bearer {key['key']}", "Origin": SHOP}
    assert httpx.get(f"{live_stack.url}/api/pipelines/{pid}", headers=as_token).status_code == 401
    assert httpx.get(f"{live_stack.url}/api/pipelines/{pid}/embed-keys", headers={"Origin": SHOP}).status_code == 401


def test_the_rate_limit_answers_429_with_retry_after(live_stack, team):
    key = new_key(team["alice"], team["pipeline"], rate_per_minute=2)
    answers = []
    for _ in range(3):
        resp, got = chat(live_stack, key["key"], "count me")
        answers.append(resp.status_code)
    assert answers[:2] == [200, 200] and answers[2] == 429, answers
    assert 1 <= int(resp.headers["retry-after"]) <= 60
    assert resp.headers["access-control-allow-origin"] == SHOP
    assert "Retry-After" in resp.headers["access-control-expose-headers"]
    assert resp.json()["error"]["code"] == "rate_limited"
    other = new_key(team["alice"], team["pipeline"], rate_per_minute=2)  # the limit is per key
    assert chat(live_stack, other["key"], "hi")[0].status_code == 200


def test_rotation_stops_the_old_key_at_once_and_revocation_stops_the_new(live_stack, team):
    alice, pid = team["alice"], team["pipeline"]
    key = new_key(alice, pid)
    rotated = alice.post(f"/api/pipelines/{pid}/embed-keys/{key['id']}/rotate").json()
    assert chat(live_stack, key["key"], "old")[0].status_code == 404
    assert chat(live_stack, rotated["key"], "new")[0].status_code == 200
    assert alice.delete(f"/api/pipelines/{pid}/embed-keys/{key['id']}").status_code == 204
    assert chat(live_stack, rotated["key"], "gone")[0].status_code == 404
    assert httpx.get(f"{live_stack.url}/embed/{rotated['key']}/").status_code == 404


def test_sessions_are_scoped_per_key(live_stack, team):
    alice, pid, ws = team["alice"], team["pipeline"], team["ws"]
    first, second = new_key(alice, pid), new_key(alice, pid)
    session = "visitor-" + uuid.uuid4().hex[:8]
    for key in (first, first, second):
        resp, got = chat(live_stack, key["key"], "Remember me", session=session)
        assert resp.status_code == 200 and got[-1][0] == "done" and got[-1][1]["session"] == session
    held = {c["session"]: c["messages"] for c in alice.get(f"/api/workspaces/{ws}/conversations").json()}
    assert held[f"embed-{first['id']}-{session}"] == 4
    assert held[f"embed-{second['id']}-{session}"] == 2
    assert session not in held


def test_a_key_stops_when_its_creator_can_no_longer_run_the_pipeline(live_stack, team):
    alice, pid, ws = team["alice"], team["pipeline"], team["ws"]
    bob = live_stack.client("bob")
    key = new_key(bob, pid)
    assert chat(live_stack, key["key"], "hi")[0].status_code == 200
    bob_id = next(m["user_id"] for m in alice.get(f"/api/workspaces/{ws}/members").json() if m["username"] == "bob")
    assert alice.patch(f"/api/workspaces/{ws}/members/{bob_id}", {"role": "viewer"}).status_code == 200
    try:
        resp, _ = chat(live_stack, key["key"], "hi")
        assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    finally:
        alice.patch(f"/api/workspaces/{ws}/members/{bob_id}", {"role": "editor"})


def test_the_iframe_page_chats_from_fomos_own_origin(live_stack, team):
    key = new_key(team["alice"], team["pipeline"])
    page = httpx.get(f"{live_stack.url}/embed/{key['key']}/")
    assert page.status_code == 200 and f'data-fomo-key="{key["key"]}"' in page.text
    assert page.headers["content-security-policy"].split("; ")[0] == f"frame-ancestors {SHOP}"
    resp, got = chat(live_stack, key["key"], "From the frame", origin=live_stack.url)
    assert resp.status_code == 200 and got[-1][0] == "done"
