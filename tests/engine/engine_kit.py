"""Test-only node types and a small plan builder, so engine tests need no catalog or validator."""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

from builder.graph_types import Edge, MapSpec, Plan, PlannedNode, RetrySpec
from builder.nodes.base import Node, NodeError, Port
from builder.nodes.services import NoServices
from runs.engine import Engine, ListSink, RunOutcome


class Services(NoServices):
    """What test nodes share: call counts and an in-flight gauge (and no capability at all)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0

    def enter(self) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        self.in_flight -= 1


def _count(ctx: Any) -> None:
    if isinstance(ctx.services, Services):
        key = ctx.node_id if ctx.item is None else f"{ctx.node_id}[{ctx.item}]"
        ctx.services.calls[key] += 1


class ConstConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Any = "x"


class Const(Node):
    type = "t.const"
    title = "Constant"
    category = "test"
    Config = ConstConfig
    outputs = (Port("value", "any"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        return {"value": config.value}


class Upper(Node):
    type = "t.upper"
    title = "Upper"
    category = "test"
    inputs = (Port("text", "text"),)
    outputs = (Port("text", "text"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        return {"text": str(inputs["text"]).upper()}


class SleepConfig(BaseModel):
    seconds: float = 0.2


class Sleeper(Node):
    type = "t.sleep"
    title = "Sleep"
    category = "test"
    Config = SleepConfig
    inputs = (Port("value", "any", required=False),)
    outputs = (Port("value", "any"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        gauge = ctx.services if isinstance(ctx.services, Services) else Services()
        gauge.enter()
        try:
            await asyncio.sleep(config.seconds)
        finally:
            gauge.leave()
        return {"value": inputs.get("value", "slept")}


class FailConfig(BaseModel):
    failures: int = 1
    retryable: bool = True
    kind: str = "provider"


class Failer(Node):
    """Fails its first ``failures`` calls, then echoes its input."""

    type = "t.fail"
    title = "Fail"
    category = "test"
    Config = FailConfig
    inputs = (Port("value", "any", required=False),)
    outputs = (Port("value", "any"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        ctx.token(f"try {ctx.attempt} ")
        if ctx.services.calls[ctx.node_id] <= config.failures:
            raise NodeError("upstream said no", kind=config.kind, retryable=config.retryable)
        return {"value": inputs.get("value", "ok")}


class Boom(Node):
    type = "t.boom"
    title = "Boom"
    category = "test"
    outputs = (Port("value", "any"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        raise ValueError("secret internals went wrong")


class ListConfig(BaseModel):
    items: list[Any] = []


class ListOf(Node):
    type = "t.list"
    title = "List"
    category = "test"
    Config = ListConfig
    outputs = (Port("items", "list[any]"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        return {"items": list(config.items)}


class RouteConfig(BaseModel):
    choose: str = "a"


class Router(Node):
    """Produces only the chosen one of its two ports."""

    type = "t.router"
    title = "Router"
    category = "test"
    Config = RouteConfig
    inputs = (Port("value", "any"),)
    outputs = (Port("a", "any"), Port("b", "any"))

    async def run(self, ctx, config, inputs):
        _count(ctx)
        return {config.choose: inputs["value"]}


class Merge(Node):
    type = "t.merge"
    title = "Merge"
    category = "test"
    partial_inputs = True
    inputs = (Port("a", "any"), Port("b", "any"))
    outputs = (Port("value", "any"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        return {"value": inputs["a"] if "a" in inputs else inputs["b"]}


class Join(Node):
    type = "t.join"
    title = "Join"
    category = "test"
    inputs = (Port("values", "list[any]", many=True),)
    outputs = (Port("value", "any"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        return {"value": list(inputs["values"])}


class StreamConfig(BaseModel):
    tokens: int = 500
    every: int = 50  # yield to the loop (and sleep a little) every this many tokens
    pause_s: float = 0.005


class Streamer(Node):
    type = "t.stream"
    title = "Stream"
    category = "test"
    Config = StreamConfig
    outputs = (Port("text", "text"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        parts = []
        for i in range(config.tokens):
            delta = f"t{i} "
            parts.append(delta)
            ctx.token(delta)
            if (i + 1) % config.every == 0:
                await asyncio.sleep(config.pause_s)
        return {"text": "".join(parts)}


class UsageConfig(BaseModel):
    model: str = "m"
    prompt_tokens: int = 10
    completion_tokens: int = 5
    cost: float | None = 0.001
    calls: int = 1


class Spender(Node):
    type = "t.spend"
    title = "Spend"
    category = "test"
    Config = UsageConfig
    outputs = (Port("value", "any"),)

    async def run(self, ctx, config, inputs):
        _count(ctx)
        for _ in range(config.calls):
            ctx.usage(model=config.model, prompt_tokens=config.prompt_tokens,
                      completion_tokens=config.completion_tokens, cost=config.cost)
        return {"value": "spent"}


class OutConfig(BaseModel):
    name: str = "result"


class Output(Node):
    type = "t.output"
    title = "Output"
    category = "test"
    Config = OutConfig
    inputs = (Port("value", "any"),)
    outputs = (Port("value", "any"),)

    def run_output(self, config):
        return config.name

    async def run(self, ctx, config, inputs):
        _count(ctx)
        return {"value": inputs["value"]}


class PlanBuilder:
    """``g.add("a", Const, value=1); g.edge("a.value", "b.text"); g.plan()``."""

    def __init__(self) -> None:
        self.nodes: dict[str, PlannedNode] = {}
        self.edges: list[Edge] = []

    def add(self, node_id: str, cls: type[Node], *, map: tuple[str, int] | None = None,
            timeout_s: float | None = None, retry: tuple[int, float] | None = None,
            **config: Any) -> PlanBuilder:
        spec = cls()
        cfg = spec.parse_config(config)
        self.nodes[node_id] = PlannedNode(
            id=node_id, type=cls.type, version=cls.version, label=node_id, spec=spec, config=cfg,
            inputs=spec.input_ports(cfg), outputs=spec.output_ports(cfg),
            map=MapSpec(*map) if map else None, timeout_s=timeout_s,
            retry=RetrySpec(*retry) if retry else RetrySpec(),
        )
        return self

    def edge(self, source: str, target: str) -> PlanBuilder:
        s_node, s_port = source.split(".")
        t_node, t_port = target.split(".")
        self.edges.append(Edge(f"e{len(self.edges)}", s_node, s_port, t_node, t_port))
        return self

    def chain(self, *refs: str) -> PlanBuilder:
        for a, b in zip(refs, refs[1:], strict=False):
            self.edge(a, b)
        return self

    def plan(self) -> Plan:
        incoming: dict[str, list[Edge]] = {n: [] for n in self.nodes}
        outgoing: dict[str, list[Edge]] = {n: [] for n in self.nodes}
        for e in self.edges:
            incoming[e.target].append(e)
            outgoing[e.source].append(e)
        indegree = {n: len({e.source for e in incoming[n]}) for n in self.nodes}
        order: list[str] = []
        ready = sorted(n for n, d in indegree.items() if d == 0)
        while ready:
            n = ready.pop(0)
            order.append(n)
            for t in sorted({e.target for e in outgoing[n]}):
                indegree[t] -= 1
                if indegree[t] == 0:
                    ready.append(t)
            ready.sort()
        assert len(order) == len(self.nodes), "cycle in test plan"
        return Plan(nodes=self.nodes, edges=self.edges, order=order, incoming=incoming, outgoing=outgoing)


async def run_plan(plan: Plan, *, services: Services | None = None,
                   before: Callable[[Engine], Any] | None = None, **kwargs: Any) -> tuple[RunOutcome, ListSink]:
    sink = ListSink()
    engine = Engine(plan, sink, run_id="run-1", services=services if services is not None else Services(), **kwargs)
    if before is not None:
        before(engine)
    outcome = await engine.run()
    return outcome, sink


def node_events(sink: ListSink, node_id: str, type_: str | None = None) -> list[Any]:
    return [e for e in sink.events if e.node_id == node_id and (type_ is None or e.type == type_)]
