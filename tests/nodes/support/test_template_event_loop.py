"""A template bomb never holds the event loop it is awaited on: other coroutines keep ticking and
other renders keep their latency, and a render that overruns its budget is stopped hard (its pool
child is killed at the deadline and replaced)."""
from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from builder.nodes.support import render_pool, templating

BUDGET_S = 1.0
LIMIT_WORDS = r"took longer than|loops or calls more than|bits; the limit is|characters long"


@pytest.fixture(autouse=True)
def short_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templating, "MAX_SECONDS", BUDGET_S)


@pytest.fixture(autouse=True, scope="module")
def _stop_render_pool() -> Iterator[None]:
    yield
    render_pool.shutdown()  # the children this module started


def pool() -> Any:
    return render_pool.POOL


async def run_node(ctx: Any, template: str, inputs: dict[str, Any] | None = None) -> Any:
    spec = registry.get("prompt.template")
    try:
        return await spec.run(ctx, spec.parse_config({"template": template}), dict(inputs or {}))
    except NodeError as exc:
        return exc


async def while_ticking(coro: Any) -> tuple[Any, float, float]:
    """(result, longest gap between 10 ms ticks of another coroutine, seconds taken)."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    t0 = time.monotonic()
    try:
        result = await coro
    finally:
        took = time.monotonic() - t0
        done.set()
        await task
    return result, max(gaps), took


BOMBS = [
    "{% for a in 'x' * 30000 %}{% for b in 'x' * 10000 %}{% endfor %}{% endfor %}",
    "{% set x = 7 ** 30000 %}" + "{% set x = x * x %}" * 7 + "{{ x > 0 }}",
    "{% set x = 2 ** 49000 %}{% for i in range(100000) %}{% set y = x * x %}{% endfor %}done",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(22) }}",
]


@pytest.mark.parametrize("template", BOMBS)
def test_a_template_bomb_does_not_hold_the_event_loop(ctx, template):
    result, gap, took = asyncio.run(while_ticking(run_node(ctx, template)))
    assert isinstance(result, NodeError) and result.kind == "template", result
    assert re.search(LIMIT_WORDS, result.message), result.message
    assert gap < 0.25, f"the event loop was held for {gap:.2f}s"
    assert took < BUDGET_S + 1.0


def test_a_render_that_overruns_is_killed_at_its_budget_and_its_child_replaced(ctx):
    # Each step is a ~6 ms big-number division: the child's own clock (read every 1,024 steps)
    # would notice only after ~6 s; the parent kills the child at the budget instead.
    template = ("{% set a = 2 ** 99000 + 1 %}{% set b = 3 ** 30000 %}"
                "{% for i in range(100000) %}{% set r = a % b %}{% endfor %}")
    kills = pool().kills
    result, gap, took = asyncio.run(while_ticking(run_node(ctx, template)))
    assert isinstance(result, NodeError) and "took longer than 1 second" in result.message
    assert took < BUDGET_S + 0.6
    assert pool().kills == kills + 1
    assert gap < 0.25
    out = asyncio.run(run_node(ctx, "{% for i in range(3) %}{{ i }}{% endfor %}"))
    assert out["text"] == "012"


def test_other_renders_keep_their_latency_while_a_bomb_runs(ctx):
    """Renders due every 50 ms while a bomb runs: each one's latency counts from when it was due,
    so a held loop shows up as lateness (the bomb runs for its whole 5 s budget; half a second of
    lateness allows for a loaded machine, never for a held loop)."""
    async def scenario() -> tuple[list[float], Any]:
        loop = asyncio.get_running_loop()
        await run_node(ctx, "{% for c in 'warm' %}{{ c }}{% endfor %}")  # the pool's first child starts once
        t0 = loop.time()
        bomb = asyncio.create_task(run_node(ctx, BOMBS[2]))

        async def due(i: int, template: str) -> float:
            await asyncio.sleep(0.05 * i)
            out = await run_node(ctx, template, {"x": f"run{i}"})
            assert out["text"].startswith(f"run{i}")
            return loop.time() - (t0 + 0.05 * i)

        latencies = await asyncio.gather(*(due(i, template) for i in range(20)
                                           for template in ("{{ x }}!", "{% for c in x %}{{ c }}{% endfor %}")))
        return list(latencies), await bomb

    latencies, bomb = asyncio.run(scenario())
    assert isinstance(bomb, NodeError)
    assert max(latencies) < 0.5, f"slowest ordinary render {max(latencies):.3f}s after it was due"


def test_a_text_join_template_bomb_does_not_hold_the_event_loop(ctx):
    spec = registry.get("text.join")

    async def join() -> Any:
        try:
            return await spec.run(ctx, spec.parse_config({"template": BOMBS[0]}), {"texts": ["a", "b"]})
        except NodeError as exc:
            return exc

    result, gap, took = asyncio.run(while_ticking(join()))
    assert isinstance(result, NodeError) and re.search(LIMIT_WORDS, result.message), result
    assert gap < 0.25, f"the event loop was held for {gap:.2f}s"


def test_a_judge_rubric_bomb_does_not_hold_the_event_loop():
    from builder.providers.registry import make_chat
    from experiments.scoring import ScoreContext, judge

    async def chat(provider: str, credential: str | None) -> Any:
        return make_chat(provider)

    context = ScoreContext(chat=chat)
    cfg = {"provider": "fake", "model": "fake-small", "rubric": BOMBS[0]}
    result, gap, took = asyncio.run(while_ticking(judge("out", "exp", cfg, context, {"q": "x"})))
    assert result.score is None and re.search(LIMIT_WORDS, result.error or ""), result
    assert gap < 0.25, f"the event loop was held for {gap:.2f}s"


def test_a_render_process_that_dies_fails_its_render_and_is_replaced(ctx):
    import os
    import signal

    async def scenario() -> Any:
        await run_node(ctx, "{% for c in 'warm' %}{{ c }}{% endfor %}")
        before = set(pool().pids())
        bomb = asyncio.create_task(run_node(ctx, BOMBS[2]))
        await asyncio.sleep(0.3)
        for pid in before:
            os.kill(pid, signal.SIGKILL)
        return await bomb

    result = asyncio.run(scenario())
    assert isinstance(result, NodeError) and "memory or CPU limit" in result.message
    out = asyncio.run(run_node(ctx, "{% for i in range(3) %}{{ i }}{% endfor %}"))
    assert out["text"] == "012"
