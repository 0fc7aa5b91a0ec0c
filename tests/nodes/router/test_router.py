from __future__ import annotations

import pytest

from builder.nodes.catalog import registry


def route(branches, value, default="default"):
    return run_router({"branches": branches, "default_branch": default}, value)


@pytest.fixture(autouse=True)
def _bind(run):
    global run_router
    run_router = lambda config, value: run("router", config, {"value": value})  # noqa: E731


def test_it_sends_the_value_down_the_first_matching_branch_only():
    branches = [{"name": "refund", "op": "contains", "value": "refund"},
                {"name": "money", "op": "contains", "value": "money"}]
    assert route(branches, "I want a REFUND of my money") == {"refund": "I want a REFUND of my money"}


def test_it_uses_the_default_branch_when_nothing_matches():
    assert route([{"name": "a", "value": "zzz"}], "hello", default="other") == {"other": "hello"}


def test_contains_can_be_case_sensitive():
    branches = [{"name": "a", "op": "contains", "value": "Hello", "case_sensitive": True}]
    assert route(branches, "hello") == {"default": "hello"}
    assert route(branches, "Hello") == {"a": "Hello"}


def test_equals_compares_the_whole_trimmed_text():
    branches = [{"name": "yes", "op": "equals", "value": "yes"}]
    assert route(branches, " YES\n") == {"yes": " YES\n"}
    assert route(branches, "yes please") == {"default": "yes please"}


def test_regex_searches_the_text():
    branches = [{"name": "order", "op": "regex", "value": r"order #\d+"}]
    assert "order" in route(branches, "About Order #123 please")
    assert "default" in route(branches, "About order #abc")


def test_json_field_compares_a_dotted_path_of_objects_and_json_text():
    branches = [{"name": "urgent", "op": "json_field", "field": "meta.priority", "value": "high"}]
    assert "urgent" in route(branches, {"meta": {"priority": "HIGH"}})
    assert "urgent" in route(branches, '{"meta": {"priority": "high"}}')
    assert "default" in route(branches, {"meta": {}})
    assert "default" in route(branches, "not json")


def test_json_field_with_no_value_checks_the_field_is_truthy():
    branches = [{"name": "flagged", "op": "json_field", "field": "flags[0]"}]
    assert "flagged" in route(branches, {"flags": [True]})
    assert "default" in route(branches, {"flags": [False]})


def test_non_text_values_are_matched_as_json_text():
    assert "a" in route([{"name": "a", "op": "contains", "value": '"k": 1'}], {"k": 1})


def test_its_output_ports_are_the_branches_then_the_default():
    spec = registry.get("router")
    config = spec.parse_config({"branches": [{"name": "x"}, {"name": "y"}], "default_branch": "z"})
    assert [p.name for p in spec.output_ports(config)] == ["x", "y", "z"]
    assert spec.dynamic_ports


@pytest.mark.parametrize("config, field, phrase", [
    ({"branches": []}, "branches", "at least 1"),
    ({"branches": [{"name": "a"}, {"name": "a"}]}, None, "two branches are named 'a'"),
    ({"branches": [{"name": "default"}]}, None, "same name as a branch"),
    ({"branches": [{"name": "bad name"}]}, "branches.0.name", "pattern"),
    ({"branches": [{"name": "rx", "op": "regex", "value": "(unclosed"}]}, "branches.0.value", "branch 'rx'"),
    ({"branches": [{"name": "j", "op": "json_field"}]}, "branches.0", "needs a field path"),
    ({"branches": [{"name": "j", "op": "json_field", "field": "a..b"}]}, "branches.0", "unexpected"),
    ({"branches": [{"name": "o", "op": "startswith"}]}, "branches.0.op", "contains"),
])
def test_it_rejects_bad_branches_with_a_clear_message(config_errors, config, field, phrase):
    errors = config_errors("router", config)
    assert phrase in errors[field]


def test_a_backtracking_regex_fails_the_step_in_bounded_time_naming_the_branch():
    import time

    from builder.nodes.base import NodeError

    branches = [{"name": "evil", "op": "regex", "value": "(a|aa)+$"}]
    started = time.monotonic()
    with pytest.raises(NodeError) as caught:
        route(branches, "a" * 5000 + "!")
    assert time.monotonic() - started < 5
    assert "evil" in caught.value.message and "took longer" in caught.value.message
    assert caught.value.field == "branches"
