"""``memory.load``: the newest messages of a chat session that fit a token budget.

Counted with :mod:`builder.tokens`, oldest first, ready for the ``messages`` input of ``llm.chat``.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from builder.nodes.base import Node, NodeContext, Port
from builder.nodes.memory._common import call, session_of


class MemoryLoadConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(2000, ge=1, le=1_000_000, description="Token budget of the loaded history.")
    max_messages: int = Field(50, ge=1, le=200)


class MemoryLoadNode(Node[MemoryLoadConfig]):
    type = "memory.load"
    title = "Load conversation"
    category = "Memory"
    description = "The last messages of a chat session that fit a token budget."
    Config = MemoryLoadConfig
    inputs = (Port("session", "text", description="The session id."),)
    outputs = (Port("messages", "messages"),)
    traits = frozenset({"memory"})

    async def run(self, ctx: NodeContext, config: MemoryLoadConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        store = ctx.services.memory()
        messages = await call(store.load, session_of(inputs), config.max_tokens, config.max_messages)
        return {"messages": messages}
