"""Resume: results that succeeded in an earlier attempt are reused, not run again."""
from __future__ import annotations

import pytest
from engine_kit import Const, ListOf, Output, PlanBuilder, Services, Upper, node_events, run_plan


@pytest.mark.asyncio
async def test_completed_nodes_are_not_run_again_and_feed_downstream():
    g = PlanBuilder().add("a", Const, value="fresh").add("b", Upper).add("out", Output, name="r")
    g.chain("a.value", "b.text").edge("b.text", "out.value")
    services = Services()
    outcome, sink = await run_plan(g.plan(), services=services, attempt=2,
                                   completed={("a", None): {"value": "saved"}})
    assert outcome.status == "succeeded"
    assert outcome.outputs == {"r": "SAVED"}
    assert services.calls["a"] == 0 and services.calls["b"] == 1
    assert sink.events[0].payload == {"attempt": 2, "resumed": ["a"]}
    assert node_events(sink, "a") == []
    assert outcome.node_states["a"] == "succeeded"


@pytest.mark.asyncio
async def test_a_fully_completed_run_runs_nothing():
    g = PlanBuilder().add("a", Const).add("out", Output, name="r").edge("a.value", "out.value")
    services = Services()
    outcome, sink = await run_plan(g.plan(), services=services,
                                   completed={("a", None): {"value": 1}, ("out", None): {"value": 1}})
    assert outcome.outputs == {"r": 1} and not services.calls
    assert [e.type for e in sink.events] == ["run.started", "run.finished"]


@pytest.mark.asyncio
async def test_a_map_resumes_per_item():
    g = PlanBuilder().add("l", ListOf, items=["a", "b", "c"]).add("u", Upper, map=("text", 4))
    g.edge("l.items", "u.text")
    services = Services()
    outcome, sink = await run_plan(g.plan(), services=services,
                                   completed={("l", None): {"items": ["a", "b", "c"]}, ("u", 1): {"text": "saved"}})
    assert outcome.status == "succeeded"
    assert services.calls == {"u[0]": 1, "u[2]": 1}
    assert sorted(e.item for e in node_events(sink, "u", "node.started") if e.item is not None) == [0, 2]
    assert node_events(sink, "u", "node.finished")[-1].data["outputs"] == {"text": ["A", "saved", "C"]}


@pytest.mark.asyncio
async def test_prior_usage_is_added_to_the_run_totals():
    from engine_kit import Spender

    g = PlanBuilder().add("a", Spender, cost=0.25).add("b", Spender, cost=0.5)
    outcome, sink = await run_plan(g.plan(), completed={("a", None): {"value": "spent"}},
                                   prior_usage={"prompt_tokens": 10, "completion_tokens": 5, "cost": 0.25})
    assert outcome.usage == {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30}
    assert outcome.cost == pytest.approx(0.75)
    assert sink.events[-1].payload["cost"] == pytest.approx(0.75)
