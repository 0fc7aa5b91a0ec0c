"""Config fields and checks shared by every node that calls a model provider, and the one way a
node asks a chat model (errors as node errors, streamed tokens, usage and cost recorded)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.netguard import base_url_problem
from builder.nodes.base import NodeContext, NodeError
from builder.nodes.support import widgets
from builder.providers import pricing
from builder.providers.base import ChatParams, ChatResult, ProviderError
from builder.providers.registry import PROVIDERS


def known_provider(value: str, kind: str) -> str:
    """``value`` if it names a provider offering ``kind`` ("chat" or "embeddings")."""
    known = sorted(name for name, p in PROVIDERS.items() if getattr(p, kind))
    if value not in known:
        label = "chat" if kind == "chat" else "embedding"
        raise ValueError(f"unknown {label} provider {value!r}; choose one of {', '.join(known)}")
    return value


def http_url(value: str | None) -> str | None:
    """A base URL (http or https with a host; no user name or password, query string or fragment),
    or None for empty. The provider client checks the same again when it is made."""
    if value in (None, ""):
        return None
    assert value is not None
    problem = base_url_problem(value)
    if problem:
        raise ValueError(f"base_url {problem}")
    return value


class ChatModelConfig(BaseModel):
    """The fields that pick a chat model; a node's config extends it with its own."""

    model_config = ConfigDict(extra="forbid")

    provider: str = Field("fake", description="fake, openai, openai_compatible, cohere or anthropic.",
                          json_schema_extra=widgets.provider("chat"))
    model: str = Field("fake-small", min_length=1, max_length=200, json_schema_extra=widgets.model("chat"))
    credential: str | None = Field(None, max_length=200, description="The id of a stored credential.",
                                   json_schema_extra=widgets.credential())
    base_url: str | None = Field(None, max_length=2000, description="For OpenAI-compatible or local servers.")

    @field_validator("provider")
    @classmethod
    def _known_chat_provider(cls, value: str) -> str:
        return known_provider(value, "chat")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return http_url(value)


async def ask_chat(ctx: NodeContext, config: ChatModelConfig, messages: list[dict[str, str]], params: ChatParams, *,
                   stream: bool = True, failure: str = "") -> tuple[ChatResult, float | None]:
    """One completion from the model ``config`` names, and its cost (None: unknown). With ``stream``
    its tokens go to the trace (voided when an attempt is retried). Usage is recorded on ``ctx``; a
    provider error fails the node with its kind, its message prefixed by ``failure``."""
    try:
        client = await ctx.services.chat(config.provider, config.credential, config.base_url)
        if stream:
            result = await client.complete(messages, params, on_token=ctx.token,
                                           on_retry=lambda _attempt, _err: ctx.void_tokens())
        else:
            result = await client.complete(messages, params)
    except ProviderError as exc:
        raise NodeError(failure + exc.message, kind=exc.kind, retryable=exc.retryable) from exc
    used = result.model or config.model
    cost = pricing.cost(used, result.usage)
    ctx.usage(model=used, prompt_tokens=result.usage.prompt_tokens,
              completion_tokens=result.usage.completion_tokens, cost=cost)
    return result, cost
