"""``merge``: the first input that has a value, run even when some branches were skipped."""
from __future__ import annotations

from builder.nodes.catalog import registry


def test_merge_passes_on_the_first_input_that_has_a_value(run):
    assert run("merge", {}, {"b": "from b", "d": "from d"}) == {"value": "from b"}
    assert run("merge", {}, {"a": 0}) == {"value": 0}


def test_merge_produces_nothing_when_no_input_arrived(run):
    assert run("merge", {}, {}) == {}


def test_merge_runs_with_partial_inputs_and_needs_none():
    spec = registry.get("merge")
    assert spec.partial_inputs
    assert all(not p.required for p in spec.inputs)
