"""``text.constant``: a fixed piece of text."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from builder.nodes.base import Node, NodeContext, Port
from builder.nodes.support import widgets


class TextConstantConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field("", max_length=1_000_000, json_schema_extra=widgets.textarea())


class TextConstantNode(Node[TextConstantConfig]):
    type = "text.constant"
    title = "Text"
    category = "Text"
    description = "A fixed piece of text."
    Config = TextConstantConfig
    outputs = (Port("text", "text"),)

    async def run(self, ctx: NodeContext, config: TextConstantConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"text": config.text}
