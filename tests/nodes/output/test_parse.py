"""``output.parse``: fenced and wrapped JSON, schema checks naming the field, one repair attempt."""
from __future__ import annotations

import json
from typing import Any

import pytest

from builder.nodes.base import NodeError
from builder.providers.base import ChatResult, Usage
from tests.nodes.kit import FakeContext, FakeServices

SCHEMA = {"type": "object", "required": ["name", "items"], "properties": {
    "name": {"type": "string"},
    "items": {"type": "array", "items": {"type": "object", "required": ["price"],
                                         "properties": {"price": {"type": "number"}}}}}}
GOOD = {"name": "cart", "items": [{"price": 1.5}]}


class ScriptedChat:
    def __init__(self, replies: list[str]):
        self.replies = replies
        self.calls: list[list[dict[str, str]]] = []

    async def complete(self, messages: list[dict[str, str]], params: Any, on_token: Any = None, **_: Any) -> ChatResult:
        self.calls.append(messages)
        return ChatResult(text=self.replies.pop(0), usage=Usage(prompt_tokens=50, completion_tokens=10),
                          finish_reason="stop", model=params.model)


class RepairServices(FakeServices):
    def __init__(self, replies: list[str]):
        super().__init__()
        self.client = ScriptedChat(replies)

    async def chat(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        self.requests.append((provider, credential, base_url))
        return self.client


@pytest.mark.parametrize("answer", [
    json.dumps(GOOD),
    f"```json\n{json.dumps(GOOD, indent=2)}\n```",
    f"Here you go:\n```\n{json.dumps(GOOD)}\n```\nAnything else?",
    f"Sure! {json.dumps(GOOD)} Hope that helps.",
])
def test_it_reads_json_plain_fenced_or_wrapped(run, answer):
    out = run("output.parse", {"json_schema": SCHEMA}, {"text": answer})
    assert out["value"] == GOOD and json.loads(out["text"]) == GOOD


def test_a_mismatch_names_the_field_path(run):
    with pytest.raises(NodeError) as caught:
        run("output.parse", {"json_schema": SCHEMA}, {"text": '{"name": "c", "items": [{"price": "cheap"}]}'})
    err = caught.value
    assert err.kind == "invalid_output" and err.field == "$.items[0].price"
    assert "'cheap' is not of type 'number'" in err.message


def test_a_missing_required_field_is_named(run):
    with pytest.raises(NodeError) as caught:
        run("output.parse", {"json_schema": SCHEMA}, {"text": '{"name": "c"}'})
    assert "'items' is a required property" in caught.value.message and caught.value.field == "$"


def test_text_that_is_not_json_says_where_it_broke(run):
    with pytest.raises(NodeError) as caught:
        run("output.parse", {"json_schema": SCHEMA}, {"text": "I cannot answer that."})
    assert caught.value.kind == "invalid_output" and "not JSON" in caught.value.message


def test_one_repair_attempt_shows_the_model_the_error_and_uses_its_fix(run):
    services = RepairServices([json.dumps(GOOD)])
    ctx = FakeContext(services=services)
    out = run("output.parse", {"json_schema": SCHEMA, "repair": {"provider": "fake", "model": "fixer"}},
              {"text": '{"name": "cart", "items": [{"price": "1.5"}]}'}, ctx=ctx)
    assert out["value"] == GOOD
    prompt = services.client.calls[0][-1]["content"]
    assert "$.items[0].price: '1.5' is not of type 'number'" in prompt and '"price": "1.5"' in prompt
    assert ctx.usages == [{"model": "fixer", "prompt_tokens": 50, "completion_tokens": 10, "cost": None}]


def test_a_failed_repair_fails_clearly_after_exactly_one_attempt(run):
    services = RepairServices(['{"name": 3, "items": []}', "unused"])
    with pytest.raises(NodeError) as caught:
        run("output.parse", {"json_schema": SCHEMA, "repair": {"provider": "fake"}}, {"text": "nope"},
            ctx=FakeContext(services=services))
    assert caught.value.field == "$.name" and "after one repair attempt" in caught.value.message
    assert len(services.client.calls) == 1


def test_a_valid_answer_never_calls_the_repair_model(run):
    services = RepairServices([])
    run("output.parse", {"json_schema": SCHEMA, "repair": {"provider": "fake"}}, {"text": json.dumps(GOOD)},
        ctx=FakeContext(services=services))
    assert services.client.calls == []


@pytest.mark.parametrize("config, field", [
    ({"json_schema": {"type": "nonsense"}}, "json_schema"),
    ({"json_schema": {"type": "object"}, "repair": {"provider": "nope"}}, "repair.provider"),
    ({"schema": {}}, "schema"),
])
def test_bad_config_is_reported_by_field(config_errors, config, field):
    errors = config_errors("output.parse", config)
    assert any(f and f.startswith(field) for f in errors), errors
