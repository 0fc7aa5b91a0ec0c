"""input, output, text.constant and merge."""
from __future__ import annotations

import json

import pytest

from builder.nodes.base import NodeError
from builder.nodes.catalog import registry

from .conftest import FakeContext


def test_the_catalog_registers_every_node_type_once():
    assert {n.type for n in registry.latest()} == {
        "input", "output", "text.constant", "prompt.template", "llm.chat", "text.split", "text.join",
        "router", "router.classify", "merge", "json.extract", "embed", "vector.upsert", "vector.query", "vector.delete",
        "http.request", "output.parse", "filter", "document.load", "memory.load", "memory.save"}
    entries = registry.describe()
    assert all(entry["config_schema"] for entry in entries)
    json.dumps(entries)  # served as-is by GET /api/node-types


def test_an_input_returns_the_run_input_of_its_name(run):
    ctx = FakeContext(run_inputs={"question": "why?"})
    assert run("input", {"name": "question"}, ctx=ctx) == {"value": "why?"}


def test_an_input_falls_back_to_its_default(run):
    assert run("input", {"name": "n", "type": "json", "default": {"k": 1}}) == {"value": {"k": 1}}


def test_a_missing_required_input_is_a_bad_input_naming_it(run):
    with pytest.raises(NodeError) as caught:
        run("input", {"name": "question"})
    assert caught.value.kind == "bad_input" and "question" in caught.value.message


def test_a_missing_optional_input_is_not_produced(run):
    assert run("input", {"name": "extra", "required": False}) == {}


def test_an_input_declares_its_run_input_and_typed_port():
    spec = registry.get("input")
    config = spec.parse_config({"name": "chunks", "type": "list[text]"})
    assert spec.run_input(config) == ("chunks", "list[text]", True)
    assert [(p.name, p.type) for p in spec.output_ports(config)] == [("value", "list[text]")]
    with_default = spec.parse_config({"name": "q", "default": "hi"})
    assert spec.run_input(with_default) == ("q", "text", False)


@pytest.mark.parametrize("config, field", [
    ({}, "name"),
    ({"name": "has space"}, "name"),
    ({"name": "1st"}, "name"),
    ({"name": "ok", "type": "number"}, "type"),
    ({"name": "ok", "type": "list[nope]"}, "type"),
    ({"name": "ok", "colour": "red"}, "colour"),
])
def test_an_input_rejects_bad_config_by_field(config_errors, config, field):
    assert field in config_errors("input", config)


def test_an_input_rejects_a_default_of_the_wrong_type(config_errors):
    errors = config_errors("input", {"name": "q", "type": "text", "default": 3})
    assert "default must be a string" in " ".join(errors.values())


def test_an_output_passes_its_value_on_and_names_the_run_output(run):
    spec = registry.get("output")
    assert spec.run_output(spec.parse_config({"name": "summary"})) == "summary"
    assert run("output", {"name": "summary"}, {"value": [1, 2]}) == {"value": [1, 2]}


def test_a_text_constant_outputs_its_text(run):
    assert run("text.constant", {"text": "hello"}) == {"text": "hello"}


def test_merge_passes_on_the_first_input_that_has_a_value(run):
    assert run("merge", {}, {"b": "from b", "d": "from d"}) == {"value": "from b"}
    assert run("merge", {}, {"a": 0}) == {"value": 0}


def test_merge_produces_nothing_when_no_input_arrived(run):
    assert run("merge", {}, {}) == {}


def test_merge_runs_with_partial_inputs_and_needs_none():
    spec = registry.get("merge")
    assert spec.partial_inputs
    assert all(not p.required for p in spec.inputs)
