"""``memory.save``: append the user's message and the model's answer to a chat session."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.memory._common import call, session_of


class MemorySaveConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemorySaveNode(Node[MemorySaveConfig]):
    type = "memory.save"
    title = "Save conversation"
    category = "Memory"
    description = "Append the user's message and the model's answer to a chat session."
    Config = MemorySaveConfig
    inputs = (Port("session", "text", description="The session id."),
              Port("user", "text", description="What the user said."),
              Port("assistant", "text", description="What the model answered."))
    outputs = (Port("saved", "json", description="{session, messages}: the session's message count."),)
    traits = frozenset({"memory"})

    async def run(self, ctx: NodeContext, config: MemorySaveConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        session = session_of(inputs)
        exchange = []
        for role in ("user", "assistant"):
            text = inputs.get(role)
            if not isinstance(text, str):
                raise NodeError(f"{role} must be text, got {type(text).__name__}", kind="bad_input", field=role)
            exchange.append((role, text))
        count = await call(ctx.services.memory().save, session, exchange)
        return {"saved": {"session": session.strip(), "messages": count}}
