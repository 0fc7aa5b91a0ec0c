"""``memory.load`` / ``memory.save`` with a host whose conversation memory is a dict."""
from __future__ import annotations

import pytest

from builder.nodes.base import NodeError
from tests.nodes.kit import DictMemory, FakeContext, FakeServices


class WorkspaceMemory(FakeServices):
    def __init__(self) -> None:
        super().__init__()
        self.store = DictMemory()

    def memory(self) -> DictMemory:
        return self.store


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext(services=WorkspaceMemory())


def test_memory_saves_an_exchange_and_loads_it_back(run, ctx):
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
def test_memory_save_rejects_bad_inputs(run, ctx, inputs, field):
    with pytest.raises(NodeError) as caught:
        run("memory.save", {}, inputs, ctx)
    assert caught.value.field == field


def test_without_memory_on_the_host_it_fails_clearly(run):
    with pytest.raises(NodeError) as caught:
        run("memory.load", {}, {"session": "s"}, FakeContext())
    assert caught.value.kind == "internal" and "conversation memory" in caught.value.message
