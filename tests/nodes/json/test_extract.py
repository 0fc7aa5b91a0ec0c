from __future__ import annotations

import pytest

from builder.nodes.base import NodeError

DATA = {"a": {"b": [{"c": 1}, {"c": 2}]}, "odd key": {"x": None}, "rows": [{"id": 1}, {"id": 2}]}


@pytest.mark.parametrize("path, expected", [
    ("a.b[0].c", 1),
    ("$.a.b[-1].c", 2),
    ('["odd key"].x', None),
    ("$['odd key']", {"x": None}),
    ("rows[*].id", [1, 2]),
    ("a.b.1.c", 2),
    ("", DATA),
    ("$", DATA),
])
def test_it_reads_values_by_path(run, path, expected):
    assert run("json.extract", {"path": path}, {"value": DATA}) == {"value": expected}


def test_a_missing_path_is_a_bad_input_naming_the_path(run):
    with pytest.raises(NodeError) as caught:
        run("json.extract", {"path": "a.b[5].c"}, {"value": DATA})
    assert caught.value.kind == "bad_input"
    assert "a.b[5].c" in caught.value.message and "$.a.b" in caught.value.message


def test_a_default_replaces_a_missing_path_even_when_it_is_null(run):
    assert run("json.extract", {"path": "nope", "default": 0}, {"value": DATA}) == {"value": 0}
    assert run("json.extract", {"path": "nope", "default": None}, {"value": DATA}) == {"value": None}


def test_it_parses_text_as_json_when_asked(run):
    assert run("json.extract", {"path": "k", "parse": True}, {"value": '{"k": [1]}'}) == {"value": [1]}


def test_bad_json_text_is_a_clear_bad_input(run):
    with pytest.raises(NodeError) as caught:
        run("json.extract", {"path": "k", "parse": True}, {"value": '{"k": '})
    assert caught.value.kind == "bad_input" and "not valid JSON" in caught.value.message


def test_without_parse_text_is_not_an_object(run):
    with pytest.raises(NodeError):
        run("json.extract", {"path": "k"}, {"value": '{"k": 1}'})


@pytest.mark.parametrize("path", ["a..b", "a[x]", "a b", "[1", "a.b]"])
def test_a_malformed_path_is_a_config_error(config_errors, path):
    assert "path" in config_errors("json.extract", {"path": path})
