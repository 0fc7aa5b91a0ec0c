"""A run uses a stored credential against an OpenAI-protocol stub through a real worker; the
secret reaches the provider and nowhere else: not the API, events, node records, database
files or logs. A rejected key fails the step with kind ``auth``; another workspace's
credential is not found."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builder.graph_doc import GraphDoc
from fomo.stack import Api, Stack, read_events
from tests.stubs.fixtures import llm_stub, llm_stub_server  # noqa: F401

pytestmark = [pytest.mark.integration]

SECRET = "sk-live-INTEGRATION-SECRET-7f3a9c1e5d"


def workspace_id(api: Api) -> int:
    return next(w["id"] for w in api.get("/api/workspaces").json() if w["personal"])


def make_credential(api: Api, base_url: str, secret: str = SECRET, name: str = "openai-main") -> dict[str, Any]:
    resp = api.post(f"/api/workspaces/{workspace_id(api)}/credentials",
                    {"provider": "openai", "name": name, "secret": secret, "base_url": base_url})
    assert resp.status_code == 201, resp.text
    return resp.json()


def chat_graph(credential_id: int, base_url: str) -> dict[str, Any]:
    g = GraphDoc()
    g.node("q", "input", {"name": "q", "type": "text"})
    # The node's base URL points elsewhere on purpose: a stored key only goes to the credential's server.
    g.node("llm", "llm.chat", {"provider": "openai", "model": "gpt-4o-mini", "credential": str(credential_id),
                               "base_url": "http://127.0.0.1:9/v1"})
    g.node("a", "output", {"name": "answer"})
    g.edge("q", "value", "llm", "prompt")
    g.edge("llm", "text", "a", "value")
    return g.doc()


def run_to_end(api: Api, graph: dict[str, Any], inputs: dict[str, Any]) -> tuple[dict[str, Any], str]:
    pipeline = api.create_pipeline(graph)
    run = api.start_run(pipeline["id"], inputs)
    with api.websocket(run["id"]) as ws:
        read_events(ws)
    detail = api.get(f"/api/runs/{run['id']}")
    events = api.get(f"/api/runs/{run['id']}/events")
    return detail.json(), detail.text + events.text + api.get(f"/api/pipelines/{pipeline['id']}").text


def stored_bytes(stack: Stack) -> bytes:
    """Every file in the stack's data directory (SQLite database and WAL, key file excluded) and its logs."""
    root = Path(stack.env["FOMO_DATA_DIR"])
    files = [p for p in root.rglob("*") if p.is_file() and p.name != "encryption_keys"]
    files += list(stack.root.glob("*.log"))
    return b"".join(p.read_bytes() for p in files)


@pytest.fixture(scope="module")
def alice(live_stack: Stack) -> Api:
    return live_stack.client("alice")


@pytest.fixture(scope="module")
def credential(alice: Api, llm_stub_server: Any) -> dict[str, Any]:  # noqa: F811
    return make_credential(alice, llm_stub_server.openai_base_url)


def test_a_run_sends_the_stored_key_and_the_secret_appears_nowhere_else(live_stack, alice, credential,
                                                                        llm_stub, monkeypatch):  # noqa: F811
    seen: list[str] = []
    original = llm_stub._begin

    async def spy(request: Any) -> Any:
        seen.append(request.headers.get("Authorization", ""))
        return await original(request)

    monkeypatch.setattr(llm_stub, "_begin", spy)
    detail, texts = run_to_end(alice, chat_graph(credential["id"], llm_stub.openai_base_url), {"q": "hello there"})
    assert detail["status"] == "succeeded", detail["error"]
    assert detail["outputs"]["answer"] == "[gpt-4o-mini] there hello"
    assert seen == [f"Bearer {SECRET}"]
    assert SECRET not in texts and "INTEGRATION-SECRET" not in texts
    llm_node = next(n for n in detail["nodes"] if n["node_id"] == "llm")
    assert llm_node["usage"]["prompt_tokens"] > 0
    assert SECRET.encode() not in stored_bytes(live_stack)


def test_a_rejected_key_fails_the_step_with_a_clear_auth_error(live_stack, alice, llm_stub):  # noqa: F811
    bad = make_credential(alice, llm_stub.openai_base_url, secret="sk-wrong-key-0000000000000bad", name="wrong")
    llm_stub.faults.push(status=401)
    detail, texts = run_to_end(alice, chat_graph(bad["id"], llm_stub.openai_base_url), {"q": "hi"})
    assert detail["status"] == "failed"
    error = next(n for n in detail["nodes"] if n["node_id"] == "llm")["error"]
    assert error["kind"] == "auth" and "authentication failed" in error["message"]
    assert error["retryable"] is False and len(llm_stub.requests) == 1  # 401 is never retried
    assert "sk-wrong-key-0000000000000bad" not in texts
    assert b"sk-wrong-key-0000000000000bad" not in stored_bytes(live_stack)


def test_another_workspaces_credential_is_not_found(live_stack, alice, llm_stub):  # noqa: F811
    charlies = make_credential(live_stack.client("charlie"), llm_stub.openai_base_url,
                               secret="sk-charlie-only-999999999999", name="c")
    detail, _ = run_to_end(alice, chat_graph(charlies["id"], llm_stub.openai_base_url), {"q": "hi"})
    assert detail["status"] == "failed"
    error = next(n for n in detail["nodes"] if n["node_id"] == "llm")["error"]
    assert error == {**error, "kind": "auth", "message": "credential not found in this workspace"}
    assert llm_stub.requests == []
