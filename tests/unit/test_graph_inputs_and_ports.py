from __future__ import annotations

import pytest

from builder.graph import ports_for, validate, validate_inputs

from .graph_docs import doc, edge, node


@pytest.fixture
def plan():
    document = doc([node("q", "input", {"name": "question"}),
                    node("k", "input", {"name": "k", "type": "json", "required": False}),
                    node("c", "input", {"name": "chunks", "type": "list[text]"}),
                    node("m", "input", {"name": "history", "type": "messages", "default": []}),
                    node("o", "output", {"name": "answer"})],
                   [edge("e1", "q", "value", "o", "value")])
    plan, errors = validate(document)
    assert errors == []
    return plan


def fields(errors):
    return [(e.code, e.field) for e in errors]


def test_valid_inputs_pass(plan):
    assert validate_inputs(plan, {"question": "why?", "chunks": ["a"], "k": {"any": "json"}}) == []


def test_optional_inputs_and_inputs_with_defaults_may_be_left_out_or_null(plan):
    assert validate_inputs(plan, {"question": "q", "chunks": [], "k": None}) == []


def test_missing_required_inputs_are_named(plan):
    # in plan order: node "c" (chunks) comes before node "q" (question)
    assert fields(validate_inputs(plan, {})) == [("missing_input", "chunks"), ("missing_input", "question")]
    assert fields(validate_inputs(plan, None)) == [("missing_input", "chunks"), ("missing_input", "question")]


def test_unknown_input_names_are_reported(plan):
    errors = validate_inputs(plan, {"question": "q", "chunks": [], "qestion": "typo"})
    assert fields(errors) == [("unknown_input", "qestion")]
    assert "question" in errors[0].message


@pytest.mark.parametrize("inputs, field", [
    ({"question": 3, "chunks": []}, "question"),
    ({"question": "q", "chunks": "not a list"}, "chunks"),
    ({"question": "q", "chunks": ["a", 1]}, "chunks"),
    ({"question": "q", "chunks": [], "history": [{"role": "user"}]}, "history"),
])
def test_values_of_the_wrong_json_type_are_type_mismatches(plan, inputs, field):
    assert fields(validate_inputs(plan, inputs)) == [("type_mismatch", field)]


def test_inputs_that_are_not_an_object_are_a_schema_error(plan):
    assert fields(validate_inputs(plan, ["question"])) == [("schema", "inputs")]


def test_ports_for_derives_template_ports_from_config():
    inputs, outputs, errors = ports_for("prompt.template", None, {"template": "{{ question }} {{ context }}"})
    assert errors == []
    assert [p.name for p in inputs] == ["question", "context"]
    assert [p.name for p in outputs] == ["text", "messages"]


def test_ports_for_derives_router_outputs_from_branches():
    _, outputs, _ = ports_for("router", 1, {"branches": [{"name": "cheap"}], "default_branch": "premium"})
    assert [p.name for p in outputs] == ["cheap", "premium"]


def test_ports_for_reports_config_and_type_errors_with_no_ports():
    assert ports_for("prompt.template", None, {"template": "{{ oops"})[:2] == ([], [])
    assert [e.code for e in ports_for("prompt.template", None, {"template": "{{ oops"})[2]] == ["config"]
    assert [e.code for e in ports_for("nope", None, {})[2]] == ["unknown_type"]
    assert [e.code for e in ports_for(None, "x", 5)[2]] == ["schema"]
    assert [e.code for e in ports_for("input", None, "not a dict")[2]] == ["schema"]
