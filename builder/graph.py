"""Parse and validate a graph document into a :class:`Plan`, reporting every error at once.

``validate`` never raises, whatever it is given: each problem becomes a :class:`GraphError`
keyed by node id, edge id and field, so the canvas can paint it. Plain Python, no Django.
Codes: schema, limit, duplicate_id, unknown_type, config, map, dangling_edge, duplicate_edge,
type_mismatch, missing_input, duplicate_name, cycle; for run inputs also unknown_input.
"""
from __future__ import annotations

import heapq
import json
import logging
from typing import Any

from builder.graph_checks import (
    NodeInfo,
    check_edges,
    check_missing_inputs,
    check_names,
    cycle_members,
    read_edges,
    read_nodes,
    resolve,
)
from builder.graph_types import Edge, GraphError, Plan, PlannedNode
from builder.nodes.base import Port, Registry
from builder.nodes.catalog import registry as catalog_registry
from builder.nodes.support import port_values

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MAX_NODES = 2000
MAX_BYTES = 5 * 1024 * 1024
EDGES_PER_NODE = 10


def validate(doc: Any, registry: Registry = catalog_registry, *, max_nodes: int = MAX_NODES,
             max_bytes: int = MAX_BYTES) -> tuple[Plan | None, list[GraphError]]:
    """``(plan, [])`` for a valid document, else ``(None, errors)`` with every error found."""
    try:
        return _validate(doc, registry, max_nodes, max_bytes)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; tests check this stays unused
        log.exception("graph validation crashed")
        return None, [GraphError("schema", f"the document could not be validated ({type(exc).__name__})")]


def _document_size(doc: Any) -> tuple[int | None, str | None]:
    try:
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError:
        return None, "the document contains NaN or Infinity, which JSON does not allow"
    except (TypeError, RecursionError) as exc:
        return None, f"the document is not plain JSON ({type(exc).__name__})"
    return len(text.encode("utf-8", "surrogatepass")), None


def _validate(doc: Any, registry: Registry, max_nodes: int, max_bytes: int) -> tuple[Plan | None, list[GraphError]]:
    size, problem = _document_size(doc)
    if problem is not None or size is None:
        return None, [GraphError("schema", problem or "the document is not JSON")]
    if size > max_bytes:
        return None, [GraphError("limit", f"the document is {size:,} bytes; the limit is {max_bytes:,}")]
    if not isinstance(doc, dict):
        return None, [GraphError("schema", "the document must be an object {schema, nodes, edges}")]
    errors: list[GraphError] = []
    schema = doc.get("schema")
    if not (isinstance(schema, int) and not isinstance(schema, bool) and schema == SCHEMA_VERSION):
        errors.append(GraphError("schema", f"schema must be {SCHEMA_VERSION}", field="schema"))
    raw_nodes, raw_edges = doc.get("nodes"), doc.get("edges")
    if not isinstance(raw_nodes, list):
        errors.append(GraphError("schema", "nodes must be a list", field="nodes"))
        raw_nodes = []
    if not isinstance(raw_edges, list):
        errors.append(GraphError("schema", "edges must be a list", field="edges"))
        raw_edges = []
    if len(raw_nodes) > max_nodes:
        return None, errors + [GraphError("limit", f"the graph has {len(raw_nodes):,} nodes; the limit is "
                                                   f"{max_nodes:,}", field="nodes")]
    if len(raw_edges) > max_nodes * EDGES_PER_NODE:
        return None, errors + [GraphError("limit", f"the graph has {len(raw_edges):,} edges; the limit is "
                                                   f"{max_nodes * EDGES_PER_NODE:,}", field="edges")]

    nodes = read_nodes(raw_nodes, registry, errors)
    edges = read_edges(raw_edges, errors)
    fed = check_edges(nodes, edges, errors)
    check_missing_inputs(nodes, fed, errors)
    check_names(nodes, errors)
    order = topological_order(list(nodes), edges)
    if len(order) < len(nodes):
        placed = set(order)
        for component in cycle_members([n for n in nodes if n not in placed], edges):
            shown = " → ".join(component[:8]) + (" …" if len(component) > 8 else "")
            for node_id in component:
                errors.append(GraphError("cycle", f"this node is on a cycle ({shown})", node=node_id))
    if errors:
        return None, errors
    return _plan(nodes, edges, order), []


