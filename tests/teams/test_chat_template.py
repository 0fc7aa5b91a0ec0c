"""The "Chat with a prompt" template remembers: it is a chat pipeline with a session, and a
second message in the same session reaches the model with the first exchange before it (the
real conversation store of the run's workspace; another session starts empty)."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from builder.conversations import MemoryStore
from builder.graph import validate, validate_inputs
from builder.models import Workspace
from builder.nodes.services import NoServices
from builder.providers.registry import make_chat
from builder.templates_gallery import chat
from runs.engine import Engine, ListSink
from teams.embed import chat_contract


class ChatServices(NoServices):
    """What a worker lends the template's nodes: the fake model and one workspace's memory."""

    def __init__(self, workspace_id: int):
        self.workspace_id = workspace_id

    async def chat(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        return make_chat(provider, api_key=credential, base_url=base_url)

    def memory(self) -> MemoryStore:
        return MemoryStore(self.workspace_id)


def turn(services: ChatServices, inputs: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    plan, errors = validate(chat())
    assert plan is not None and errors == [], errors
    assert validate_inputs(plan, inputs) == []
    sink = ListSink()
    outcome = asyncio.run(Engine(plan, sink, run_id="r1", run_inputs=inputs, services=services).run())
    assert outcome.status == "succeeded", outcome.node_errors
    loaded = [e for e in sink.of_type("node.finished") if e.node_id == "history"][-1].data["outputs"]["messages"]
    return outcome.outputs, loaded


def test_the_chat_template_is_a_chat_with_memory():
    contract = chat_contract(chat())
    assert (contract.message, contract.session, contract.answer) == ("message", "session", "reply")
    types = {n["type"] for n in chat()["nodes"]}
    assert {"memory.load", "memory.save"} <= types


@pytest.mark.django_db(transaction=True)
def test_a_second_message_in_a_session_carries_the_first_exchange(django_user_model):
    user = django_user_model.objects.create_user("chatty", password="x-pass-12345")
    services = ChatServices(Workspace.personal_of(user).pk)

    first, loaded = turn(services, {"message": "My name is Ada.", "session": "s-1"})
    assert loaded == [] and first["reply"]
    _, loaded = turn(services, {"message": "What is my name?", "session": "s-1"})
    assert [m["role"] for m in loaded] == ["user", "assistant"]
    assert loaded[0]["content"] == "My name is Ada." and loaded[1]["content"] == first["reply"]
    _, other = turn(services, {"message": "Hello", "session": "s-2"})
    assert other == []
    # With the template's defaults only (the Run button), it still runs, in the "playground" session.
    outputs, _ = turn(services, {})
    assert outputs["reply"] and MemoryStore(services.workspace_id).load("playground", 10_000)
