"""Map mode: one execution per item, in order, within the map and run limits."""
from __future__ import annotations

import pytest
from engine_kit import Const, Failer, ListOf, Output, PlanBuilder, Services, Sleeper, Upper, node_events, run_plan


def mapped_upper(items, concurrency=2, upper=Upper, **kw):
    g = PlanBuilder().add("l", ListOf, items=items).add("u", upper, map=("text", concurrency), **kw)
    g.add("out", Output, name="texts").edge("l.items", "u.text").edge("u.text", "out.value")
    return g


@pytest.mark.asyncio
async def test_a_map_over_a_list_preserves_order_and_tags_item_events():
    outcome, sink = await run_plan(mapped_upper(["a", "b", "c"]).plan())
    assert outcome.status == "succeeded"
    assert outcome.outputs == {"texts": ["A", "B", "C"]}
    parent_started = [e for e in node_events(sink, "u", "node.started") if e.item is None]
    assert len(parent_started) == 1 and parent_started[0].payload["items"] == 3
    item_started = sorted(e.item for e in node_events(sink, "u", "node.started") if e.item is not None)
    assert item_started == [0, 1, 2]
    item_done = {e.item: e.data["outputs"] for e in node_events(sink, "u", "node.finished") if e.item is not None}
    assert item_done == {0: {"text": "A"}, 1: {"text": "B"}, 2: {"text": "C"}}
    parent_done = [e for e in node_events(sink, "u", "node.finished") if e.item is None]
    assert len(parent_done) == 1 and parent_done[0].data["outputs"] == {"text": ["A", "B", "C"]}
    assert node_events(sink, "u")[-1].type == "node.finished" and node_events(sink, "u")[-1].item is None


@pytest.mark.asyncio
async def test_a_map_respects_its_concurrency_limit():
    services = Services()
    g = PlanBuilder().add("l", ListOf, items=list(range(7)))
    g.add("s", Sleeper, seconds=0.02, map=("value", 3)).edge("l.items", "s.value")
    outcome, sink = await run_plan(g.plan(), services=services)
    assert outcome.status == "succeeded"
    assert services.max_in_flight == 3
    assert node_events(sink, "s", "node.finished")[-1].data["outputs"] == {"value": list(range(7))}


@pytest.mark.asyncio
async def test_map_items_share_the_run_limit_without_deadlock():
    services = Services()
    g = PlanBuilder().add("l", ListOf, items=list(range(6)))
    g.add("s", Sleeper, seconds=0.01, map=("value", 8)).edge("l.items", "s.value")
    g.add("t", Sleeper, seconds=0.01, map=("value", 8)).edge("l.items", "t.value")
    outcome, _ = await run_plan(g.plan(), services=services, concurrency=1)
    assert outcome.status == "succeeded"
    assert services.max_in_flight == 1


@pytest.mark.asyncio
async def test_a_map_over_an_empty_list_succeeds_with_empty_lists():
    outcome, sink = await run_plan(mapped_upper([]).plan())
    assert outcome.status == "succeeded"
    assert outcome.outputs == {"texts": []}
    assert node_events(sink, "u", "node.started")[0].payload["items"] == 0


@pytest.mark.asyncio
async def test_a_map_over_something_that_is_not_a_list_fails_with_bad_input():
    g = PlanBuilder().add("c", Const, value="not a list").add("u", Upper, map=("text", 2)).edge("c.value", "u.text")
    outcome, sink = await run_plan(g.plan())
    assert outcome.status == "failed"
    error = node_events(sink, "u", "node.failed")[0].payload["error"]
    assert error["kind"] == "bad_input" and error["field"] == "text" and "'text'" in error["message"]


@pytest.mark.asyncio
async def test_a_failing_item_fails_the_mapped_node_and_abandons_downstream():
    g = PlanBuilder().add("l", ListOf, items=["a", "b"])
    g.add("f", Failer, failures=99, retryable=False, map=("value", 1)).edge("l.items", "f.value")
    g.add("out", Output).edge("f.value", "out.value")
    outcome, sink = await run_plan(g.plan())
    assert outcome.status == "failed"
    assert outcome.node_states == {"l": "succeeded", "f": "failed", "out": "abandoned"}
    parent_failed = [e for e in node_events(sink, "f", "node.failed") if e.item is None]
    assert parent_failed[0].payload["error"]["message"].startswith("item 0:")
    assert outcome.error["node"] == "f"
