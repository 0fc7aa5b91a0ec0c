"""``llm.chat``: one chat completion from any provider, streamed token by token."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes import provider_fields
from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.providers import pricing
from builder.providers.base import ChatParams, ProviderError


class LlmChatConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = Field("fake", description="fake, openai, openai_compatible, cohere or anthropic.")
    model: str = Field("fake-small", min_length=1, max_length=200, json_schema_extra={"x-models": "chat"})
    credential: str | None = Field(None, max_length=200, description="The id of a stored credential.")
    base_url: str | None = Field(None, max_length=2000, description="For OpenAI-compatible or local servers.")
    system: str | None = Field(None, max_length=200_000, description="A system message sent first.")
    temperature: float | None = Field(None, ge=0, le=2, allow_inf_nan=False)
    max_tokens: int | None = Field(None, ge=1, le=1_000_000)
    stop: list[str] | None = Field(None, max_length=8)
    seed: int | None = None
    json_mode: bool = Field(False, description="Ask the model for a JSON object.")
    latency_ms: int = Field(0, ge=0, le=600_000, description="Simulated latency (fake provider only).")

    @field_validator("provider")
    @classmethod
    def _known_chat_provider(cls, value: str) -> str:
        return provider_fields.known_provider(value, "chat")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return provider_fields.http_url(value)


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


class LlmChatNode(Node):
    type = "llm.chat"
    title = "LLM chat"
    category = "Models"
    description = "Ask a chat model; streams its answer and records tokens and cost."
    Config = LlmChatConfig
    inputs = (Port("prompt", "text", required=False, description="Sent as the last user message."),
              Port("messages", "messages", required=False, description="A conversation to continue."))
    outputs = (Port("text", "text"), Port("usage", "json"))

    async def run(self, ctx: NodeContext, config: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        messages = _messages(config, inputs)
        params = ChatParams(model=config.model, temperature=config.temperature, max_tokens=config.max_tokens,
                            stop=config.stop, seed=config.seed, response_format="json" if config.json_mode else None)
        if config.provider == "fake" and config.latency_ms:
            params.extra["latency_ms"] = config.latency_ms
        try:
            client = ctx.services.chat(config.provider, config.credential, config.base_url)
            result = await client.complete(messages, params, on_token=ctx.token,
                                           on_retry=lambda _attempt, _err: ctx.void_tokens())
        except ProviderError as exc:
            raise NodeError(exc.message, kind=exc.kind, retryable=exc.retryable) from exc
        cost = pricing.cost(result.model or config.model, result.usage)
        ctx.usage(model=result.model or config.model, prompt_tokens=result.usage.prompt_tokens,
                  completion_tokens=result.usage.completion_tokens, cost=cost)
        usage = {"model": result.model or config.model, "prompt_tokens": result.usage.prompt_tokens,
                 "completion_tokens": result.usage.completion_tokens, "total_tokens": result.usage.total_tokens,
                 "cost": cost, "finish_reason": result.finish_reason}
        return {"text": result.text, "usage": usage}
