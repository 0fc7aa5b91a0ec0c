"""``vector.delete``: remove items from a workspace collection by id or metadata filter."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port, list_of
from builder.nodes.vector._common import call_store, check_where, collection_field, valid_collection


class VectorDeleteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: str = collection_field()
    where: dict[str, Any] | None = Field(None, description='Delete items whose metadata match, e.g. {"doc": "a"}.')

    @field_validator("collection")
    @classmethod
    def _name(cls, value: str) -> str:
        return valid_collection(value)


class VectorDeleteNode(Node[VectorDeleteConfig]):
    type = "vector.delete"
    title = "Vector store: delete"
    category = "Data"
    description = "Delete items of a collection by id, by metadata filter, or both."
    Config = VectorDeleteConfig
    inputs = (Port("ids", list_of("text"), required=False),)
    outputs = (Port("count", "json", description="How many items were deleted."),)

    async def run(self, ctx: NodeContext, config: VectorDeleteConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        ids = inputs.get("ids")
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
            raise NodeError("ids must be a list of text", kind="bad_input", field="ids")
        where = check_where(config.where)
        if not ids and where is None:
            raise NodeError("connect ids or set a where filter; nothing to delete", kind="bad_input", field="ids")
        count = await call_store(ctx.services.vectors().delete, config.collection, ids or None, where)
        return {"count": count}
