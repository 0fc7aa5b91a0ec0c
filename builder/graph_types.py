"""The parsed graph document: what validation produces and the engine consumes.

Plain Python (no Django). The JSON document is::

    {"schema": 1,
     "nodes": [{"id", "type", "version", "label", "config", "position", "map",
                "timeout_s", "retry"}],
     "edges": [{"id", "source", "source_port", "target", "target_port"}]}

``map`` is ``null`` or ``{"port": <input port name>, "concurrency": <1..64>}``;
``retry`` is ``null`` or ``{"attempts": <1..10>, "backoff_s": <0..60>}``; ``timeout_s`` is
``null`` or a number of seconds (0 < t <= 3600).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from builder.nodes.base import Node, Port


@dataclass(frozen=True, slots=True)
class GraphError:
    """One validation error, keyed so the canvas can paint it on a node or an edge."""

    code: str  # cycle, dangling_edge, duplicate_id, unknown_type, type_mismatch, missing_input, config, limit, schema
    message: str
    node: str | None = None
    edge: str | None = None
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "node": self.node, "edge": self.edge, "field": self.field}


@dataclass(frozen=True, slots=True)
class MapSpec:
    port: str
    concurrency: int = 8


@dataclass(frozen=True, slots=True)
class RetrySpec:
    attempts: int = 1
    backoff_s: float = 0.5


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    source: str
    source_port: str
    target: str
    target_port: str


@dataclass(slots=True)
class PlannedNode:
    """A node ready to execute: its spec, its validated config and its resolved ports."""

    id: str
    type: str
    version: int
    label: str
    spec: Node
    config: BaseModel
    inputs: list[Port]
    outputs: list[Port]
    map: MapSpec | None = None
    timeout_s: float | None = None
    retry: RetrySpec = field(default_factory=RetrySpec)

    def input_port(self, name: str) -> Port | None:
        return next((p for p in self.inputs if p.name == name), None)

    def output_port(self, name: str) -> Port | None:
        return next((p for p in self.outputs if p.name == name), None)


@dataclass(slots=True)
class Plan:
    """A valid graph: nodes in a topological order, edges indexed both ways."""

    nodes: dict[str, PlannedNode]
    edges: list[Edge]
    order: list[str]  # a topological order, ties broken by node id
    incoming: dict[str, list[Edge]]  # by target node id, in document order
    outgoing: dict[str, list[Edge]]  # by source node id, in document order

    def upstream(self, node_id: str) -> set[str]:
        return {e.source for e in self.incoming.get(node_id, [])}

    def downstream(self, node_id: str) -> set[str]:
        return {e.target for e in self.outgoing.get(node_id, [])}

    def run_inputs(self) -> list[tuple[str, str, bool]]:
        """(name, type, required) of each run input, from the ``input`` nodes."""
        found = []
        for node_id in self.order:
            node = self.nodes[node_id]
            spec = node.spec.run_input(node.config)
            if spec is not None:
                found.append(spec)
        return found

    def run_outputs(self) -> dict[str, str]:
        """Run output name -> node id, from the ``output`` nodes."""
        found = {}
        for node_id in self.order:
            node = self.nodes[node_id]
            name = node.spec.run_output(node.config)
            if name is not None:
                found[name] = node_id
        return found
