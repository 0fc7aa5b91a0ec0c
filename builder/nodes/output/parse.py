"""``output.parse``: read a model's answer as JSON and check it against a JSON Schema.

Tolerates a Markdown code fence and prose around one JSON value. When the answer does not parse
or does not match and a repair model is set, that model is shown the schema, the answer and the
error once; its reply is parsed and checked the same way. A failure names the field at fault as
a JSON path (``$.items[2].price``).
"""
from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import provider_fields
from builder.providers.base import ChatParams

MAX_SCHEMA_CHARS = 100_000
_FENCE = re.compile(r"```[ \t]*(?:json|JSON|json5)?[ \t]*\n(.*?)```", re.DOTALL)


class RepairModel(provider_fields.ChatModelConfig):
    """The chat model asked to fix an answer that does not match."""


class OutputParseConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    json_schema: dict[str, Any] = Field(default_factory=lambda: {"type": "object"},
                                        description="The JSON Schema the answer must match.")
    repair: RepairModel | None = Field(None, description="A model asked once to fix an answer that does not match.")

    @field_validator("json_schema")
    @classmethod
    def _valid_schema(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value)) > MAX_SCHEMA_CHARS:
            raise ValueError(f"the schema is longer than {MAX_SCHEMA_CHARS:,} characters")
        try:
            jsonschema.validators.validator_for(value).check_schema(value)
        except jsonschema.SchemaError as exc:
            raise ValueError(f"not a valid JSON Schema: {exc.message}") from None
        return value


class Invalid(Exception):
    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.message = message
        self.path = path


def extract_json(text: str) -> Any:
    """The one JSON value in ``text``: the whole text, a fenced block, or the first ``{``/``[`` span."""
    stripped = text.strip()
    candidates = [stripped]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[\[{]", stripped):
        try:
            return decoder.raw_decode(stripped, match.start())[0]
        except ValueError:
            continue
    try:
        json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise Invalid(f"the answer is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", "$") from None
    raise Invalid("the answer is not JSON", "$")


def json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if re.fullmatch(r"\w+", str(part))
                                                         else f"[{json.dumps(str(part))}]")
    return out


def check(text: str, schema: dict[str, Any]) -> Any:
    value = extract_json(text)
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = best_match(validator.iter_errors(value))
    if error is not None:
        path = json_path(error.absolute_path)
        raise Invalid(f"{path}: {error.message}", path)
    return value


async def _repair(ctx: NodeContext, repair: RepairModel, schema: dict[str, Any], text: str, problem: str) -> str:
    messages = [
        {"role": "system", "content": "You correct JSON so that it matches a JSON Schema. "
                                      "Answer with the corrected JSON only, no explanation."},
        {"role": "user", "content": f"JSON Schema:\n{json.dumps(schema, indent=2)}\n\nAnswer to correct:\n{text}\n\n"
                                    f"Problem: {problem}"},
    ]
    params = ChatParams(model=repair.model, response_format="json" if repair.provider == "openai" else None)
    result, _ = await provider_fields.ask_chat(ctx, repair, messages, params, stream=False,
                                               failure="the repair model failed: ")
    return str(result.text)


class OutputParseNode(Node[OutputParseConfig]):
    type = "output.parse"
    title = "Parse JSON output"
    category = "Models"
    description = "Parse a model's answer as JSON matching a schema; optionally ask a model once to fix it."
    Config = OutputParseConfig
    inputs = (Port("text", "text", description="The model's answer."),)
    outputs = (Port("value", "json"), Port("text", "text", description="The value as compact JSON text."))

    async def run(self, ctx: NodeContext, config: OutputParseConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        text = inputs.get("text")
        if not isinstance(text, str):
            text = json.dumps(text)
        try:
            value = check(text, config.json_schema)
        except Invalid as first:
            if config.repair is None:
                raise NodeError(first.message, kind="invalid_output", field=first.path) from None
            fixed = await _repair(ctx, config.repair, config.json_schema, text, first.message)
            try:
                value = check(fixed, config.json_schema)
            except Invalid as second:
                raise NodeError(f"{second.message} (still wrong after one repair attempt)",
                                kind="invalid_output", field=second.path) from None
        return {"value": value, "text": json.dumps(value, ensure_ascii=False)}
