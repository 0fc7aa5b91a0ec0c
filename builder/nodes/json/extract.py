"""``json.extract``: pick a value out of JSON by path (``a.b[0].c``, ``$.rows[*].id``)."""
from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import json_path


class JsonExtractConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field("", description="Like a.b[0].c; empty for the whole value.")
    default: Any = Field(None, description="Returned when the path is missing (if set).")
    parse: bool = Field(False, description="Parse a text input as JSON first.")

    @field_validator("path")
    @classmethod
    def _parses(cls, value: str) -> str:
        json_path.parse(value)  # PathError is a ValueError naming the position
        return value


class JsonExtractNode(Node[JsonExtractConfig]):
    type = "json.extract"
    title = "Extract JSON"
    category = "Data"
    description = "Read one value out of a JSON object by path."
    Config = JsonExtractConfig
    inputs = (Port("value", "any"),)
    outputs = (Port("value", "any"),)

    async def run(self, ctx: NodeContext, config: JsonExtractConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        value = inputs.get("value")
        if config.parse and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise NodeError(f"the input is not valid JSON: {exc}", kind="bad_input", field="value") from None
        try:
            return {"value": json_path.get(value, config.path)}
        except json_path.Missing as missing:
            if "default" in config.model_fields_set:
                return {"value": config.default}
            raise NodeError(f"path {config.path!r} not found in the input (found up to {missing.at})",
                            kind="bad_input", field="path") from None
