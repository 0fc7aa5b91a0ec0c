"""Conversation memory nodes: ``memory.load`` before the model call, ``memory.save`` after it.

Both name a session by the ``session`` input (a chat's session id) and reach the store through
``ctx.services.memory()``, bound to the run's workspace. Loading returns the newest messages
that fit the token budget (counted with :mod:`builder.tokens`), oldest first, ready for the
``messages`` input of ``llm.chat``.
"""
from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from builder.nodes.base import Node, NodeContext, NodeError, Port


def store_of(ctx: NodeContext) -> Any:
    make = getattr(ctx.services, "memory", None)
    if make is None:
        raise NodeError("this host has no conversation memory", kind="internal")
    return make()


def session_of(inputs: dict[str, Any]) -> str:
    session = inputs.get("session")
    if not isinstance(session, str) or not session.strip():
        raise NodeError("connect a non-empty session id", kind="bad_input", field="session")
    return session


async def call(fn: Any, *args: Any) -> Any:
    try:
        return await asyncio.to_thread(fn, *args)
    except ValueError as exc:  # a malformed session id
        raise NodeError(str(exc), kind="bad_input", field="session") from None


class MemoryLoadConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(2000, ge=1, le=1_000_000, description="Token budget of the loaded history.")
    max_messages: int = Field(50, ge=1, le=200)


class MemoryLoadNode(Node):
    type = "memory.load"
    title = "Load conversation"
    category = "Memory"
    description = "The last messages of a chat session that fit a token budget."
    Config = MemoryLoadConfig
    inputs = (Port("session", "text", description="The session id."),)
    outputs = (Port("messages", "messages"),)

    async def run(self, ctx: NodeContext, config: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        store = store_of(ctx)
        messages = await call(store.load, session_of(inputs), config.max_tokens, config.max_messages)
        return {"messages": messages}


class MemorySaveConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemorySaveNode(Node):
    type = "memory.save"
    title = "Save conversation"
    category = "Memory"
    description = "Append the user's message and the model's answer to a chat session."
    Config = MemorySaveConfig
    inputs = (Port("session", "text", description="The session id."),
              Port("user", "text", description="What the user said."),
              Port("assistant", "text", description="What the model answered."))
    outputs = (Port("saved", "json", description="{session, messages}: the session's message count."),)

    async def run(self, ctx: NodeContext, config: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        session = session_of(inputs)
        exchange = []
        for role in ("user", "assistant"):
            text = inputs.get(role)
            if not isinstance(text, str):
                raise NodeError(f"{role} must be text, got {type(text).__name__}", kind="bad_input", field=role)
            exchange.append((role, text))
        count = await call(store_of(ctx).save, session, exchange)
        return {"saved": {"session": session.strip(), "messages": count}}
