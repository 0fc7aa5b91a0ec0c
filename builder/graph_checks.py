"""The pieces of graph validation: reading nodes and edges out of an untrusted document.

Every function here appends :class:`GraphError` values to a list instead of raising, and
treats every value of the document as possibly the wrong type. :mod:`builder.graph` puts the
pieces together.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from builder.graph_types import Edge, GraphError, MapSpec, RetrySpec
from builder.nodes.base import Node, Port, Registry, compatible, is_list, item_type, list_of
from builder.secret_values import why_secret

MAX_ID_CHARS = 200
MAX_LABEL_CHARS = 200
MAX_CONCURRENCY = 64


@dataclass(slots=True)
class NodeInfo:
    """A node as read from the document; ``inputs``/``outputs`` are None when its ports are unknown
    (unknown type or bad config), in which case edges touching it are not checked further."""

    id: str
    type: str
    version: int = 0
    label: str = ""
    spec: Node | None = None
    config: BaseModel | None = None
    inputs: list[Port] | None = None
    outputs: list[Port] | None = None
    map: MapSpec | None = None
    timeout_s: float | None = None
    retry: RetrySpec = field(default_factory=RetrySpec)

    in_by_name: dict[str, Port] = field(default_factory=dict)
    out_by_name: dict[str, Port] = field(default_factory=dict)

    def set_ports(self, inputs: list[Port] | None, outputs: list[Port] | None) -> None:
        self.inputs, self.outputs = inputs, outputs
        self.in_by_name = {p.name: p for p in inputs or ()}
        self.out_by_name = {p.name: p for p in outputs or ()}

    def input_port(self, name: str) -> Port | None:
        return self.in_by_name.get(name)

    def output_port(self, name: str) -> Port | None:
        return self.out_by_name.get(name)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) and math.isfinite(value)


def resolve(registry: Registry, node_type: Any, version: Any, config: Any, node: str | None = None,
            ) -> tuple[Node | None, BaseModel | None, list[Port] | None, list[Port] | None, list[GraphError]]:
    """Look a node type up, validate its config and derive its ports; errors instead of exceptions."""
    errors: list[GraphError] = []
    if not isinstance(node_type, str) or not node_type:
        return None, None, None, None, [GraphError("schema", "the node has no type", node=node, field="type")]
    if version is not None and (not is_int(version) or version < 1):
        return None, None, None, None, [
            GraphError("schema", f"version must be a positive integer, not {_short(version)}", node=node,
                       field="version")]
    try:
        spec = registry.get(node_type, version)
    except KeyError as exc:
        return None, None, None, None, [
            GraphError("unknown_type", str(exc.args[0]) if exc.args else "unknown node type", node=node,
                       field="version" if registry.has(node_type) else "type")]
    if config is not None and not isinstance(config, dict):
        return spec, None, None, None, [GraphError("schema", "config must be an object", node=node, field="config")]
    try:
        parsed = spec.parse_config(config)
    except ValidationError as exc:
        for err in exc.errors(include_url=False, include_input=False):
            loc = ".".join(str(part) for part in err.get("loc", ())) or None
            message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
            last = str(err.get("loc", ("",))[-1]) if err.get("loc") else ""
            if loc and not message.startswith(last):
                message = f"{loc}: {message}"
            errors.append(GraphError("config", message, node=node, field=loc))
        return spec, None, None, None, errors
    except (ValueError, TypeError, RecursionError) as exc:
        return spec, None, None, None, [GraphError("config", f"invalid config: {exc}", node=node)]
    try:
        inputs, outputs = list(spec.input_ports(parsed)), list(spec.output_ports(parsed))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        return spec, parsed, None, None, [GraphError("config", f"ports cannot be derived: {exc}", node=node)]
    return spec, parsed, inputs, outputs, errors


def _read_map(raw: Any, info: NodeInfo, errors: list[GraphError]) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        errors.append(GraphError("map", "map must be an object {port, concurrency} or null", node=info.id, field="map"))
        return
    port, concurrency = raw.get("port"), raw.get("concurrency", 8)
    ok = True
    if not is_int(concurrency) or not 1 <= concurrency <= MAX_CONCURRENCY:
        errors.append(GraphError("map", f"map concurrency must be an integer from 1 to {MAX_CONCURRENCY}",
                                 node=info.id, field="map.concurrency"))
        ok = False
    if not isinstance(port, str):
        errors.append(GraphError("map", "map needs the name of an input port", node=info.id, field="map.port"))
        return
    if info.inputs is not None:
        target = info.input_port(port)
        if target is None:
            errors.append(GraphError("map", f"cannot map over {_short(port)}: it is not an input of this node",
                                     node=info.id, field="map.port"))
            ok = False
        elif target.many:
            errors.append(GraphError("map", f"cannot map over {port!r}: it already accepts many edges",
                                     node=info.id, field="map.port"))
            ok = False
    if ok:
        info.map = MapSpec(port=port, concurrency=concurrency)


def _read_settings(raw: dict[str, Any], info: NodeInfo, errors: list[GraphError]) -> None:
    timeout = raw.get("timeout_s")
    if timeout is not None:
        if is_number(timeout) and 0 < timeout <= 3600:
            info.timeout_s = float(timeout)
        else:
            errors.append(GraphError("schema", "timeout_s must be a number of seconds in (0, 3600]", node=info.id,
                                     field="timeout_s"))
    retry = raw.get("retry")
    if retry is not None:
        attempts: Any = retry.get("attempts", 1) if isinstance(retry, dict) else None
        backoff: Any = retry.get("backoff_s", 0.5) if isinstance(retry, dict) else None
        if is_int(attempts) and 1 <= attempts <= 10 and is_number(backoff) and 0 <= backoff <= 60:
            info.retry = RetrySpec(attempts=attempts, backoff_s=float(backoff))
        else:
            errors.append(GraphError("schema", "retry must be {attempts: 1..10, backoff_s: 0..60}", node=info.id,
                                     field="retry"))
    position = raw.get("position")
    if position is not None and not (isinstance(position, dict)
                                     and is_number(position.get("x")) and is_number(position.get("y"))):
        errors.append(GraphError("schema", "position must be {x, y} with finite numbers", node=info.id,
                                 field="position"))


def _read_id(raw: Any, where: str, kind: str, seen: Any, errors: list[GraphError]) -> str | None:
    """The id of a node or edge object, or None (reported) when the object or its id is unusable
    or repeats one in ``seen``."""
    if not isinstance(raw, dict):
        errors.append(GraphError("schema", f"{where} must be an object", field=where))
        return None
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id:
        errors.append(GraphError("schema", f"{where} needs a non-empty string id", field=f"{where}.id"))
        return None
    key = {kind: item_id}
    if len(item_id) > MAX_ID_CHARS:
        errors.append(GraphError("limit", f"{kind} id is longer than {MAX_ID_CHARS} characters", field="id", **key))
    if item_id in seen:
        errors.append(GraphError("duplicate_id", f"another {kind} already has the id {_short(item_id)}",
                                 field="id", **key))
        return None
    return item_id


def read_nodes(raw_nodes: list[Any], registry: Registry, errors: list[GraphError]) -> dict[str, NodeInfo]:
    """Nodes by id, in document order; a node without a usable id is reported and left out."""
    nodes: dict[str, NodeInfo] = {}
    for index, raw in enumerate(raw_nodes):
        node_id = _read_id(raw, f"nodes[{index}]", "node", nodes, errors)
        if node_id is None:
            continue
        raw_type = raw.get("type")
        info = NodeInfo(id=node_id, type=raw_type if isinstance(raw_type, str) else "")
        nodes[node_id] = info
        label = raw.get("label")
        if label is not None and not isinstance(label, str):
            errors.append(GraphError("schema", "label must be text", node=node_id, field="label"))
        elif label and len(label) > MAX_LABEL_CHARS:
            errors.append(GraphError("limit", f"label is longer than {MAX_LABEL_CHARS} characters", node=node_id,
                                     field="label"))
        else:
            info.label = label or ""
        spec, config, inputs, outputs, found = resolve(registry, raw.get("type"), raw.get("version"),
                                                       raw.get("config"), node_id)
        errors.extend(found)
        if spec is not None:
            info.spec, info.version = spec, spec.version
        info.config = config
        check_secret_headers(node_id, config, errors)
        info.set_ports(inputs, outputs)
        _read_map(raw.get("map"), info, errors)
        _read_settings(raw, info, errors)
    return nodes


def check_secret_headers(node_id: str, config: BaseModel | None, errors: list[GraphError]) -> None:
    """A node whose config has ``headers`` must not hold a secret in them: the document travels in
    exports and share links, a stored credential does not. Code ``secret``: such a document is
    refused outright, never stored (:func:`builder.graph_store.check_storable`)."""
    headers = getattr(config, "headers", None)
    if not isinstance(headers, dict):
        return
    for name, value in headers.items():
        why = why_secret(str(name), str(value))
        if why:
            errors.append(GraphError(
                "secret", f"node {_short(node_id)}: the header {str(name)!r} holds what looks like a secret ({why}); "
                "typed into the pipeline it would travel in exports and share links. Store it as an http "
                f"credential and choose it in auth_credential (with auth_header {str(name)!r}) instead",
                node=node_id, field="headers"))


def read_edges(raw_edges: list[Any], errors: list[GraphError]) -> list[Edge]:
    """Well-formed edges in document order; duplicate ids and bad shapes are reported and dropped."""
    edges: list[Edge] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_edges):
        where = f"edges[{index}]"
        edge_id = _read_id(raw, where, "edge", seen, errors)
        if edge_id is None:
            continue
        seen.add(edge_id)
        source, source_port = raw.get("source"), raw.get("source_port")
        target, target_port = raw.get("target"), raw.get("target_port")
        if (type(source) is str and type(source_port) is str and type(target) is str and type(target_port) is str
                and source and source_port and target and target_port):
            edges.append(Edge(edge_id, source, source_port, target, target_port))
            continue
        for key, value in (("source", source), ("source_port", source_port), ("target", target),
                           ("target_port", target_port)):
            if not isinstance(value, str) or not value:
                errors.append(GraphError("schema", f"edge {key} must be a non-empty string", edge=edge_id,
                                         field=key))
    return edges


def source_type(node: NodeInfo, port: Port) -> str:
    """The type that leaves ``port``: a mapped node's outputs are lists of the declared type."""
    return list_of(port.type) if node.map is not None else port.type


