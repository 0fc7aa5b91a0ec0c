"""``merge``: join the branches of a router back into one value.

Four optional inputs ``a``..``d`` (one handle per branch reads better on a canvas than one
``many`` port, and keeps the order explicit). The node runs even when some inputs were
skipped (``partial_inputs``) and passes on the first input, in a-b-c-d order, that has a value.
"""
from __future__ import annotations

from typing import Any

from builder.nodes.base import EmptyConfig, Node, NodeContext, Port

MERGE_PORTS = ("a", "b", "c", "d")


class MergeNode(Node[EmptyConfig]):
    type = "merge"
    title = "Merge"
    category = "Flow"
    description = "Pass on the first input that has a value (joins router branches)."
    inputs = tuple(Port(name, "any", required=False) for name in MERGE_PORTS)
    outputs = (Port("value", "any"),)
    partial_inputs = True

    async def run(self, ctx: NodeContext, config: EmptyConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        for name in MERGE_PORTS:
            if inputs.get(name) is not None:
                return {"value": inputs[name]}
        return {}  # nothing arrived: not produced, so downstream is skipped too
