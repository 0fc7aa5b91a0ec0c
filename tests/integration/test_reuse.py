"""Run from here and pins: recorded outputs are reused instead of paid for again."""
from __future__ import annotations

import json

import pytest

from fomo.stack import read_events, start_stack
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration]


def calls_for(log, step: int) -> int:
    return sum(1 for line in log.read_text().splitlines() if json.loads(line)["last_user"].startswith(f"step {step}:"))


def run_to_end(api, pipeline_id, body):
    resp = api.post(f"/api/pipelines/{pipeline_id}/runs", body)
    assert resp.status_code == 201, resp.text
    run = resp.json()
    with api.websocket(run["id"]) as ws:
        events = read_events(ws)
    return run, events


def test_run_from_here_and_pins_reuse_recorded_outputs(fresh_stack_dir):
    log = fresh_stack_dir / "calls.jsonl"
    stack = start_stack(fresh_stack_dir, extra_env={"FOMO_FAKE_CALL_LOG": str(log)})
    try:
        api = stack.client("alice")
        pipeline = api.create_pipeline(llm_chain(3, latency_ms=0))
        first, _ = run_to_end(api, pipeline["id"], {"inputs": {"topic": "reuse"}})

        # Edit step 3's prompt, then re-run from it: steps 1 and 2 are reused, step 3 runs.
        doc = api.get(f"/api/pipelines/{pipeline['id']}").json()
        for node in doc["graph"]["nodes"]:
            if node["id"] == "p3":
                node["config"]["template"] = "step 3: shorter {{ x }}"
        assert api.put(f"/api/pipelines/{pipeline['id']}/draft",
                       {"graph": doc["graph"], "base_revision": doc["revision"]}).status_code == 200
        second, events = run_to_end(api, pipeline["id"], {"inputs": {"topic": "reuse"}, "from_run": first["id"],
                                                           "from_node": "p3"})
        assert set(second["reused"]) == {"topic", "p1", "llm1", "p2", "llm2"}
        assert events[0]["payload"]["resumed"] and events[-1]["payload"]["status"] == "succeeded"
        assert {e["node_id"] for e in events if e["type"] == "node.started"} == {"p3", "llm3", "out"}
        assert calls_for(log, 1) == 1 and calls_for(log, 2) == 1 and calls_for(log, 3) == 2
        detail = api.get(f"/api/runs/{second['id']}").json()
        reused = {n["node_id"]: n["reused_from"] for n in detail["nodes"] if n["item"] is None}
        assert reused["llm2"] == first["id"] and reused["llm3"] is None
        assert detail["outputs"]["result"]

        # Pin llm1 to the first run, change the run input: llm1 is not called again.
        doc = api.get(f"/api/pipelines/{pipeline['id']}").json()
        for node in doc["graph"]["nodes"]:
            if node["id"] == "llm1":
                node["pinned"] = {"run": first["id"]}
        api.put(f"/api/pipelines/{pipeline['id']}/draft", {"graph": doc["graph"], "base_revision": doc["revision"]})
        third, _ = run_to_end(api, pipeline["id"], {"inputs": {"topic": "something else"}})
        assert third["reused"] == {"llm1": first["id"]}
        assert calls_for(log, 1) == 1 and calls_for(log, 2) == 2

        # A pin to a run without that node's output is refused, keyed to the node.
        for node in doc["graph"]["nodes"]:
            if node["id"] == "llm1":
                node["pinned"] = {"run": 999999}
        rev = api.get(f"/api/pipelines/{pipeline['id']}").json()["revision"]
        api.put(f"/api/pipelines/{pipeline['id']}/draft", {"graph": doc["graph"], "base_revision": rev})
        bad = api.post(f"/api/pipelines/{pipeline['id']}/runs", {"inputs": {"topic": "x"}})
        assert bad.status_code == 400 and bad.json()["error"]["details"]["errors"][0]["node"] == "llm1"
        bad = api.post(f"/api/pipelines/{pipeline['id']}/runs",
                       {"inputs": {"topic": "x"}, "from_run": first["id"], "from_node": "nope"})
        assert bad.status_code == 400
    finally:
        stack.stop()
