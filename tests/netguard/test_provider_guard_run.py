"""The network guard in a real worker, through the real openai SDK: the stack's operator allow-list
names one stub's port (``FOMO_HTTP_ALLOW=127.0.0.1:<port>``). A chat against that stub answers; the
same chat against a second stub on another port is refused before any connection, with an error
naming the node's base URL; a base URL with a query string cannot run at all."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from builder.graph_doc import GraphDoc
from fomo.stack import Api, Stack, read_events, start_stack
from tests.stubs.fixtures import llm_stub, llm_stub_server  # noqa: F401
from tests.stubs.llm_stub import LLMStub

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, llm_stub_server: LLMStub) -> Iterator[Stack]:  # noqa: F811
    started = start_stack(tmp_path_factory.mktemp("fomo-guard"),
                          extra_env={"FOMO_HTTP_ALLOW": llm_stub_server.allow_entry})
    try:
        yield started
    finally:
        started.stop()


def chat_graph(base_url: str) -> dict[str, Any]:
    g = GraphDoc()
    g.node("q", "input", {"name": "q", "type": "text"})
    g.node("llm", "llm.chat", {"provider": "openai_compatible", "model": "stub", "base_url": base_url})
    g.node("a", "output", {"name": "answer"})
    g.edge("q", "value", "llm", "prompt")
    g.edge("llm", "text", "a", "value")
    return g.doc()


def run_to_end(api: Api, graph: dict[str, Any]) -> dict[str, Any]:
    run = api.start_run(api.create_pipeline(graph)["id"], {"q": "hello there"})
    with api.websocket(run["id"]) as ws:
        read_events(ws)
    return api.get(f"/api/runs/{run['id']}").json()


def test_the_allow_listed_stub_answers_in_the_worker(stack: Stack, llm_stub) -> None:  # noqa: F811
    detail = run_to_end(stack.client("alice"), chat_graph(llm_stub.openai_base_url))
    assert detail["status"] == "succeeded", detail["error"]
    assert detail["outputs"]["answer"] == "[stub] there hello"
    assert len(llm_stub.requests) == 1


def test_a_stub_the_allow_list_does_not_name_is_refused_before_it_is_reached(stack: Stack, llm_stub) -> None:  # noqa: F811
    with LLMStub() as other:
        detail = run_to_end(stack.client("alice"), chat_graph(other.openai_base_url))
        assert other.requests == []
    assert detail["status"] == "failed"
    error = next(n for n in detail["nodes"] if n["node_id"] == "llm")["error"]
    assert error["kind"] == "blocked" and error["retryable"] is False, error
    assert other.openai_base_url in error["message"] and "FOMO_HTTP_ALLOW" in error["message"]
    assert llm_stub.requests == []


def test_a_base_url_with_a_query_string_cannot_run(stack: Stack, llm_stub) -> None:  # noqa: F811
    api = stack.client("alice")
    pipeline = api.create_pipeline(chat_graph(f"{llm_stub.openai_base_url}?x="))  # a draft may be invalid
    run = api.post(f"/api/pipelines/{pipeline['id']}/runs", {"inputs": {"q": "hi"}})
    assert run.status_code == 400, run.text
    errors = run.json()["error"]["details"]["errors"]
    assert any(e["node"] == "llm" and e["field"] == "base_url" and "query string" in e["message"] for e in errors)
    assert llm_stub.requests == []
