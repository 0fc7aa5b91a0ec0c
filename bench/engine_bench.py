"""Engine overhead per node: the scheduler plus an in-memory sink, no Django, no network.

Prints one JSON line per figure::

    {"name": "engine_chain200_per_node_ms", "value": ..., "unit": "ms"}
    {"name": "engine_fanout200_per_node_ms", "value": ..., "unit": "ms"}

chain200: 200 nodes alternating ``text.constant`` / ``prompt.template`` from the real
catalog, each template reading the previous template and its own constant, so the
templates form a chain 100 deep. fanout200: 200 ``text.constant`` nodes into one
``text.join``. Each figure is the median over repetitions after a warm-up, divided by the
node count. Falls back to trivial built-in nodes when the catalog is not importable (and
says so on stderr).

Run: ``.venv/bin/python bench/engine_bench.py [--reps N]``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builder.graph_types import Edge, Plan, PlannedNode  # noqa: E402
from builder.nodes.base import Node, Port  # noqa: E402
from runs.engine import Engine, ListSink  # noqa: E402

N = 200


def chain_doc() -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    prev = None
    for k in range(N // 2):
        c, t = f"c{k:03d}", f"t{k:03d}"
        nodes.append({"id": c, "type": "text.constant", "config": {"text": f"part {k}"}})
        template = "{{ c }}" if prev is None else "{{ c }} after {{ prev | length }}"
        nodes.append({"id": t, "type": "prompt.template", "config": {"template": template}})
        edges.append({"id": f"e{c}", "source": c, "source_port": "text", "target": t, "target_port": "c"})
        if prev is not None:
            edges.append({"id": f"e{t}", "source": prev, "source_port": "text", "target": t, "target_port": "prev"})
        prev = t
    return {"schema": 1, "nodes": nodes, "edges": edges}


def fanout_doc() -> dict[str, Any]:
    nodes: list[dict[str, Any]] = [{"id": "join", "type": "text.join", "config": {}}]
    edges = []
    for k in range(N):
        nodes.append({"id": f"c{k:03d}", "type": "text.constant", "config": {"text": f"part {k}"}})
        edges.append({"id": f"e{k}", "source": f"c{k:03d}", "source_port": "text", "target": "join",
                      "target_port": "texts"})
    return {"schema": 1, "nodes": nodes, "edges": edges}


def catalog_plans() -> dict[str, Plan]:
    from builder.graph import validate
    from builder.nodes.catalog import registry

    plans = {}
    for name, doc in (("chain200", chain_doc()), ("fanout200", fanout_doc())):
        plan, errors = validate(doc, registry)
        if plan is None:
            raise RuntimeError(f"{name}: {[e.as_dict() for e in errors]}")
        plans[name] = plan
    return plans


# ---------------------------------------------------------------- fallback nodes


class _Const(Node):
    type = "bench.const"
    title = "Const"
    category = "bench"
    outputs = (Port("text", "text"),)

    async def run(self, ctx: Any, config: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"text": "part"}


class _Concat(Node):
    type = "bench.concat"
    title = "Concat"
    category = "bench"
    inputs = (Port("texts", "list[text]", many=True),)
    outputs = (Port("text", "text"),)

    async def run(self, ctx: Any, config: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"text": " ".join(inputs["texts"])[:100]}


def _plan(specs: dict[str, Node], links: list[tuple[str, str]]) -> Plan:
    nodes = {}
    for node_id, spec in specs.items():
        config = spec.parse_config({})
        nodes[node_id] = PlannedNode(id=node_id, type=spec.type, version=1, label=node_id, spec=spec, config=config,
                                     inputs=spec.input_ports(config), outputs=spec.output_ports(config))
    edges = [Edge(f"e{i}", s, "text", t, "texts") for i, (s, t) in enumerate(links)]
    incoming: dict[str, list[Edge]] = {n: [] for n in nodes}
    outgoing: dict[str, list[Edge]] = {n: [] for n in nodes}
    for e in edges:
        incoming[e.target].append(e)
        outgoing[e.source].append(e)
    return Plan(nodes=nodes, edges=edges, order=list(nodes), incoming=incoming, outgoing=outgoing)


def fallback_plans() -> dict[str, Plan]:
    const, concat = _Const(), _Concat()
    chain_specs: dict[str, Node] = {}
    links = []
    prev = None
    for k in range(N // 2):
        chain_specs[f"c{k:03d}"] = const
        chain_specs[f"t{k:03d}"] = concat
        links.append((f"c{k:03d}", f"t{k:03d}"))
        if prev:
            links.append((prev, f"t{k:03d}"))
        prev = f"t{k:03d}"
    order = list(chain_specs)  # constants and templates interleave; already topological
    chain = _plan(chain_specs, links)
    chain.order = order
    fan_specs: dict[str, Node] = {f"c{k:03d}": const for k in range(N)}
    fan_specs["join"] = concat
    fanout = _plan(fan_specs, [(f"c{k:03d}", "join") for k in range(N)])
    return {"chain200": chain, "fanout200": fanout}


# ---------------------------------------------------------------- measuring


async def _once(plan: Plan) -> float:
    sink = ListSink()
    engine = Engine(plan, sink, run_id="bench")
    t0 = time.perf_counter()
    outcome = await engine.run()
    elapsed = time.perf_counter() - t0
    if outcome.status != "succeeded":
        raise RuntimeError(f"bench run {outcome.status}: {outcome.error}")
    return elapsed


async def measure(plan: Plan, reps: int) -> float:
    for _ in range(3):
        await _once(plan)
    times = [await _once(plan) for _ in range(reps)]
    return statistics.median(times) * 1000.0 / len(plan.nodes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    try:
        plans = catalog_plans()
    except ImportError as exc:
        print(f"engine_bench: catalog unavailable ({exc}); using built-in trivial nodes", file=sys.stderr)
        plans = fallback_plans()
    for name, plan in plans.items():
        value = asyncio.run(measure(plan, args.reps))
        print(json.dumps({"name": f"engine_{name}_per_node_ms", "value": round(value, 4), "unit": "ms"}))


if __name__ == "__main__":
    main()
