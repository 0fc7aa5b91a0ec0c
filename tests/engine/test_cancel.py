"""Cancellation stops running work promptly and records what never ran."""
from __future__ import annotations

import asyncio
import time

import pytest
from engine_kit import Const, ListOf, PlanBuilder, Sleeper, Upper, node_events

from runs.engine import Engine, ListSink


def long_plan():
    g = PlanBuilder().add("c", Const, value="v").add("long", Sleeper, seconds=10).add("after", Upper)
    return g.edge("c.value", "long.value").edge("long.value", "after.text").plan()


@pytest.mark.asyncio
async def test_cancel_stops_a_long_sleeper_promptly_and_marks_nodes_cancelled():
    sink = ListSink()
    engine = Engine(long_plan(), sink, run_id="r")
    task = asyncio.create_task(engine.run())
    await asyncio.sleep(0.05)
    asked = time.monotonic()
    engine.cancel()
    outcome = await asyncio.wait_for(task, 1)
    assert time.monotonic() - asked < 0.15
    assert outcome.status == "cancelled"
    assert outcome.node_states == {"c": "succeeded", "long": "cancelled", "after": "cancelled"}
    skipped = {e.node_id: e.payload for e in sink.of_type("node.skipped")}
    assert skipped == {"long": {"state": "cancelled", "reason": "run cancelled"},
                       "after": {"state": "cancelled", "reason": "run cancelled"}}
    assert sink.events[-1].type == "run.finished" and sink.events[-1].payload["status"] == "cancelled"


@pytest.mark.asyncio
async def test_cancel_stops_map_items_in_flight():
    g = PlanBuilder().add("l", ListOf, items=[1, 2, 3]).add("s", Sleeper, seconds=10, map=("value", 2))
    sink = ListSink()
    engine = Engine(g.edge("l.items", "s.value").plan(), sink, run_id="r")
    task = asyncio.create_task(engine.run())
    await asyncio.sleep(0.05)
    engine.cancel()
    outcome = await asyncio.wait_for(task, 1)
    assert outcome.status == "cancelled" and outcome.node_states["s"] == "cancelled"
    assert not node_events(sink, "s", "node.finished")


@pytest.mark.asyncio
async def test_cancel_before_the_run_starts_runs_nothing():
    sink = ListSink()
    engine = Engine(long_plan(), sink, run_id="r")
    engine.cancel()
    outcome = await engine.run()
    assert outcome.status == "cancelled"
    assert set(outcome.node_states.values()) == {"cancelled"}
    assert not sink.of_type("node.started")