def topological_order(node_ids: list[str], edges: list[Edge]) -> list[str]:
    """Kahn's algorithm with a heap: ties go to the smallest id. Nodes on (or after) a cycle are left out."""
    indegree = dict.fromkeys(node_ids, 0)
    succ: dict[str, list[str]] = {n: [] for n in node_ids}
    for e in edges:
        if e.source in indegree and e.target in indegree:
            succ[e.source].append(e.target)
            indegree[e.target] += 1
    ready = [n for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node_id = heapq.heappop(ready)
        order.append(node_id)
        for nxt in succ[node_id]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                heapq.heappush(ready, nxt)
    return order


def _plan(nodes: dict[str, NodeInfo], edges: list[Edge], order: list[str]) -> Plan:
    planned: dict[str, PlannedNode] = {}
    for info in nodes.values():
        assert info.spec is not None and info.config is not None  # guaranteed when there are no errors
        planned[info.id] = PlannedNode(
            id=info.id, type=info.spec.type, version=info.spec.version, label=info.label or info.spec.title,
            spec=info.spec, config=info.config, inputs=list(info.inputs or ()), outputs=list(info.outputs or ()),
            map=info.map, timeout_s=info.timeout_s, retry=info.retry)
    incoming: dict[str, list[Edge]] = {n: [] for n in nodes}
    outgoing: dict[str, list[Edge]] = {n: [] for n in nodes}
    for edge in edges:
        incoming[edge.target].append(edge)
        outgoing[edge.source].append(edge)
    return Plan(nodes=planned, edges=list(edges), order=order, incoming=incoming, outgoing=outgoing)


def validate_inputs(plan: Plan, inputs: Any) -> list[GraphError]:
    """Check a run's inputs against the plan's ``input`` nodes; errors carry field = input name."""
    if inputs is None:
        inputs = {}
    if not isinstance(inputs, dict):
        return [GraphError("schema", "inputs must be an object {name: value}", field="inputs")]
    errors: list[GraphError] = []
    declared: dict[str, tuple[str, bool]] = {}
    for name, port_type, required in plan.run_inputs():
        declared[name] = (port_type, required)
    for name, (port_type, required) in declared.items():
        if name not in inputs or (inputs[name] is None and not required):
            if required:
                errors.append(GraphError("missing_input", f"the run input {name!r} is required", field=name))
            continue
        if not port_values.fits(port_type, inputs[name]):
            errors.append(GraphError("type_mismatch", f"the run input {name!r} must be "
                                     f"{port_values.describe(port_type)} (type {port_type})", field=name))
    for name in inputs:
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            errors.append(GraphError("unknown_input", f"the pipeline has no input named {str(name)[:100]!r} "
                                     f"(inputs: {known})", field=str(name)[:200]))
    return errors


def ports_for(node_type: Any, version: Any, config: Any, registry: Registry = catalog_registry,
              ) -> tuple[list[Port], list[Port], list[GraphError]]:
    """The input and output ports a node of ``node_type`` has with ``config`` (for dynamic ports).

    On an unknown type or invalid config the ports are ``[]`` and the errors say why; the
    canvas keeps the ports it had until the config is valid again.
    """
    try:
        _, _, inputs, outputs, errors = resolve(registry, node_type, version, config)
    except Exception as exc:  # noqa: BLE001 - same contract as validate: errors, never exceptions
        log.exception("port resolution crashed")
        return [], [], [GraphError("config", f"ports cannot be derived ({type(exc).__name__})")]
    return list(inputs or ()), list(outputs or ()), errors
