"""``text.join``: turn a list of texts (from one or several edges) back into one text."""
from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, Port, list_of
from builder.nodes.support import templating, widgets


class TextJoinConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    separator: str = Field("\n\n", max_length=10_000)
    template: str | None = Field(
        None, description="Optional Jinja2 applied to each item; it sees `item` and `index` (from 1).",
        json_schema_extra=widgets.template())

    @field_validator("template")
    @classmethod
    def _parses(cls, value: str | None) -> str | None:
        if value:
            templating.variables(value)
        return value or None


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _flatten(values: Any) -> list[Any]:
    if not isinstance(values, list):
        return [values]
    flat: list[Any] = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return flat


class TextJoinNode(Node[TextJoinConfig]):
    type = "text.join"
    title = "Join texts"
    category = "Text"
    description = "Join a list of texts with a separator (several edges may feed it)."
    Config = TextJoinConfig
    inputs = (Port("texts", list_of("text"), many=True, description="Texts or lists of texts, in edge order."),)
    outputs = (Port("text", "text"),)

    async def run(self, ctx: NodeContext, config: TextJoinConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        items = [item for item in _flatten(inputs.get("texts", [])) if item is not None]
        if config.template:
            # One render call for all items: at most one pool round trip, one time budget in all.
            texts = await templating.render_batch_async(
                config.template, [{"item": item, "index": i} for i, item in enumerate(items, start=1)])
        else:
            texts = [_as_text(item) for item in items]
        return {"text": config.separator.join(texts)}
