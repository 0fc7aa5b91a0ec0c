"""``llm.chat``: one chat completion from any provider, streamed token by token."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import provider_fields, widgets
from builder.providers.base import ChatParams


class LlmChatConfig(provider_fields.ChatModelConfig):
    system: str | None = Field(None, max_length=200_000, description="A system message sent first.",
                               json_schema_extra=widgets.textarea())
    temperature: float | None = Field(None, ge=0, le=2, allow_inf_nan=False)
    max_tokens: int | None = Field(None, ge=1, le=1_000_000)
    stop: list[str] | None = Field(None, max_length=8)
    seed: int | None = None
    json_mode: bool = Field(False, description="Ask the model for a JSON object.")
    latency_ms: int = Field(0, ge=0, le=600_000, description="Simulated latency (fake provider only).")


def _messages(config: LlmChatConfig, inputs: dict[str, Any]) -> list[dict[str, str]]:
    prompt, given = inputs.get("prompt"), inputs.get("messages")
    if prompt is None and given is None:
        raise NodeError("connect a prompt or messages input", kind="bad_input", field="prompt")
    messages: list[dict[str, str]] = []
    if config.system:
        messages.append({"role": "system", "content": config.system})
    if given is not None:
        if not isinstance(given, list) or not all(
                isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                for m in given):
            raise NodeError("messages must be a list of {role, content} objects", kind="bad_input", field="messages")
        messages.extend({"role": m["role"], "content": m["content"]} for m in given)
    if prompt is not None:
        if not isinstance(prompt, str):
            raise NodeError(f"prompt must be text, got {type(prompt).__name__}", kind="bad_input", field="prompt")
        messages.append({"role": "user", "content": prompt})
    return messages


class LlmChatNode(Node[LlmChatConfig]):
    type = "llm.chat"
    title = "LLM chat"
    category = "Models"
    description = "Ask a chat model; streams its answer and records tokens and cost."
    Config = LlmChatConfig
    inputs = (Port("prompt", "text", required=False, description="Sent as the last user message."),
              Port("messages", "messages", required=False, description="A conversation to continue."))
    outputs = (Port("text", "text"), Port("usage", "json"))
    traits = frozenset({"streams_text"})

    async def run(self, ctx: NodeContext, config: LlmChatConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        messages = _messages(config, inputs)
        params = ChatParams(model=config.model, temperature=config.temperature, max_tokens=config.max_tokens,
                            stop=config.stop, seed=config.seed, response_format="json" if config.json_mode else None)
        if config.provider == "fake" and config.latency_ms:
            params.extra["latency_ms"] = config.latency_ms
        result, cost = await provider_fields.ask_chat(ctx, config, messages, params)
        usage = {"model": result.model or config.model, "prompt_tokens": result.usage.prompt_tokens,
                 "completion_tokens": result.usage.completion_tokens, "total_tokens": result.usage.total_tokens,
                 "cost": cost, "finish_reason": result.finish_reason}
        return {"text": result.text, "usage": usage}
