"""Readiness, ordering, concurrency and failure propagation."""
from __future__ import annotations

import pytest
from engine_kit import (
    Boom,
    Const,
    Join,
    ListOf,
    Merge,
    Output,
    PlanBuilder,
    Router,
    Sleeper,
    Upper,
    node_events,
    run_plan,
)

from runs.engine import EVENT_TYPES


@pytest.mark.asyncio
async def test_a_chain_runs_in_order_and_fills_the_run_outputs():
    g = PlanBuilder().add("a", Const, value="hello").add("b", Upper).add("out", Output, name="answer")
    g.chain("a.value", "b.text").edge("b.text", "out.value")
    outcome, sink = await run_plan(g.plan())
    assert outcome.status == "succeeded"
    assert outcome.outputs == {"answer": "HELLO"}
    assert outcome.node_states == {"a": "succeeded", "b": "succeeded", "out": "succeeded"}
    started = [e.node_id for e in sink.of_type("node.started")]
    assert started == ["a", "b", "out"]
    assert sink.events[0].type == "run.started" and sink.events[-1].type == "run.finished"
    finished = sink.events[-1]
    assert finished.payload["status"] == "succeeded"
    assert finished.payload["outputs_preview"] == {"answer": "HELLO"}
    assert finished.data == {"outputs": {"answer": "HELLO"}}


@pytest.mark.asyncio
async def test_node_events_carry_inputs_outputs_and_timings():
    g = PlanBuilder().add("a", Const, value="hi").add("b", Upper).chain("a.value", "b.text")
    _, sink = await run_plan(g.plan())
    started = node_events(sink, "b", "node.started")[0]
    assert started.payload == {"attempt": 1} and started.data == {"inputs": {"text": "hi"}}
    done = node_events(sink, "b", "node.finished")[0]
    assert done.data == {"inputs": {"text": "hi"}, "outputs": {"text": "HI"}}
    assert done.payload["attempt"] == 1 and done.payload["duration_ms"] >= 0
    assert done.payload["outputs_preview"] == {"text": "HI"}
    assert done.payload["usage"]["total_tokens"] == 0 and done.payload["cost"] == 0.0


@pytest.mark.asyncio
async def test_output_previews_truncate_long_strings_and_lists():
    g = PlanBuilder().add("s", Const, value="x" * 2000).add("l", ListOf, items=list(range(100)))
    _, sink = await run_plan(g.plan())
    s_prev = node_events(sink, "s", "node.finished")[0].payload["outputs_preview"]["value"]
    l_prev = node_events(sink, "l", "node.finished")[0].payload["outputs_preview"]["items"]
    assert len(s_prev) <= 501 and s_prev.startswith("x" * 500)
    assert l_prev == list(range(20))
    assert node_events(sink, "l", "node.finished")[0].data["outputs"]["items"] == list(range(100))


@pytest.mark.asyncio
async def test_two_parallel_branches_run_concurrently():
    g = PlanBuilder().add("x", Sleeper, seconds=0.2).add("y", Sleeper, seconds=0.2)
    g.add("j", Join).edge("x.value", "j.values").edge("y.value", "j.values")
    outcome, sink = await run_plan(g.plan())
    assert outcome.status == "succeeded"
    assert outcome.node_states["j"] == "succeeded"
    first = min(e.ts for e in sink.of_type("node.started"))
    last = max(e.ts for e in node_events(sink, "y", "node.finished") + node_events(sink, "x", "node.finished"))
    assert last - first < 0.35


@pytest.mark.asyncio
async def test_a_many_port_gets_one_entry_per_edge_and_flattens_lists():
    g = PlanBuilder().add("a", Const, value="one").add("l", ListOf, items=["two", "three"]).add("j", Join)
    g.edge("a.value", "j.values").edge("l.items", "j.values")
    outcome, sink = await run_plan(g.plan())
    assert node_events(sink, "j", "node.finished")[0].data["outputs"]["value"] == ["one", "two", "three"]


