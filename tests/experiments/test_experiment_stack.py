"""Experiments through the real stack (daphne, a Celery worker, Redis): every (variant, row)
pair is an ordinary run with its trace, at most ``concurrency`` of them at once; the fake
provider answers differently per model, so the scores differ deterministically; cancelling
mid-way leaves finished runs as they were."""
from __future__ import annotations

import time
from typing import Any

import pytest

from builder.providers.fake import reply_for
from fomo import launcher
from tests.experiments.conftest import qa_graph

pytestmark = [pytest.mark.integration]

ROWS = 20


def question(i: int) -> str:
    return f"what do otters eat, case {i}?"


def small_answer(i: int) -> str:
    return reply_for("fake-small", [{"role": "user", "content": f"Answer: {question(i)}"}])


def make_dataset(api: Any, workspace: int, name: str) -> int:
    rows = [{"inputs": {"question": question(i)}, "expected": small_answer(i)} for i in range(ROWS)]
    resp = api.post(f"/api/workspaces/{workspace}/datasets", {"name": name, "rows": rows})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def wait_for(api: Any, exp_id: int, done: Any, timeout: float = 45) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = api.get(f"/api/experiments/{exp_id}").json()
        if done(body):
            return body
        assert time.monotonic() < deadline, body["progress"]
        time.sleep(0.2)


def max_overlap(runs: list[dict[str, Any]]) -> int:
    edges = sorted([(r["started_at"], 1) for r in runs if r["started_at"]] +
                   [(r["finished_at"], -1) for r in runs if r["started_at"]])
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


