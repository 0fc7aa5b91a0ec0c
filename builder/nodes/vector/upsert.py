"""``vector.upsert``: store texts with their embeddings (and metadata) in a workspace collection."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port, list_of
from builder.nodes.vector._common import call_store, collection_field, text_id, valid_collection

_SCALARS = (str, int, float, bool)


class VectorUpsertConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: str = collection_field()

    @field_validator("collection")
    @classmethod
    def _name(cls, value: str) -> str:
        return valid_collection(value)


def _metadatas(value: Any, n: int) -> list[dict[str, Any] | None] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != n:
        raise NodeError(f"metadatas must be a list with one object (or null) per text ({n})",
                        kind="bad_input", field="metadatas")
    for i, meta in enumerate(value):
        if meta is None:
            continue
        if not isinstance(meta, dict) or not all(
                isinstance(k, str) and isinstance(v, _SCALARS) for k, v in meta.items()):
            raise NodeError(f"metadatas[{i}] must map names to text, numbers or booleans",
                            kind="bad_input", field="metadatas")
    return value


def _rows(inputs: dict[str, Any]) -> tuple[list[str], list[str], list[Any], list[dict[str, Any] | None] | None]:
    texts, embeddings, ids = inputs["texts"], inputs["embeddings"], inputs.get("ids")
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise NodeError("texts must be a list of text", kind="bad_input", field="texts")
    if not isinstance(embeddings, list) or len(embeddings) != len(texts):
        raise NodeError(f"embeddings must be a list with one vector per text ({len(texts)})",
                        kind="bad_input", field="embeddings")
    metadatas = _metadatas(inputs.get("metadatas"), len(texts))
    if ids is None:
        ids, keep = [], {}
        for i, text in enumerate(texts):  # the same text twice is one item (same id)
            keep[text_id(text)] = i
        picked = sorted(keep.values())
        ids = [text_id(texts[i]) for i in picked]
        texts, embeddings = [texts[i] for i in picked], [embeddings[i] for i in picked]
        metadatas = [metadatas[i] for i in picked] if metadatas is not None else None
    elif (not isinstance(ids, list) or len(ids) != len(texts)
          or not all(isinstance(i, str) and i for i in ids)):
        raise NodeError(f"ids must be a list of non-empty text, one per text ({len(texts)})",
                        kind="bad_input", field="ids")
    elif len(set(ids)) != len(ids):
        raise NodeError("ids must be unique", kind="bad_input", field="ids")
    return ids, texts, embeddings, metadatas


class VectorUpsertNode(Node[VectorUpsertConfig]):
    type = "vector.upsert"
    title = "Vector store: upsert"
    category = "Data"
    description = "Store texts and their embeddings in a collection of this workspace (created on first use)."
    Config = VectorUpsertConfig
    inputs = (Port("texts", list_of("text")),
              Port("embeddings", list_of("embedding")),
              Port("metadatas", "json", required=False, description="One object (or null) per text."),
              Port("ids", list_of("text"), required=False, description="Default: a hash of each text."))
    outputs = (Port("count", "json", description="How many items were written."), Port("ids", list_of("text")))

    async def run(self, ctx: NodeContext, config: VectorUpsertConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        ids, texts, embeddings, metadatas = _rows(inputs)
        count = await call_store(ctx.services.vectors().upsert, config.collection, ids, texts, embeddings, metadatas)
        return {"count": count, "ids": ids}
