"""``output``: one named result of the pipeline's run."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from builder.nodes.base import Node, NodeContext, Port
from builder.nodes.support.names import Identifier


class OutputConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Identifier = Field("result", description="The key of this value in the run's outputs.")


class OutputNode(Node[OutputConfig]):
    type = "output"
    title = "Output"
    category = "Pipeline"
    description = "A result of the run, by name."
    Config = OutputConfig
    inputs = (Port("value", "any"),)

    def run_output(self, config: OutputConfig) -> str:
        return str(config.name)

    async def run(self, ctx: NodeContext, config: OutputConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"value": inputs["value"]}
