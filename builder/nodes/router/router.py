"""``router``: send a value down the first branch whose condition matches, else the default.

Ops: ``contains`` / ``equals`` / ``regex`` test the value as text (JSON text for non-strings);
``json_field`` reads the dotted ``field`` of the value (parsing text as JSON) and compares it with
``value`` as text, or, when ``value`` is empty, checks that the field exists and is truthy.
Branches not chosen are not produced, so their downstream is skipped.
"""
from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import json_path, safe_regex
from builder.nodes.support.names import Identifier


class Branch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Identifier
    op: Literal["contains", "equals", "regex", "json_field"] = "contains"
    value: str = Field("", max_length=10_000)
    field: str | None = Field(None, max_length=json_path.MAX_PATH_CHARS, description="json_field only.")
    case_sensitive: bool = False

    @field_validator("value")
    @classmethod
    def _regex_compiles(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("op") == "regex":
            problem = safe_regex.check(value)
            if problem:
                raise ValueError(f"branch {info.data.get('name')!r}: the regex {problem}")
        return value

    @model_validator(mode="after")
    def _field_for_json(self) -> Branch:
        if self.op == "json_field":
            if not self.field:
                raise ValueError(f"branch {self.name!r}: json_field needs a field path")
            try:
                json_path.parse(self.field)
            except json_path.PathError as exc:
                raise ValueError(f"branch {self.name!r}: {exc}") from None
        return self


class RouterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    branches: list[Branch] = Field(default_factory=lambda: [Branch(name="yes", op="contains", value="yes", field=None)],
                                   min_length=1, max_length=32)
    default_branch: Identifier = "default"

    @model_validator(mode="after")
    def _unique_names(self) -> RouterConfig:
        seen: set[str] = set()
        for branch in self.branches:
            if branch.name in seen:
                raise ValueError(f"two branches are named {branch.name!r}")
            seen.add(branch.name)
        if self.default_branch in seen:
            raise ValueError(f"the default branch {self.default_branch!r} has the same name as a branch")
        return self


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def matches(branch: Branch, value: Any) -> bool:
    if branch.op == "json_field":
        data = value
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                return False
        try:
            found = json_path.get(data, branch.field or "")
        except json_path.Missing:
            return False
        if branch.value == "":
            return bool(found)
        subject, expected = _as_text(found), branch.value
    else:
        subject, expected = _as_text(value), branch.value
    if branch.op == "regex":
        pattern = safe_regex.compile(expected, 0 if branch.case_sensitive else safe_regex.IGNORECASE)
        return safe_regex.search(pattern, subject) is not None
    if not branch.case_sensitive:
        subject, expected = subject.casefold(), expected.casefold()
    if branch.op == "contains":
        return expected in subject
    return subject.strip() == expected.strip()


class RouterNode(Node[RouterConfig]):
    type = "router"
    title = "Router"
    category = "Flow"
    description = "Send the value down the first branch that matches; the others are skipped."
    Config = RouterConfig
    inputs = (Port("value", "any"),)
    dynamic_ports = True

    def output_ports(self, config: RouterConfig) -> list[Port]:
        return [Port(b.name, "any") for b in config.branches] + [Port(config.default_branch, "any")]

    async def run(self, ctx: NodeContext, config: RouterConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        value = inputs.get("value")
        for branch in config.branches:
            try:
                chosen = matches(branch, value)
            except safe_regex.RegexTimeout as exc:
                raise NodeError(f"branch {branch.name!r}: {exc}", kind="config", field="branches") from None
            if chosen:
                return {branch.name: value}
        return {config.default_branch: value}
