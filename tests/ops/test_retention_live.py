"""Retention in a real worker: with FOMO_RETENTION_KEEP_RUNS set, the worker's periodic pass prunes
finished runs beyond the newest N of each pipeline, and the pipeline's history says so."""
from __future__ import annotations

import time

import pytest

from fomo.stack import start_stack
from tests.integration.graphs import llm_chain

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def test_a_worker_prunes_beyond_the_newest_runs(fresh_stack_dir):
    stack = start_stack(fresh_stack_dir, workers=1, extra_env={
        "FOMO_RETENTION_KEEP_RUNS": "2", "FOMO_RETENTION_EVERY_SECONDS": "1"})
    try:
        api = stack.client("alice")
        pipeline = api.create_pipeline(llm_chain(1, latency_ms=0))
        started = [api.start_run(pipeline["id"], {"topic": f"t{i}"})["id"] for i in range(4)]
        deadline = time.monotonic() + 40
        runs: list[dict] = []
        while time.monotonic() < deadline:
            runs = api.get(f"/api/pipelines/{pipeline['id']}/runs").json()
            pruned = api.get(f"/api/pipelines/{pipeline['id']}/pruned").json()
            if pruned["total"]["runs"] == 2 and len(runs) == 2:
                break
            time.sleep(0.5)
        assert [r["id"] for r in runs] == sorted(started, reverse=True)[:2], runs
        assert all(r["status"] == "succeeded" for r in runs)
        assert pruned["total"]["runs"] == 2 and pruned["total"]["events"] > 0
        assert all(rec["keep_runs"] == 2 and rec["cutoff"] is None for rec in pruned["records"])
        assert api.get(f"/api/runs/{min(started)}").status_code == 404
    finally:
        stack.stop()
