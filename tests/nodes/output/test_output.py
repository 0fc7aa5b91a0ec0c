"""``output``: passes its value on and names the run output it fills."""
from __future__ import annotations

from builder.nodes.catalog import registry


def test_an_output_passes_its_value_on_and_names_the_run_output(run):
    spec = registry.get("output")
    assert spec.run_output(spec.parse_config({"name": "summary"})) == "summary"
    assert run("output", {"name": "summary"}, {"value": [1, 2]}) == {"value": [1, 2]}
