"""Token streaming is coalesced; usage and cost add up per node and per run."""
from __future__ import annotations

import pytest
from engine_kit import PlanBuilder, Spender, Streamer, node_events, run_plan


@pytest.mark.asyncio
async def test_many_tokens_become_few_events_with_the_same_text():
    g = PlanBuilder().add("s", Streamer, tokens=500, every=50, pause_s=0.01)
    outcome, sink = await run_plan(g.plan())
    tokens = node_events(sink, "s", "node.token")
    assert 1 <= len(tokens) <= 25
    text = "".join(e.payload["text"] for e in tokens)
    assert text == node_events(sink, "s", "node.finished")[0].data["outputs"]["text"]
    assert all(e.payload["attempt"] == 1 for e in tokens)
    last_token = sink.events.index(tokens[-1])
    assert sink.events.index(node_events(sink, "s", "node.finished")[0]) > last_token


@pytest.mark.asyncio
async def test_a_stalled_stream_still_shows_its_tokens_before_it_ends():
    g = PlanBuilder().add("s", Streamer, tokens=4, every=2, pause_s=0.1)
    _, sink = await run_plan(g.plan())
    tokens = node_events(sink, "s", "node.token")
    assert "".join(e.payload["text"] for e in tokens) == "t0 t1 t2 t3 "
    assert len(tokens) >= 2  # the first pair was flushed by the timer, not at the end


@pytest.mark.asyncio
async def test_usage_and_cost_add_up_per_node_and_per_run():
    g = PlanBuilder().add("a", Spender, calls=2, cost=0.25).add("b", Spender, model="n", cost=0.5)
    outcome, sink = await run_plan(g.plan())
    a = node_events(sink, "a", "node.finished")[0].payload
    assert a["usage"] == {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30, "model": "m"}
    assert a["cost"] == pytest.approx(0.5)
    assert outcome.usage == {"prompt_tokens": 30, "completion_tokens": 15, "total_tokens": 45}
    assert outcome.cost == pytest.approx(1.0)
    assert sink.events[-1].payload["usage"] == outcome.usage
    assert sink.events[-1].payload["cost"] == pytest.approx(1.0)


@pytest.mark.asyncio
async def test_cost_is_unknown_when_any_call_has_an_unknown_price():
    g = PlanBuilder().add("a", Spender, cost=0.25).add("b", Spender, cost=None)
    outcome, sink = await run_plan(g.plan())
    assert node_events(sink, "a", "node.finished")[0].payload["cost"] == pytest.approx(0.25)
    assert node_events(sink, "b", "node.finished")[0].payload["cost"] is None
    assert outcome.cost is None and outcome.usage["total_tokens"] == 30


@pytest.mark.asyncio
async def test_usage_of_map_items_sums_on_the_parent():
    from engine_kit import ListOf

    g = PlanBuilder().add("l", ListOf, items=[1, 2, 3]).add("s", Spender, map=("value", 2), cost=0.1)
    g.nodes["s"].inputs.append(__import__("builder.nodes.base", fromlist=["Port"]).Port("value", "any"))
    g.edge("l.items", "s.value")
    outcome, sink = await run_plan(g.plan())
    parent = [e for e in node_events(sink, "s", "node.finished") if e.item is None][0].payload
    assert parent["usage"]["total_tokens"] == 45 and parent["cost"] == pytest.approx(0.3)
    assert outcome.cost == pytest.approx(0.3)


class _ThreadedStreamer(__import__("builder.nodes.base", fromlist=["Node"]).Node):
    """Streams from a worker thread, as a node wrapping a sync SDK would."""

    type = "t.threaded"
    title = "Threaded"
    category = "test"

    async def run(self, ctx, config, inputs):
        import asyncio

        def work():
            for i in range(100):
                ctx.token(f"{i},")
            ctx.usage(model="m", prompt_tokens=1, completion_tokens=2, cost=0.5)

        await asyncio.to_thread(work)  # the hops are queued before the thread's result
        return {"text": "done"}


@pytest.mark.asyncio
async def test_tokens_and_usage_from_a_worker_thread_reach_the_run():
    outcome, sink = await run_plan(PlanBuilder().add("t", _ThreadedStreamer).plan())
    text = "".join(e.payload["text"] for e in node_events(sink, "t", "node.token"))
    assert text == "".join(f"{i}," for i in range(100))
    assert outcome.usage["total_tokens"] == 3 and outcome.cost == pytest.approx(0.5)
