"""Retries, timeouts and how failures are described."""
from __future__ import annotations

import pytest
from engine_kit import Boom, Failer, PlanBuilder, Services, Sleeper, node_events, run_plan


@pytest.mark.asyncio
async def test_a_retryable_error_is_retried_until_it_succeeds():
    services = Services()
    g = PlanBuilder().add("f", Failer, failures=2, retry=(3, 0.001))
    outcome, sink = await run_plan(g.plan(), services=services)
    assert outcome.status == "succeeded"
    assert services.calls["f"] == 3
    failed = node_events(sink, "f", "node.failed")
    assert [e.payload["will_retry"] for e in failed] == [True, True]
    assert [e.payload["attempt"] for e in failed] == [1, 2]
    assert [e.payload["attempt"] for e in node_events(sink, "f", "node.started")] == [1, 2, 3]
    assert node_events(sink, "f", "node.finished")[0].payload["attempt"] == 3


@pytest.mark.asyncio
async def test_retries_stop_after_the_last_attempt():
    services = Services()
    outcome, sink = await run_plan(PlanBuilder().add("f", Failer, failures=9, retry=(2, 0.001)).plan(),
                                   services=services)
    assert outcome.status == "failed" and services.calls["f"] == 2
    assert [e.payload["will_retry"] for e in node_events(sink, "f", "node.failed")] == [True, False]


@pytest.mark.asyncio
async def test_a_non_retryable_error_is_not_retried():
    services = Services()
    g = PlanBuilder().add("f", Failer, failures=2, retryable=False, kind="auth", retry=(3, 0.001))
    outcome, sink = await run_plan(g.plan(), services=services)
    assert outcome.status == "failed"
    assert services.calls["f"] == 1
    failed = node_events(sink, "f", "node.failed")
    assert len(failed) == 1 and failed[0].payload["will_retry"] is False
    assert failed[0].payload["error"] == {"kind": "auth", "message": "upstream said no", "retryable": False,
                                          "field": None}
    assert outcome.error == {"node": "f", "kind": "auth", "message": "upstream said no"}


@pytest.mark.asyncio
async def test_a_slow_node_times_out_with_kind_timeout():
    g = PlanBuilder().add("s", Sleeper, seconds=5, timeout_s=0.05)
    outcome, sink = await run_plan(g.plan())
    assert outcome.status == "failed"
    error = node_events(sink, "s", "node.failed")[0].payload["error"]
    assert error["kind"] == "timeout" and error["retryable"] is True
    assert outcome.node_errors["s"]["kind"] == "timeout"


@pytest.mark.asyncio
async def test_a_timeout_is_retried_like_any_retryable_error():
    services = Services()
    g = PlanBuilder().add("s", Sleeper, seconds=5, timeout_s=0.02, retry=(2, 0.001))
    outcome, sink = await run_plan(g.plan(), services=services)
    assert services.calls["s"] == 2
    assert [e.payload["will_retry"] for e in node_events(sink, "s", "node.failed")] == [True, False]


@pytest.mark.asyncio
async def test_an_unexpected_exception_is_an_internal_error_without_traceback():
    g = PlanBuilder().add("b", Boom, retry=(3, 0.001))
    outcome, sink = await run_plan(g.plan())
    failed = node_events(sink, "b", "node.failed")
    assert len(failed) == 1
    error = failed[0].payload["error"]
    assert error == {"kind": "internal", "message": "ValueError: secret internals went wrong",
                     "retryable": False, "field": None}
    assert "Traceback" not in repr([e.payload for e in sink.events])


@pytest.mark.asyncio
async def test_tokens_of_a_failed_attempt_carry_that_attempt():
    g = PlanBuilder().add("f", Failer, failures=1, retry=(2, 0.001))
    _, sink = await run_plan(g.plan())
    tokens = [(e.payload["attempt"], e.payload["text"]) for e in node_events(sink, "f", "node.token")]
    assert tokens == [(1, "try 1 "), (2, "try 2 ")]


class _SelfCancelling(__import__("builder.nodes.base", fromlist=["Node"]).Node):
    type = "t.selfcancel"
    title = "Self-cancelling"
    category = "test"

    async def run(self, ctx, config, inputs):
        import asyncio

        inner = asyncio.get_running_loop().create_future()
        inner.cancel()
        await inner  # raises CancelledError although nobody cancelled the node's task
        return {}


@pytest.mark.asyncio
async def test_a_cancelled_error_from_inside_a_node_fails_it_instead_of_hanging_the_run():
    import asyncio

    outcome, sink = await asyncio.wait_for(run_plan(PlanBuilder().add("x", _SelfCancelling).plan()), 1)
    assert outcome.status == "failed"
    assert node_events(sink, "x", "node.failed")[0].payload["error"]["kind"] == "internal"


@pytest.mark.asyncio
async def test_a_node_backing_off_does_not_hold_a_run_slot():
    g = PlanBuilder().add("f", Failer, failures=1, retry=(2, 0.3)).add("s", Sleeper, seconds=0.01)
    outcome, sink = await run_plan(g.plan(), concurrency=1)
    assert outcome.status == "succeeded"
    retry_started = node_events(sink, "f", "node.started")[1].ts
    assert node_events(sink, "s", "node.finished")[0].ts < retry_started