def edge_type_error(src_type: str, target: Port, mapped: bool) -> str | None:
    """Why a value of ``src_type`` cannot flow into ``target``, or None when it can."""
    if mapped:
        if src_type == "any" or (is_list(src_type) and compatible(item_type(src_type), target.type)):
            return None
        return f"the node maps over {target.name!r}, so it needs a list of {target.type}, not {src_type}"
    if target.many:
        item = item_type(target.type) if is_list(target.type) else target.type
        if compatible(src_type, item) or compatible(src_type, list_of(item)):
            return None
        return f"{target.name!r} takes {item} or a list of {item}, not {src_type}"
    if compatible(src_type, target.type):
        return None
    return f"{target.name!r} takes {target.type}, not {src_type}"


def check_edges(nodes: dict[str, NodeInfo], edges: list[Edge], errors: list[GraphError]) -> set[tuple[str, str]]:
    """Dangling ends, type mismatches and duplicate edges; returns the (node, port) pairs fed by an edge."""
    fed: set[tuple[str, str]] = set()
    seen_links: set[tuple[str, str, str, str]] = set()
    for edge in edges:
        src, dst = nodes.get(edge.source), nodes.get(edge.target)
        if src is None:
            errors.append(GraphError("dangling_edge", f"the source node {_short(edge.source)} does not exist",
                                     edge=edge.id, field="source"))
        if dst is None:
            errors.append(GraphError("dangling_edge", f"the target node {_short(edge.target)} does not exist",
                                     edge=edge.id, field="target"))
        out_port = src.output_port(edge.source_port) if src is not None else None
        in_port = dst.input_port(edge.target_port) if dst is not None else None
        if src is not None and src.outputs is not None and out_port is None:
            errors.append(GraphError("dangling_edge", f"node {_short(edge.source)} has no output "
                                     f"{_short(edge.source_port)}", edge=edge.id, node=edge.source,
                                     field="source_port"))
        if dst is not None and dst.inputs is not None and in_port is None:
            errors.append(GraphError("dangling_edge", f"node {_short(edge.target)} has no input "
                                     f"{_short(edge.target_port)}", edge=edge.id, node=edge.target,
                                     field="target_port"))
        if dst is None or (dst.inputs is not None and in_port is None):
            continue
        link = (edge.source, edge.source_port, edge.target, edge.target_port)
        if link in seen_links or ((edge.target, edge.target_port) in fed and in_port is not None
                                  and not in_port.many):
            errors.append(GraphError("duplicate_edge", f"input {_short(edge.target_port)} of "
                                     f"{_short(edge.target)} already has an edge", edge=edge.id,
                                     node=edge.target, field="target_port"))
        seen_links.add(link)
        fed.add((edge.target, edge.target_port))
        if src is not None and out_port is not None and in_port is not None:
            mapped = dst.map is not None and dst.map.port == in_port.name
            problem = edge_type_error(source_type(src, out_port), in_port, mapped)
            if problem:
                errors.append(GraphError("type_mismatch", problem, edge=edge.id, node=edge.target,
                                         field="target_port"))
    return fed


