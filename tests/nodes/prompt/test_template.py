from __future__ import annotations

import re

import pytest

from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from builder.nodes.support import render_pool


def ports(template):
    spec = registry.get("prompt.template")
    return [p.name for p in spec.input_ports(spec.parse_config({"template": template}))]


def test_it_renders_variables_into_text_and_messages(run):
    out = run("prompt.template", {"template": "Summarize {{ topic }}:\n{{ text }}"}, {"topic": "x", "text": "y"})
    assert out == {"text": "Summarize x:\ny", "messages": [{"role": "user", "content": "Summarize x:\ny"}]}


def test_it_uses_the_configured_role_for_messages(run):
    out = run("prompt.template", {"template": "Be terse.", "role": "system"})
    assert out["messages"] == [{"role": "system", "content": "Be terse."}]


def test_its_variables_become_ports_in_order_of_first_appearance():
    assert ports("{{ b }} {{ a }} {{ b }} {% for x in items %}{{ x.name }}{% endfor %}{{ a.c }}") == ["b", "a", "items"]


def test_its_ports_leave_out_locals_and_sandbox_globals():
    assert ports("{% set n = 3 %}{% for i in range(n) %}{{ i }}{{ loop.index }}{% endfor %}{{ cycler }}") == []


def test_its_ports_are_dynamic_and_typed_any():
    spec = registry.get("prompt.template")
    assert spec.dynamic_ports
    assert all(p.type == "any" and p.required for p in spec.input_ports(spec.parse_config({"template": "{{ q }}"})))


def test_a_syntax_error_is_a_config_error_naming_the_line(config_errors):
    errors = config_errors("prompt.template", {"template": "line one\n{{ broken "})
    assert "line 2" in errors["template"]


@pytest.mark.parametrize("template", ["{% extends 'base' %}", "x\n{% include 'other' %}", "{% import 'm' as m %}",
                                      "{% from 'm' import f %}"])
def test_loading_other_templates_is_a_config_error(config_errors, template):
    assert "not available" in config_errors("prompt.template", {"template": template})["template"]


def test_a_template_over_the_length_limit_is_a_config_error(config_errors):
    errors = config_errors("prompt.template", {"template": "x" * 100_001})
    assert "limit" in errors["template"]


def test_it_renders_json_values_with_attribute_and_item_access(run):
    out = run("prompt.template", {"template": "{{ doc.title }} / {{ doc['tags'][0] }} / {{ items|join(', ') }}"},
              {"doc": {"title": "T", "tags": ["a"]}, "items": [1, 2]})
    assert out["text"] == "T / a / 1, 2"


def test_a_missing_attribute_is_a_template_error(run):
    with pytest.raises(NodeError) as caught:
        run("prompt.template", {"template": "{{ doc.missing }}"}, {"doc": {}})
    assert caught.value.kind == "template"


INJECTIONS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__dict__ }}",
    "{{ lipsum.__globals__['os'].system('id') }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ request.application.__globals__ }}",
    "{{ config.__class__.__init__.__globals__ }}",
    "{{ ().__class__.__bases__[0].__subclasses__() }}",
    "{{ 'abc'|attr('__class__') }}",
    "{{ x.__class__ }}",
    "{{ x.mro() }}",
    "{{ 'a'.format.__self__ }}",
    "{{ range.__self__ }}",
    "{% set f = ''.__class__ %}{{ f }}",
    "{{ {}.update(a=1) }}",
    "{{ x.append(1) }}",
]


@pytest.mark.parametrize("template", INJECTIONS)
def test_template_injection_fails_safely_as_a_template_error(run, template):
    variables = {p: "value" for p in ports(template)}
    with pytest.raises(NodeError) as caught:
        run("prompt.template", {"template": template}, variables)
    assert caught.value.kind == "template"
    assert caught.value.message


DENIALS = [
    "{% for i in range(10**9) %}x{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10**9 }}",
    "{{ [1] * 10**9 }}",
    "{{ 2**100000000 }}",
    "{{ ((10**1000)**1000)**1000 }}",
    "{{ 'x'|center(10**9) }}",
    "{{ '%*s'|format(10**9, 'a') }}",
    "{{ '%*s' % (10**9, 'a') }}",
    "{{ lipsum(10**6) }}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{{ 1/0 }}",
]


@pytest.mark.parametrize("template", DENIALS)
def test_runaway_templates_are_stopped_as_template_errors(run, template):
    with pytest.raises(NodeError) as caught:
        run("prompt.template", {"template": template})
    assert caught.value.kind == "template"


@pytest.fixture(autouse=True, scope="module")
def _stop_render_pool():
    yield
    render_pool.shutdown()  # the children this module started


BARE_OBJECTS = [
    "{{ lipsum }}",
    "{{ range }}",
    "{{ [lipsum, range] }}",
    "{{ lipsum ~ '' }}",
    "{{ '%s' % range }}",
    "{{ '{}'.format(lipsum) }}",
    "{{ text.upper }}",
    "{{ cycler(1) }} {{ joiner() }}",
    "{{ lipsum|string }}",
    "{{ [text.upper]|join(',') }}",
    "{{ text|map('upper') }}",
    "{% for x in [lipsum] %}{{ x }}{% endfor %}",
]


@pytest.mark.parametrize("template", BARE_OBJECTS)
def test_printing_a_function_or_object_shows_no_memory_address(run, template):
    out = run("prompt.template", {"template": template}, {p: "value" for p in ports(template)})
    assert not re.search(r"0x[0-9a-fA-F]{4,}", out["text"]), out["text"]

