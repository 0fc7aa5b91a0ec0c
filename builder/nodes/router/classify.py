"""``router.classify``: a router whose branch is chosen by a chat model.

Each category has a name (its output port) and a description. The model is shown the categories
in the system message and the value as the user message, and asked for the category's name. The
answer is matched to a category: the whole answer (quotes, backticks and a trailing full stop
ignored), else the category name that occurs first in it as a word, case-insensitively. An answer
that names no category goes to the default branch, and ``label`` says what was chosen, so a
pipeline can show or log it. Branches not chosen are not produced: their downstream is skipped, as
with ``router``. Tokens and cost are recorded as for ``llm.chat``.
"""
from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import provider_fields, widgets
from builder.nodes.support.names import Identifier
from builder.providers.base import ChatParams

RESERVED = frozenset({"label", "value"})
MAX_VALUE_CHARS = 100_000


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Identifier
    description: str = Field("", max_length=2_000, description="What belongs here, in a sentence.",
                             json_schema_extra=widgets.textarea())


class ClassifyConfig(provider_fields.ChatModelConfig):
    categories: list[Category] = Field(
        default_factory=lambda: [Category(name="question", description="The text asks something."),
                                 Category(name="complaint", description="The text reports a problem.")],
        min_length=1, max_length=32)
    default_branch: Identifier = Field("other", description="Taken when the answer names no category.")
    instructions: str | None = Field(None, max_length=20_000, description="Extra guidance for the model.",
                                     json_schema_extra=widgets.textarea())

    @field_validator("categories")
    @classmethod
    def _distinct_names(cls, categories: list[Category]) -> list[Category]:
        seen: set[str] = set()
        for category in categories:
            if category.name in RESERVED:
                raise ValueError(f"category {category.name!r}: that name is the node's own output")
            if category.name.casefold() in seen:
                raise ValueError(f"two categories are named {category.name!r} (names are compared ignoring case)")
            seen.add(category.name.casefold())
        return categories

    @field_validator("default_branch")
    @classmethod
    def _not_a_category(cls, value: str, info: ValidationInfo) -> str:
        if value in RESERVED:
            raise ValueError(f"the default branch cannot be named {value!r}")
        if any(c.name.casefold() == value.casefold() for c in info.data.get("categories") or []):
            raise ValueError(f"the default branch {value!r} has the same name as a category")
        return value


def system_prompt(config: ClassifyConfig) -> str:
    lines = ["You are a classifier. Read the user's text and choose the one category that fits it best.",
             "", "Categories:"]
    for category in config.categories:
        lines.append(f"- {category.name}: {category.description}" if category.description else f"- {category.name}")
    if config.instructions:
        lines += ["", config.instructions.strip()]
    lines += ["", "Answer with the category's name only, exactly as written above. "
              f"If none fits, answer {config.default_branch}."]
    return "\n".join(lines)


def choose(answer: str, names: list[str]) -> str | None:
    """The category ``answer`` names, or None."""
    by_key = {name.casefold(): name for name in names}
    whole = answer.strip().strip("`'\"*").strip().rstrip(".").strip().casefold()
    if whole in by_key:
        return by_key[whole]
    best: tuple[int, str] | None = None
    for key, name in by_key.items():
        found = re.search(rf"(?<![A-Za-z0-9_]){re.escape(key)}(?![A-Za-z0-9_])", answer.casefold())
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), name)
    return best[1] if best else None


class ClassifyNode(Node[ClassifyConfig]):
    type = "router.classify"
    title = "Classify (model router)"
    category = "Flow"
    description = "Ask a chat model which category the value belongs to and send it down that branch."
    Config = ClassifyConfig
    inputs = (Port("value", "any", description="What to classify (JSON for non-text values)."),)
    dynamic_ports = True

    def output_ports(self, config: ClassifyConfig) -> list[Port]:
        return ([Port(c.name, "any") for c in config.categories] + [Port(config.default_branch, "any")]
                + [Port("label", "text", description="The branch taken.")])

    async def run(self, ctx: NodeContext, config: ClassifyConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        value = inputs.get("value")
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        if len(text) > MAX_VALUE_CHARS:
            raise NodeError(f"the value is longer than {MAX_VALUE_CHARS:,} characters; summarise it first",
                            kind="bad_input", field="value")
        messages = [{"role": "system", "content": system_prompt(config)}, {"role": "user", "content": text}]
        params = ChatParams(model=config.model, temperature=0, max_tokens=50)
        result, _ = await provider_fields.ask_chat(ctx, config, messages, params)
        chosen = choose(result.text, [c.name for c in config.categories]) or config.default_branch
        return {chosen: value, "label": chosen}
