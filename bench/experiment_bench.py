"""Experiment throughput: 200 rows × 3 variants (600 ordinary runs) against the offline fake
provider at 200 ms per LLM call, concurrency 50, through the whole stack (daphne, a Celery
worker, Redis, SQLite). Wall time from the POST that creates the experiment to the moment its
status is terminal. Floor: 600 / 50 × 0.2 s = 2.4 s.

Prints one JSON line per figure: experiment_600_runs_s, plus where the time went.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.graph_doc import GraphDoc  # noqa: E402
from fomo.stack import Api, start_stack  # noqa: E402

ROWS, CONCURRENCY, LATENCY_MS = 200, 50, 200


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}), flush=True)


def graph() -> dict:
    g = GraphDoc()
    g.node("question", "input", {"name": "question", "type": "text"})
    g.node("prompt", "prompt.template", {"template": "Answer briefly: {{ question }}"})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": LATENCY_MS})
    g.node("answer", "output", {"name": "answer"})
    g.edge("question", "value", "prompt", "question")
    g.edge("prompt", "text", "llm", "prompt")
    g.edge("llm", "text", "answer", "value")
    return g.doc()


def run_experiment(api: Api, pipeline_id: int, dataset_id: int, name: str) -> tuple[float, dict]:
    body = {"name": name, "dataset": dataset_id, "concurrency": CONCURRENCY, "output": "answer",
            "variants": [{"name": "small", "overrides": []},
                         {"name": "large", "overrides": [{"node": "llm", "field": "model", "value": "fake-large"}]},
                         {"name": "terse", "overrides": [{"node": "prompt", "field": "template",
                                                          "value": "One word: {{ question }}"}]}],
            "scorers": [{"kind": "contains"}, {"kind": "regex", "pattern": "^Summary"}]}
    t0 = time.time()
    resp = api.post(f"/api/pipelines/{pipeline_id}/experiments", body)
    assert resp.status_code == 201, resp.text
    created = time.time() - t0
    exp_id = resp.json()["id"]
    while True:  # a slow poll, so the poller does not compete for the CPU; the server says when it ended
        summary = next(e for e in api.get(f"/api/pipelines/{pipeline_id}/experiments").json() if e["id"] == exp_id)
        if summary["status"] != "running":
            break
        time.sleep(0.25)
    wall = datetime.fromisoformat(summary["finished_at"]).timestamp() - t0
    assert summary["status"] == "succeeded", summary
    assert summary["progress"]["done"] == 3 * ROWS, summary["progress"]
    return wall, {"create_s": created}


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-bench-exp-"))
    stack = start_stack(tmp, workers=1, extra_env={"FOMO_LEASE_SECONDS": "30", "FOMO_LOG_LEVEL": "WARNING"})
    try:
        api = stack.client("alice")
        pipeline = api.create_pipeline(graph(), name="experiment bench")
        rows = [{"inputs": {"question": f"question number {i} about otters"}, "expected": "Summary"}
                for i in range(ROWS)]
        resp = api.post("/api/workspaces/{}/datasets".format(pipeline["workspace"]), {"name": "bench", "rows": rows})
        assert resp.status_code == 201, resp.text
        dataset_id = resp.json()["id"]
        run_experiment(api, pipeline["id"], dataset_id, "warm-up")
        wall, parts = run_experiment(api, pipeline["id"], dataset_id, "bench")
        emit("experiment_600_runs_s", wall, "s")
        emit("experiment_600_runs_create_s", parts["create_s"], "s")
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
