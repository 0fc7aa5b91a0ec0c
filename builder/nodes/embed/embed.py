"""``embed``: texts → embeddings, from any embedding provider (local MiniLM by default, offline)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port, list_of
from builder.nodes.support import provider_fields, widgets
from builder.providers import pricing
from builder.providers.base import ProviderError

DEFAULT_MODELS = {"local": "all-minilm-l6-v2", "fake": "fake-embed", "openai": "text-embedding-3-small",
                  "openai_compatible": "", "cohere": "embed-english-v3.0"}
MAX_TEXTS = 20_000


class EmbedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = Field("local", description="local (offline MiniLM), fake, openai, openai_compatible or cohere.",
                          json_schema_extra=widgets.provider("embeddings"))
    model: str = Field("", max_length=200, json_schema_extra=widgets.model("embeddings"),
                       description="Empty: the provider's default embedding model. Local: all-minilm-l6-v2 (default)"
                       " or minilm-static-256 (many times faster, somewhat weaker retrieval; "
                       "query with the model that filled the collection).")
    credential: str | None = Field(None, max_length=200, description="The id of a stored credential.",
                                   json_schema_extra=widgets.credential())
    base_url: str | None = Field(None, max_length=2000, description="For OpenAI-compatible servers.")
    input_type: Literal["search_document", "search_query", "none"] = Field(
        "search_document", description="What the texts are for (Cohere uses it; others ignore it).")

    @field_validator("provider")
    @classmethod
    def _known_embedding_provider(cls, value: str) -> str:
        return provider_fields.known_provider(value, "embeddings")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return provider_fields.http_url(value)

    def model_name(self) -> str:
        return self.model or DEFAULT_MODELS.get(self.provider, "")


def _texts(inputs: dict[str, Any]) -> tuple[list[str], bool]:
    """The texts to embed and whether one ``text`` (not a list) was given."""
    many, one = inputs.get("texts"), inputs.get("text")
    if many is None and one is None:
        raise NodeError("connect texts (a list) or text", kind="bad_input", field="texts")
    if many is not None and one is not None:
        raise NodeError("connect texts or text, not both", kind="bad_input", field="text")
    if one is not None:
        if not isinstance(one, str):
            raise NodeError(f"text must be text, got {type(one).__name__}", kind="bad_input", field="text")
        return [one], True
    if not isinstance(many, list) or not all(isinstance(t, str) for t in many):
        raise NodeError("texts must be a list of text", kind="bad_input", field="texts")
    if len(many) > MAX_TEXTS:
        raise NodeError(f"at most {MAX_TEXTS} texts per node run", kind="bad_input", field="texts")
    return many, False


class EmbedNode(Node[EmbedConfig]):
    type = "embed"
    title = "Embed"
    category = "Models"
    description = "Turn texts into vectors (for a vector store). Works offline with local embeddings."
    Config = EmbedConfig
    inputs = (Port("texts", list_of("text"), required=False, description="Many texts (e.g. chunks)."),
              Port("text", "text", required=False, description="One text (e.g. a question)."))
    outputs = (Port("embeddings", list_of("embedding"), description="One vector per text, when texts is given."),
               Port("embedding", "embedding", description="The vector, when text is given."))

    async def run(self, ctx: NodeContext, config: EmbedConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        texts, single = _texts(inputs)
        model = config.model_name()
        if not model:
            raise NodeError("name the embedding model this server serves", kind="bad_input", field="model")
        input_type = None if config.input_type == "none" else config.input_type
        try:
            client = await ctx.services.embedder(config.provider, config.credential, config.base_url)
            result = await client.embed(texts, model, input_type=input_type) if texts else None
        except ProviderError as exc:
            raise NodeError(exc.message, kind=exc.kind, retryable=exc.retryable) from exc
        if result is None:
            return {"embeddings": []}
        if len(result.vectors) != len(texts):
            raise NodeError(f"the provider returned {len(result.vectors)} vectors for {len(texts)} texts",
                            kind="provider", retryable=True)
        used = result.model or model
        ctx.usage(model=used, prompt_tokens=result.usage.prompt_tokens, completion_tokens=0,
                  cost=pricing.cost(used, result.usage))
        if single:
            return {"embedding": result.vectors[0]}
        return {"embeddings": result.vectors}
