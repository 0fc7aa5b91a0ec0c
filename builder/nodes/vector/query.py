"""``vector.query``: the k nearest stored texts to an embedding, by cosine distance."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port, list_of
from builder.nodes.vector._common import call_store, check_where, collection_field, valid_collection


class VectorQueryConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: str = collection_field()
    k: int = Field(5, ge=1, le=100, description="How many matches to return.")
    where: dict[str, Any] | None = Field(None, description='Metadata filter, e.g. {"source": "book"}.')
    separator: str = Field("\n\n", max_length=100, description="Between documents in the context output.")

    @field_validator("collection")
    @classmethod
    def _name(cls, value: str) -> str:
        return valid_collection(value)


class VectorQueryNode(Node[VectorQueryConfig]):
    type = "vector.query"
    title = "Vector store: query"
    category = "Data"
    description = "Find the k stored texts nearest to an embedding; outputs them and a context for prompts."
    Config = VectorQueryConfig
    inputs = (Port("embedding", "embedding"),)
    outputs = (Port("documents", list_of("text"), description="Nearest first."),
               Port("matches", "json", description="[{id, text, distance, metadata}], nearest first."),
               Port("context", "text", description="The documents joined, for a prompt."))

    async def run(self, ctx: NodeContext, config: VectorQueryConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        vector = inputs["embedding"]
        if not isinstance(vector, list) or not vector or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in vector):
            raise NodeError("embedding must be a non-empty list of numbers", kind="bad_input", field="embedding")
        where = check_where(config.where)
        matches = await call_store(ctx.services.vectors().query, config.collection, vector, config.k, where)
        documents = [m.text or "" for m in matches]
        return {"documents": documents, "matches": [m.as_dict() for m in matches],
                "context": config.separator.join(documents)}