def check_missing_inputs(nodes: dict[str, NodeInfo], fed: set[tuple[str, str]], errors: list[GraphError]) -> None:
    for node in nodes.values():
        for port in node.inputs or ():
            if port.required and (node.id, port.name) not in fed:
                errors.append(GraphError("missing_input", f"the required input {port.name!r} has no edge",
                                         node=node.id, field=port.name))


def check_names(nodes: dict[str, NodeInfo], errors: list[GraphError]) -> None:
    """Run input and run output names must be unique across the graph."""
    readers = (("input", lambda n: n.spec.run_input(n.config)), ("output", lambda n: n.spec.run_output(n.config)))
    for kind, read in readers:
        owners: dict[str, list[str]] = {}
        for node in nodes.values():
            if node.spec is None or node.config is None:
                continue
            found = read(node)
            if found is not None:
                owners.setdefault(found[0] if isinstance(found, tuple) else found, []).append(node.id)
        for name, ids in owners.items():
            if len(ids) > 1:
                for node_id in ids:
                    errors.append(GraphError("duplicate_name", f"the run {kind} name {name!r} is used by "
                                             f"{len(ids)} nodes", node=node_id, field="name"))


def cycle_members(node_ids: list[str], edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components that form cycles (iterative Tarjan), each sorted."""
    succ: dict[str, list[str]] = {n: [] for n in node_ids}
    self_loops: set[str] = set()
    for e in edges:
        if e.source in succ and e.target in succ:
            succ[e.source].append(e.target)
            if e.source == e.target:
                self_loops.add(e.source)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    for root in node_ids:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            if i < len(succ[v]):
                work.append((v, i + 1))
                w = succ[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1 or v in self_loops:
                    cycles.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return cycles
