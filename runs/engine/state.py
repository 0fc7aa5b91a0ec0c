"""Per-node state of one run and the one readiness rule.

Plain Python (no Django). :class:`RunState` holds, for every node of a :class:`Plan`, its
state (see ``events.NODE_STATES``), its result once it succeeded, and how many upstream
nodes are still not terminal. Everything a node needs at run time is precomputed once
(:class:`NodeInfo`), so deciding a node costs O(its incoming edges), never O(graph).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.graph_types import Plan, PlannedNode
from builder.nodes.base import is_list

from .events import TERMINAL_NODE_STATES

FAILED_STATES: frozenset[str] = frozenset({"failed", "abandoned", "cancelled"})


@dataclass(slots=True)
class InEdge:
    """One incoming edge, resolved: where the value comes from and how it lands."""

    source: str
    source_port: str
    target_port: str
    many: bool  # the target port takes one entry per edge
    flatten: bool  # a list value from this source is spread into a ``many`` port


@dataclass(slots=True)
class NodeInfo:
    """What the scheduler needs about one node, computed once per run."""

    id: str
    node: PlannedNode
    in_edges: list[InEdge]
    downstream: tuple[str, ...]  # distinct targets, in edge order
    upstream_count: int  # distinct sources
    required: tuple[str, ...]  # required input port names
    many_ports: frozenset[str]


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of :meth:`RunState.decide`: ``ready`` with inputs, or a terminal skip."""

    state: str  # "ready" | "skipped" | "abandoned"
    reason: str = ""
    inputs: dict[str, Any] | None = None


def build_infos(plan: Plan) -> dict[str, NodeInfo]:
    # Whether a source's values are spread into ``many`` ports, by (node, port): a mapped
    # source emits lists whatever its declared type; an ``any`` source may.
    spreads: dict[str, dict[str, bool]] = {}
    for node_id, node in plan.nodes.items():
        mapped = node.map is not None
        spreads[node_id] = {p.name: mapped or p.type == "any" or is_list(p.type) for p in node.outputs}
    infos: dict[str, NodeInfo] = {}
    incoming = plan.incoming
    outgoing = plan.outgoing
    for node_id in plan.order:
        node = plan.nodes[node_id]
        many_ports = frozenset(p.name for p in node.inputs if p.many)
        in_edges = []
        sources: dict[str, None] = {}
        for edge in incoming.get(node_id, ()):
            flatten = spreads[edge.source].get(edge.source_port, True)
            in_edges.append(InEdge(edge.source, edge.source_port, edge.target_port,
                                   edge.target_port in many_ports, flatten))
            sources[edge.source] = None
        targets = dict.fromkeys(edge.target for edge in outgoing.get(node_id, ()))
        infos[node_id] = NodeInfo(
            id=node_id,
            node=node,
            in_edges=in_edges,
            downstream=tuple(targets),
            upstream_count=len(sources),
            required=tuple(p.name for p in node.inputs if p.required),
            many_ports=many_ports,
        )
    return infos


class RunState:
    """States, results and remaining-upstream counters of every node of one run."""

    __slots__ = ("infos", "states", "results", "waiting", "terminal_count", "total")

    def __init__(self, infos: dict[str, NodeInfo]):
        self.infos = infos
        self.states: dict[str, str] = dict.fromkeys(infos, "pending")
        self.results: dict[str, dict[str, Any]] = {}
        self.waiting: dict[str, int] = {node_id: info.upstream_count for node_id, info in infos.items()}
        self.terminal_count = 0
        self.total = len(infos)

    def is_terminal(self, node_id: str) -> bool:
        return self.states[node_id] in TERMINAL_NODE_STATES

    @property
    def finished(self) -> bool:
        return self.terminal_count >= self.total

    def set(self, node_id: str, state: str) -> None:
        """Move a node to ``state``; counts terminal nodes so "all done" is O(1)."""
        was_terminal = self.states[node_id] in TERMINAL_NODE_STATES
        self.states[node_id] = state
        if not was_terminal and state in TERMINAL_NODE_STATES:
            self.terminal_count += 1

    def succeed(self, node_id: str, result: dict[str, Any]) -> None:
        self.results[node_id] = result
        self.set(node_id, "succeeded")

    def release_downstream(self, node_id: str) -> list[str]:
        """Record that ``node_id`` is terminal; return the downstream nodes now decidable."""
        now_decidable = []
        waiting = self.waiting
        for target in self.infos[node_id].downstream:
            left = waiting[target] - 1
            waiting[target] = left
            if left == 0 and self.states[target] == "pending":
                now_decidable.append(target)
        return now_decidable

    def decide(self, node_id: str) -> Decision:
        """The readiness rule, called once every upstream node of ``node_id`` is terminal.

        - an upstream failed, was abandoned or cancelled → ``abandoned``;
        - inputs are built from incoming edges in edge order: an edge delivers when its
          source succeeded and produced ``source_port``; a ``many`` port gets a list with
          one entry per delivering edge (list values from list-typed or mapped sources are
          flattened into it);
        - a connected port that received no value (its upstream was skipped, or did not
          produce that port) or a required port without a value → ``skipped``: the node is
          on a branch that was not taken, even when the port itself is optional. A node that
          takes ``partial_inputs`` is skipped only when no edge delivered at all;
        - otherwise → ``ready`` with those inputs.
        """
        info = self.infos[node_id]
        states = self.states
        results = self.results
        inputs: dict[str, Any] = {}
        delivered = 0
        for edge in info.in_edges:
            state = states[edge.source]
            if state in FAILED_STATES:
                return Decision("abandoned", f"upstream node {edge.source} {state}")
            if state != "succeeded":
                continue
            result = results[edge.source]
            if edge.source_port not in result:
                continue
            value = result[edge.source_port]
            delivered += 1
            if edge.many:
                bucket = inputs.setdefault(edge.target_port, [])
                if edge.flatten and isinstance(value, list):
                    bucket.extend(value)
                else:
                    bucket.append(value)
            elif edge.target_port not in inputs:
                inputs[edge.target_port] = value
        spec = info.node.spec
        if spec.partial_inputs:
            if info.in_edges and not delivered:
                return Decision("skipped", "no input received a value")
        else:
            for edge in info.in_edges:
                if edge.target_port not in inputs:
                    return Decision("skipped", f"input {edge.target_port!r} received no value")
            for port in info.required:
                if port not in inputs:
                    return Decision("skipped", f"input {port!r} received no value")
        return Decision("ready", inputs=inputs)
