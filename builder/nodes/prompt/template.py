"""``prompt.template``: a Jinja2 template whose variables become input ports.

Rendered within hard limits (:mod:`builder.nodes.support.templating`): in-process when the template is
provably cheap, else in the render pool, never holding the engine's event loop. Template injection,
runaway loops, huge numbers or outputs fail as ``NodeError(kind="template")``.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, Port
from builder.nodes.support import templating, widgets


class PromptTemplateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: str = Field("", description="Jinja2; every {{ variable }} becomes an input port.",
                          json_schema_extra=widgets.template())
    role: Literal["user", "system", "assistant"] = Field("user", description="Role of the message on `messages`.")

    @field_validator("template")
    @classmethod
    def _parses(cls, value: str) -> str:
        templating.variables(value)  # raises ValueError naming the line of a syntax error
        return value


class PromptTemplateNode(Node[PromptTemplateConfig]):
    type = "prompt.template"
    title = "Prompt template"
    category = "Prompts"
    description = "Fill a Jinja2 template; each variable is an input."
    Config = PromptTemplateConfig
    outputs = (Port("text", "text"), Port("messages", "messages"))
    dynamic_ports = True

    def input_ports(self, config: PromptTemplateConfig) -> list[Port]:
        return [Port(name, "any") for name in templating.variables(config.template)]

    async def run(self, ctx: NodeContext, config: PromptTemplateConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        text = await templating.render_async(config.template, inputs)
        return {"text": text, "messages": [{"role": config.role, "content": text}]}
