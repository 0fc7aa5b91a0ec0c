from __future__ import annotations

import pytest

from builder.nodes.base import NodeError
from builder.nodes.catalog import registry


def test_it_joins_texts_with_a_blank_line_by_default(run):
    assert run("text.join", {}, {"texts": ["a", "b", "c"]}) == {"text": "a\n\nb\n\nc"}


def test_it_flattens_lists_from_several_edges(run):
    assert run("text.join", {"separator": " | "}, {"texts": [["a", "b"], "c"]}) == {"text": "a | b | c"}


def test_it_renders_each_item_through_its_template(run):
    out = run("text.join", {"separator": "\n", "template": "{{ index }}. {{ item }}"}, {"texts": ["x", "y"]})
    assert out == {"text": "1. x\n2. y"}


def test_it_writes_non_text_items_as_json(run):
    assert run("text.join", {"separator": ","}, {"texts": [{"a": 1}, 2]}) == {"text": '{"a": 1},2'}


def test_its_input_accepts_many_edges_of_text_lists():
    [port] = registry.get("text.join").inputs
    assert (port.name, port.type, port.many) == ("texts", "list[text]", True)


def test_its_item_template_is_sandboxed(run):
    with pytest.raises(NodeError) as caught:
        run("text.join", {"template": "{{ item.__class__ }}"}, {"texts": ["x"]})
    assert caught.value.kind == "template"


def test_a_broken_item_template_is_a_config_error(config_errors):
    assert "line 1" in config_errors("text.join", {"template": "{% for %}"})["template"]
