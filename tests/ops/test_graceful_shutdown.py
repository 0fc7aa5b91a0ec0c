"""A worker asked to stop (SIGTERM, Celery's warm shutdown) with a run in flight: after its grace
period it hands the run back, another worker resumes it from the recorded results, and no node
whose success was recorded runs again (calls are counted at the fake provider, across processes)."""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

from fomo.stack import read_events, start_stack
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def holder(stack, api, run_id: int):
    """The worker process holding the run's lease (the owner is ``host:pid:nonce``)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ops = api.get("/api/ops").json()
        owner = (ops["oldest_running"] or {}).get("lease_owner", "")
        if owner.count(":") == 2:
            pid = int(owner.split(":")[1])
            return next(w for w in stack.workers if w.pid == pid)
        time.sleep(0.1)
    raise AssertionError("no worker claimed the run")


def test_a_stopping_worker_hands_its_run_to_another_without_rerunning_steps(fresh_stack_dir):
    call_log = fresh_stack_dir / "calls.jsonl"
    stack = start_stack(fresh_stack_dir, workers=2, extra_env={
        "FOMO_FAKE_CALL_LOG": str(call_log), "FOMO_SHUTDOWN_GRACE_SECONDS": "1",
        # Leases far longer than the test: only a hand-back, not an expiry, can move the run.
        "FOMO_LEASE_SECONDS": "120"})
    try:
        api = stack.client("alice")
        pipeline = api.create_pipeline(llm_chain(8, latency_ms=400))
        run = api.start_run(pipeline["id"], {"topic": "deploy"})
        with api.websocket(run["id"]) as ws:
            seen = []
            while sum(1 for e in seen if e["type"] == "node.finished" and e["node_id"].startswith("llm")) < 2:
                seen.extend(read_events(ws, stop_after=1))
            stopping = holder(stack, api, run["id"])
            os.kill(stopping.pid, signal.SIGTERM)
            asked = time.monotonic()
            stopping.wait(timeout=20)
            stopped_in = time.monotonic() - asked
            rest = read_events(ws, timeout=60)
        events = seen + rest
        finished = [e["node_id"] for e in events if e["type"] == "node.finished" and e["node_id"].startswith("llm")]

        assert stopped_in < 8, f"the worker took {stopped_in:.1f}s to stop with a 1s grace period"
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[-1]["type"] == "run.finished" and events[-1]["payload"]["status"] == "succeeded"
        started = [e for e in events if e["type"] == "run.started"]
        assert len(started) == 2, "the run was not resumed by another worker"
        assert set(started[1]["payload"]["resumed"]) >= {n for n in finished[:2]}
        assert len(finished) == len(set(finished)) == 8

        calls = [json.loads(line) for line in call_log.read_text().splitlines()]
        pids = {c["pid"] for c in calls}
        assert len(pids) == 2 and stopping.pid in pids
        before = {e["node_id"] for e in seen if e["type"] == "node.finished"}
        for node in before:
            if node.startswith("llm"):
                step = node.removeprefix("llm")
                made = [c for c in calls if c["last_user"].startswith(f"step {step}:")]
                assert len(made) == 1, f"{node} ran {len(made)} times"
        detail = api.get(f"/api/runs/{run['id']}").json()
        # A hand-back is not a crash: the attempt it used is given back.
        assert detail["status"] == "succeeded" and detail["attempt"] == 1
    except BaseException:
        for log in sorted(fresh_stack_dir.glob("worker-*.log")):
            print(f"==== {log.name}\n{log.read_text()[-4000:]}")
        raise
    finally:
        stack.stop()
