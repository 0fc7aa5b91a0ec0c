"""``input``: one named input of the pipeline's run (``POST .../runs {"inputs": {name: value}}``)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import port_values, widgets
from builder.nodes.support.names import Identifier, PortType


class InputConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Identifier = Field(description="The key of this input in the run's inputs.")
    type: PortType = Field("text", description="The port type of the value.")
    required: bool = Field(True, description="A run without this input is refused (unless a default is set).")
    default: Any = Field(None, description="Used when the run does not give this input.")
    description: str = Field("", max_length=2000, json_schema_extra=widgets.textarea())

    @model_validator(mode="after")
    def _default_fits_type(self) -> InputConfig:
        if self.default is not None and not port_values.fits(self.type, self.default):
            raise ValueError(f"the default must be {port_values.describe(self.type)} to match type {self.type}")
        return self


class InputNode(Node[InputConfig]):
    """A run input. An optional input that the run leaves out (and that has no default) is not
    produced, so the nodes that read it are skipped."""

    type = "input"
    title = "Input"
    category = "Pipeline"
    description = "A value given to each run of the pipeline, by name."
    Config = InputConfig
    outputs = (Port("value", "any"),)  # the palette's placeholder; the real type comes from config

    def output_ports(self, config: InputConfig) -> list[Port]:
        return [Port("value", config.type, description=config.description)]

    def run_input(self, config: InputConfig) -> tuple[str, str, bool]:
        return (config.name, config.type, bool(config.required and config.default is None))

    def run_input_details(self, config: InputConfig) -> tuple[Any, str]:
        return config.default, config.description

    async def run(self, ctx: NodeContext, config: InputConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        if config.name in ctx.run_inputs:
            return {"value": ctx.run_inputs[config.name]}
        if config.default is not None:
            return {"value": config.default}
        if config.required:
            raise NodeError(f"the run input {config.name!r} is required but was not given",
                            kind="bad_input", field=config.name)
        return {}
