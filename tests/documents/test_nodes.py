"""``document.load`` and ``memory.load`` / ``memory.save`` with a FakeContext whose services hold
one workspace's documents and memory."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from tests.unit.conftest import DictMemory, FakeContext, FakeServices


class WorkspaceServices(FakeServices):
    def __init__(self) -> None:
        super().__init__()
        self.docs = {7: {"id": 7, "name": "Book", "size": 9, "source": "txt", "text": "Once upon"}}
        self.store = DictMemory()

    def document(self, document_id: Any) -> dict[str, Any]:
        if document_id not in self.docs:
            raise LookupError("document not found in this workspace")
        return self.docs[document_id]

    def memory(self) -> DictMemory:
        return self.store


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext(services=WorkspaceServices())


def run(type_id: str, config: dict[str, Any], inputs: dict[str, Any], ctx: FakeContext) -> dict[str, Any]:
    spec = registry.get(type_id)
    return asyncio.run(spec.run(ctx, spec.parse_config(config), inputs))


def test_document_load_gives_text_and_meta(ctx):
    out = run("document.load", {"document": 7}, {}, ctx)
    assert out == {"text": "Once upon", "document": {"id": 7, "name": "Book", "size": 9, "source": "txt"}}


def test_a_document_outside_the_workspace_is_not_found(ctx):
    with pytest.raises(NodeError) as caught:
        run("document.load", {"document": 8}, {}, ctx)
    assert caught.value.kind == "not_found" and caught.value.field == "document"


def test_document_load_needs_an_id(config_errors):
    assert "document" in config_errors("document.load", {})
    assert "document" in config_errors("document.load", {"document": 0})


def test_memory_saves_an_exchange_and_loads_it_back(ctx):
    assert run("memory.load", {}, {"session": "s"}, ctx) == {"messages": []}
    saved = run("memory.save", {}, {"session": "s", "user": "hi", "assistant": "hello"}, ctx)
    assert saved == {"saved": {"session": "s", "messages": 2}}
    assert run("memory.load", {"max_tokens": 100}, {"session": "s"}, ctx) == {
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    assert run("memory.load", {"max_tokens": 3}, {"session": "s"}, ctx) == {"messages": []}


@pytest.mark.parametrize("inputs, field", [
    ({"session": "", "user": "a", "assistant": "b"}, "session"),
    ({"session": "s", "user": 1, "assistant": "b"}, "user"),
])
def test_memory_save_rejects_bad_inputs(ctx, inputs, field):
    with pytest.raises(NodeError) as caught:
        run("memory.save", {}, inputs, ctx)
    assert caught.value.field == field


def test_without_memory_on_the_host_it_fails_clearly():
    with pytest.raises(NodeError) as caught:
        run("memory.load", {}, {"session": "s"}, FakeContext())
    assert caught.value.kind == "internal"