@pytest.mark.asyncio
async def test_a_failure_abandons_downstream_but_an_independent_branch_finishes():
    g = PlanBuilder().add("bad", Boom).add("after", Upper).add("deep", Upper)
    g.add("ok", Sleeper, seconds=0.05).add("out", Output, name="ok")
    g.chain("bad.value", "after.text", "deep.text").edge("ok.value", "out.value")
    outcome, sink = await run_plan(g.plan())
    assert outcome.status == "failed"
    assert outcome.node_states == {"bad": "failed", "after": "abandoned", "deep": "abandoned",
                                   "ok": "succeeded", "out": "succeeded"}
    assert outcome.outputs == {"ok": "slept"}
    assert outcome.error == {"node": "bad", "kind": "internal", "message": "ValueError: secret internals went wrong"}
    skipped = node_events(sink, "after", "node.skipped")[0]
    assert skipped.payload["state"] == "abandoned" and "bad" in skipped.payload["reason"]
    assert node_events(sink, "deep", "node.skipped")[0].payload["state"] == "abandoned"
    assert sink.events[-1].payload["error"]["node"] == "bad"


@pytest.mark.asyncio
async def test_a_router_skips_the_unchosen_branch_and_a_partial_merge_takes_the_chosen_one():
    g = PlanBuilder().add("in", Const, value="q").add("r", Router, choose="b")
    g.add("left", Upper).add("right", Upper).add("m", Merge).add("out", Output, name="answer")
    g.edge("in.value", "r.value").edge("r.a", "left.text").edge("r.b", "right.text")
    g.edge("left.text", "m.a").edge("right.text", "m.b").edge("m.value", "out.value")
    outcome, sink = await run_plan(g.plan())
    assert outcome.status == "succeeded"
    assert outcome.outputs == {"answer": "Q"}
    assert outcome.node_states["left"] == "skipped"
    assert outcome.node_states["right"] == "succeeded" and outcome.node_states["m"] == "succeeded"
    reason = node_events(sink, "left", "node.skipped")[0].payload
    assert reason["state"] == "skipped" and "'text'" in reason["reason"]


@pytest.mark.asyncio
async def test_a_skip_propagates_through_nodes_that_need_the_skipped_value():
    g = PlanBuilder().add("in", Const, value="q").add("r", Router, choose="a")
    g.add("b1", Upper).add("b2", Upper).add("out", Output, name="b")
    g.edge("in.value", "r.value").edge("r.b", "b1.text").chain("b1.text", "b2.text").edge("b2.text", "out.value")
    outcome, _ = await run_plan(g.plan())
    assert outcome.status == "succeeded"
    assert [outcome.node_states[n] for n in ("b1", "b2", "out")] == ["skipped"] * 3
    assert outcome.outputs == {}


@pytest.mark.asyncio
async def test_the_run_semaphore_bounds_concurrent_nodes():
    g = PlanBuilder()
    for i in range(6):
        g.add(f"s{i}", Sleeper, seconds=0.03)
    services = __import__("engine_kit").Services()
    outcome, _ = await run_plan(g.plan(), services=services, concurrency=2)
    assert outcome.status == "succeeded"
    assert services.max_in_flight == 2


@pytest.mark.asyncio
async def test_an_empty_plan_succeeds_with_no_outputs():
    outcome, sink = await run_plan(PlanBuilder().plan())
    assert outcome.status == "succeeded" and outcome.outputs == {}
    assert [e.type for e in sink.events] == ["run.started", "run.finished"]


@pytest.mark.asyncio
async def test_events_are_only_from_the_closed_set():
    g = PlanBuilder().add("in", Const, value="q").add("r", Router).add("l", Upper).add("x", Upper)
    g.add("bad", Boom).add("after", Upper).edge("bad.value", "after.text")
    g.edge("in.value", "r.value").edge("r.a", "l.text").edge("r.b", "x.text")
    _, sink = await run_plan(g.plan())
    assert {e.type for e in sink.events} <= EVENT_TYPES
    assert {e.type for e in sink.events} == EVENT_TYPES - {"node.token"}
    with pytest.raises(ValueError):
        from runs.engine import Event
        Event("node.progress")


@pytest.mark.asyncio
async def test_a_node_with_only_optional_inputs_on_an_untaken_branch_is_skipped():
    from builder.nodes.base import Port

    g = (PlanBuilder().add("c", Const, value="x").add("r", Router, choose="a")
         .add("opt", Upper).add("m", Merge))
    g.nodes["opt"].inputs = [Port("text", "text", required=False)]
    g.edge("c.value", "r.value").edge("r.b", "opt.text").edge("opt.text", "m.a").edge("r.a", "m.b")
    outcome, sink = await run_plan(g.plan())
    assert outcome.node_states["opt"] == "skipped"
    assert outcome.status == "succeeded" and outcome.node_states["m"] == "succeeded"
