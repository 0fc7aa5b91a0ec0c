"""A chat pipeline with conversation memory through a real worker: the second run of a session
sends the first exchange to the model before the new question; another session starts empty;
the conversation is listed and forgotten over REST."""
from __future__ import annotations

from typing import Any

import pytest

from builder.graph_doc import GraphDoc
from fomo.stack import Api, Stack, read_events
from tests.stubs.fixtures import llm_stub, llm_stub_server  # noqa: F401

pytestmark = [pytest.mark.integration]


def chat_with_memory(base_url: str) -> dict[str, Any]:
    g = GraphDoc()
    g.node("session", "input", {"name": "session", "type": "text"})
    g.node("q", "input", {"name": "q", "type": "text"})
    g.node("history", "memory.load", {"max_tokens": 1000})
    g.node("llm", "llm.chat", {"provider": "openai_compatible", "model": "stub-chat", "base_url": base_url})
    g.node("remember", "memory.save", {})
    g.node("a", "output", {"name": "answer"})
    g.edge("session", "value", "history", "session")
    g.edge("history", "messages", "llm", "messages")
    g.edge("q", "value", "llm", "prompt")
    g.edge("session", "value", "remember", "session")
    g.edge("q", "value", "remember", "user")
    g.edge("llm", "text", "remember", "assistant")
    g.edge("llm", "text", "a", "value")
    return g.doc()


def run_to_end(api: Api, pipeline_id: int, inputs: dict[str, Any]) -> dict[str, Any]:
    run = api.start_run(pipeline_id, inputs)
    with api.websocket(run["id"]) as ws:
        read_events(ws)
    detail = api.get(f"/api/runs/{run['id']}").json()
    assert detail["status"] == "succeeded", detail
    return detail


def sent_messages(stub: Any) -> list[list[dict[str, Any]]]:
    return [r.body["messages"] for r in stub.requests_to("/v1/chat/completions")]


def test_the_second_run_of_a_session_remembers_the_first_exchange(live_stack: Stack, llm_stub):  # noqa: F811
    api = live_stack.client("alice")
    ws = next(w["id"] for w in api.get("/api/workspaces").json() if w["personal"])
    pipeline = api.create_pipeline(chat_with_memory(llm_stub.openai_base_url))

    first = run_to_end(api, pipeline["id"], {"session": "visitor-7", "q": "My name is Otto."})
    answer = first["outputs"]["answer"]
    run_to_end(api, pipeline["id"], {"session": "visitor-7", "q": "What is my name?"})
    run_to_end(api, pipeline["id"], {"session": "visitor-8", "q": "Who am I?"})

    calls = sent_messages(llm_stub)
    assert calls[0] == [{"role": "user", "content": "My name is Otto."}]
    assert calls[1] == [{"role": "user", "content": "My name is Otto."}, {"role": "assistant", "content": answer},
                        {"role": "user", "content": "What is my name?"}]
    assert calls[2] == [{"role": "user", "content": "Who am I?"}]

    listed = {c["session"]: c["messages"] for c in api.get(f"/api/workspaces/{ws}/conversations").json()}
    assert listed["visitor-7"] == 4 and listed["visitor-8"] == 2
    assert api.delete(f"/api/workspaces/{ws}/conversations/visitor-7").status_code == 204
    run_to_end(api, pipeline["id"], {"session": "visitor-7", "q": "Again?"})
    assert sent_messages(llm_stub)[3] == [{"role": "user", "content": "Again?"}]
