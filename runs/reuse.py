"""Reusing recorded outputs instead of paying for them again.

*Run from here*: re-run one node and everything downstream of it; every other node whose
definition and upstream are unchanged since the source run (same fingerprint) reuses that
run's recorded outputs. *Pins*: a node document carrying ``"pinned": {"run": <id>}`` reuses
that run's outputs for the node until it is unpinned.

A node's fingerprint hashes its type, version, config and map setting, the run input it reads
(for ``input`` nodes), and the fingerprints and ports of everything wired into it; equal
fingerprints mean the node would compute from the same definition and the same inputs.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from builder.graph_types import Plan
from builder.models import Pipeline
from fomo.errors import InvalidGraph, InvalidInputs
from runs.models import WHOLE_NODE, NodeRun, Run


def fingerprints(graph: dict[str, Any], plan: Plan, inputs: dict[str, Any]) -> dict[str, str]:
    docs = {n["id"]: n for n in graph.get("nodes", []) if isinstance(n, dict)}
    found: dict[str, str] = {}
    for node_id in plan.order:
        doc = docs.get(node_id, {})
        node = plan.nodes[node_id]
        read = node.spec.run_input(node.config)
        upstream = sorted((e.target_port, found[e.source], e.source_port) for e in plan.incoming.get(node_id, []))
        body = {"type": node.type, "version": node.version, "config": doc.get("config") or {},
                "map": doc.get("map"), "input": inputs.get(read[0]) if read else None, "up": upstream}
        found[node_id] = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
    return found


def descendants(plan: Plan, node_id: str) -> set[str]:
    seen, stack = {node_id}, [node_id]
    while stack:
        for nxt in plan.downstream(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def plan_reuse(pipeline: Pipeline, graph: dict[str, Any], plan: Plan, inputs: dict[str, Any],
               from_run: Any = None, from_node: Any = None) -> dict[str, int]:
    """Node id -> source run id for every node whose outputs the new run reuses."""
    reuse = _pins(pipeline, graph)
    if from_run is None and from_node is None:
        return reuse
    if from_run is None or from_node is None:
        raise InvalidInputs("Run from here needs both from_run and from_node.",
                            details={"errors": [{"code": "invalid", "field": "from_run" if from_run is None
                                                 else "from_node", "message": "required with the other",
                                                 "node": None, "edge": None}]})
    if from_node not in plan.nodes:
        raise InvalidInputs(f"The pipeline has no node {from_node!r}.", details={"errors": [
            {"code": "invalid", "field": "from_node", "node": None, "edge": None,
             "message": f"no node {from_node!r} in the pipeline"}]})
    source = _source_run(pipeline, from_run, "from_run")
    from builder.graph import validate

    source_plan, _ = validate(source.graph)
    if source_plan is None:
        return reuse
    before = fingerprints(source.graph, source_plan, source.inputs or {})
    now = fingerprints(graph, plan, inputs)
    rerun = descendants(plan, from_node)
    succeeded = set(NodeRun.objects.filter(run=source, item=WHOLE_NODE, status="succeeded")
                    .values_list("node_id", flat=True))
    for node_id, fp in now.items():
        if node_id not in rerun and node_id not in reuse and before.get(node_id) == fp and node_id in succeeded:
            reuse[node_id] = source.pk
    return reuse


def _pins(pipeline: Pipeline, graph: dict[str, Any]) -> dict[str, int]:
    pins: dict[str, int] = {}
    errors = []
    for node in graph.get("nodes", []):
        pin = node.get("pinned") if isinstance(node, dict) else None
        if not pin:
            continue
        run_id = pin.get("run") if isinstance(pin, dict) else None
        if isinstance(run_id, int) and NodeRun.objects.filter(run_id=run_id, run__pipeline=pipeline, node_id=node["id"],
                                                              item=WHOLE_NODE, status="succeeded").exists():
            pins[node["id"]] = run_id
        else:
            errors.append({"code": "pin", "node": node["id"], "edge": None, "field": "pinned",
                           "message": f"the pinned run {run_id!r} has no successful output for this node"})
    if errors:
        raise InvalidGraph(errors[0]["message"], details={"errors": errors})
    return pins


def _source_run(pipeline: Pipeline, run_id: Any, field: str) -> Run:
    try:
        return Run.objects.get(pk=int(run_id), pipeline=pipeline)
    except (Run.DoesNotExist, TypeError, ValueError):
        raise InvalidInputs(f"No run {run_id!r} of this pipeline to reuse.", details={"errors": [
            {"code": "invalid", "field": field, "node": None, "edge": None,
             "message": f"no run {run_id!r} of this pipeline"}]}) from None


def copy_records(run: Run, reuse: dict[str, int]) -> None:
    """Copy the reused nodes' records (and their map items) into the new run."""
    copies = []
    for node_id, source_id in reuse.items():
        for rec in NodeRun.objects.filter(run_id=source_id, node_id=node_id, status="succeeded"):
            rec.pk = None
            rec.run = run
            rec.reused_from = source_id
            copies.append(rec)
    NodeRun.objects.bulk_create(copies)
