"""A sink that breaks ends the run with its exception instead of hanging it."""
from __future__ import annotations

import asyncio

import pytest
from engine_kit import Const, ListOf, PlanBuilder, Upper

from runs.engine import Engine, ListSink


class BreaksOnFinished(ListSink):
    def emit(self, event):
        if event.type == "node.finished" and event.node_id == "u":
            raise OSError("database is gone")
        super().emit(event)


@pytest.mark.asyncio
@pytest.mark.parametrize("mapped", [False, True])
async def test_a_broken_sink_aborts_the_run_with_its_exception(mapped):
    g = PlanBuilder()
    if mapped:
        g.add("l", ListOf, items=["a"]).add("u", Upper, map=("text", 2)).edge("l.items", "u.text")
    else:
        g.add("l", Const, value="a").add("u", Upper).edge("l.value", "u.text")
    engine = Engine(g.plan(), BreaksOnFinished(), run_id="r")
    with pytest.raises(OSError, match="database is gone"):
        await asyncio.wait_for(engine.run(), 1)
