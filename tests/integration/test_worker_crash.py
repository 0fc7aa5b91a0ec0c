"""A worker killed with SIGKILL mid-run: another worker finishes the run and no node whose
success was recorded runs again (calls are counted at the fake provider, across processes)."""
from __future__ import annotations

import json

import pytest

from fomo import launcher
from fomo.stack import read_events, start_stack
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def test_a_killed_worker_hands_the_run_over_without_rerunning_finished_nodes(fresh_stack_dir):
    call_log = fresh_stack_dir / "calls.jsonl"
    stack = start_stack(fresh_stack_dir, workers=1, extra_env={"FOMO_FAKE_CALL_LOG": str(call_log)})
    try:
        api = stack.client("alice")
        pipeline = api.create_pipeline(llm_chain(8, latency_ms=400))
        run = api.start_run(pipeline["id"], {"topic": "crash"})
        with api.websocket(run["id"]) as ws:
            seen = []
            while sum(1 for e in seen if e["type"] == "node.finished" and e["node_id"].startswith("llm")) < 3:
                seen.extend(read_events(ws, stop_after=1))
            launcher.kill_hard(stack.workers[0])
            finished_before = {e["node_id"] for e in seen if e["type"] == "node.finished"}
            stack.start_worker("w2")
            rest = read_events(ws, timeout=90)
        events = seen + rest
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[-1]["payload"]["status"] == "succeeded"
        assert sum(1 for e in events if e["type"] == "run.started") == 2
        resumed = [e for e in events if e["type"] == "run.started"][1]["payload"]["resumed"]
        assert {n for n in finished_before if n.startswith("llm")} <= set(resumed)

        calls = [json.loads(line) for line in call_log.read_text().splitlines()]
        for node in finished_before:
            if node.startswith("llm"):
                step = node.removeprefix("llm")
                made = [c for c in calls if c["last_user"].startswith(f"step {step}:")]
                assert len(made) == 1, f"{node} ran {len(made)} times"
        assert len({c["pid"] for c in calls}) == 2
        detail = api.get(f"/api/runs/{run['id']}").json()
        assert detail["status"] == "succeeded" and detail["attempt"] == 2
    finally:
        stack.stop()
