"""``input``: the run input of its name, its default, or a clear error; config checked by field."""
from __future__ import annotations

import pytest

from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from tests.nodes.kit import FakeContext


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