@pytest.mark.postgres
def test_two_variants_over_twenty_rows_score_per_model(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(qa_graph(latency_ms=100), name="otters")
    dataset = make_dataset(api, pipeline["workspace"], "otters")
    resp = api.post(f"/api/pipelines/{pipeline['id']}/experiments", {
        "name": "small vs large", "dataset": dataset, "concurrency": 5,
        "variants": [{"name": "small", "overrides": []},
                     {"name": "large", "overrides": [{"node": "llm", "field": "model", "value": "fake-large"}]}],
        "scorers": [{"kind": "exact"}, {"kind": "contains"}, {"kind": "regex", "pattern": "^Detailed summary"},
                    {"kind": "similarity", "provider": "fake", "model": "fake-embed"},
                    {"kind": "judge", "provider": "fake", "model": "fake-small"}]})
    assert resp.status_code == 201, resp.text
    exp = wait_for(api, resp.json()["id"], lambda b: b["status"] != "running")
    assert exp["status"] == "succeeded"
    assert exp["progress"] == {"total": 40, "done": 40, "failed": 0, "cancelled": 0, "running": 0, "queued": 0}
    small, large = exp["aggregates"]
    assert small["mean_scores"]["exact"] == 1.0 and large["mean_scores"]["exact"] == 0.0
    assert small["mean_scores"]["regex"] == 0.0 and large["mean_scores"]["regex"] == 1.0
    assert small["mean_scores"]["similarity"] == pytest.approx(1.0)
    assert 0.0 < large["mean_scores"]["similarity"] < 0.95
    assert small["mean_scores"]["judge"] is None  # the fake judge answers without a grade...
    for agg in (small, large):  # ...but its tokens and cost are counted, apart from the runs'
        assert agg["runs_succeeded"] == ROWS and agg["judge_prompt_tokens"] > 0 and agg["judge_cost"] > 0
        assert agg["p50_ms"] >= 100 and agg["p95_ms"] >= agg["p50_ms"]
        assert agg["cost_per_row"] == pytest.approx(agg["total_cost"] / ROWS)
    assert large["total_cost"] > small["total_cost"] and large["completion_tokens"] > small["completion_tokens"]

    # Each cell is an ordinary run with its full trace, and no more than 5 ran at once.
    runs = [api.get(f"/api/runs/{c['run']}").json() for c in exp["cells"]]
    assert {r["status"] for r in runs} == {"succeeded"}
    assert all({n["node_id"] for n in r["nodes"]} == {"question", "prompt", "llm", "answer"} for r in runs)
    events = api.get(f"/api/runs/{exp['cells'][0]['run']}/events").json()["events"]
    assert events[0]["type"] == "run.started" and events[-1]["type"] == "run.finished"
    assert 2 <= max_overlap(runs) <= 5, max_overlap(runs)

    csv_text = api.get(f"/api/experiments/{exp['id']}/results.csv").text
    assert csv_text.count("\n") == ROWS + 1


@pytest.mark.postgres
def test_cancelling_mid_experiment_keeps_finished_runs(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(qa_graph(latency_ms=700), name="slow otters")
    dataset = make_dataset(api, pipeline["workspace"], "slow otters")
    resp = api.post(f"/api/pipelines/{pipeline['id']}/experiments", {
        "name": "to cancel", "dataset": dataset, "concurrency": 2, "scorers": [{"kind": "exact"}],
        "variants": [{"name": "a", "overrides": []},
                     {"name": "b", "overrides": [{"node": "llm", "field": "temperature", "value": 0.5}]}]})
    assert resp.status_code == 201, resp.text
    exp_id = resp.json()["id"]
    wait_for(api, exp_id, lambda b: b["progress"]["done"] >= 2)
    before = {c["run"]: c for c in api.get(f"/api/experiments/{exp_id}").json()["cells"] if c["status"] == "succeeded"}
    cancelled = api.post(f"/api/experiments/{exp_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] in ("cancelling", "cancelled")
    t0 = time.monotonic()
    exp = wait_for(api, exp_id, lambda b: b["status"] != "cancelling")
    # Terminal only once every run has stopped, and promptly: each running run was asked to stop.
    assert exp["status"] == "cancelled" and exp["progress"]["running"] == exp["progress"]["queued"] == 0
    assert time.monotonic() - t0 < 5
    p = exp["progress"]
    assert p["done"] + p["cancelled"] == 40 and 2 <= p["done"] <= 6, p
    for c in exp["cells"]:
        run = api.get(f"/api/runs/{c['run']}").json()
        if c["run"] in before:  # finished before the cancel: untouched
            assert run["status"] == "succeeded" and c["scores"] == before[c["run"]]["scores"] == {"exact": 1.0}
            assert run["outputs"]["answer"] == c["output"]
        else:
            assert run["status"] in ("succeeded", "cancelled")
    time.sleep(1.0)  # nothing more starts after the cancel
    later = api.get(f"/api/experiments/{exp_id}").json()
    assert later["progress"] == p and later["status"] == "cancelled"


def test_a_killed_worker_hands_the_experiment_to_another(live_stack):
    """The dispatcher's lease expires with its worker; another worker's sweep sends a new one,
    the runs the dead worker held are resumed by the run sweeper, and every cell ends scored.
    (The shared stack gets its replacement worker, whatever happens.)"""
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(qa_graph(latency_ms=400), name="crash otters")
    dataset = make_dataset(api, pipeline["workspace"], "crash otters")
    resp = api.post(f"/api/pipelines/{pipeline['id']}/experiments", {
        "name": "crash", "dataset": dataset, "concurrency": 8, "scorers": [{"kind": "exact"}],
        "variants": [{"name": "a", "overrides": []},
                     {"name": "b", "overrides": [{"node": "llm", "field": "model", "value": "fake-large"}]}]})
    assert resp.status_code == 201, resp.text
    exp_id = resp.json()["id"]
    replaced = False
    try:
        wait_for(api, exp_id, lambda b: b["progress"]["done"] >= 8 and b["progress"]["running"] > 0)
        for proc in live_stack.workers:
            if proc.poll() is None:
                launcher.kill_hard(proc)
        live_stack.start_worker(f"w{len(live_stack.workers) + 1}")
        replaced = True
        exp = wait_for(api, exp_id, lambda b: b["status"] != "running", timeout=90)
    finally:
        if not replaced:
            live_stack.start_worker(f"w{len(live_stack.workers) + 1}")
    assert exp["status"] == "succeeded"
    assert exp["progress"]["done"] == 40, exp["progress"]
    small, large = exp["aggregates"]
    assert (small["mean_scores"], large["mean_scores"]) == ({"exact": 1.0}, {"exact": 0.0})
    attempts = [api.get(f"/api/runs/{c['run']}").json()["attempt"] for c in exp["cells"]]
    assert max(attempts) == 2 and all(a in (1, 2) for a in attempts)  # the interrupted ones resumed once
