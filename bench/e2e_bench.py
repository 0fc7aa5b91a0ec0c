"""Whole-stack figures: HTTP POST to the terminal websocket event, with the trace persisted.

Starts its own stack (daphne, Celery workers, SQLite in a temp folder, the local Redis) and
prints one JSON line per figure.
"""
from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from builder.graph_doc import GraphDoc  # noqa: E402
from fomo import launcher  # noqa: E402
from fomo.stack import Api, read_events, start_stack  # noqa: E402


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}), flush=True)


def chain(n: int) -> dict:
    g = GraphDoc()
    g.node("n0", "text.constant", {"text": "hello"})
    for i in range(1, n):
        g.node(f"n{i}", "prompt.template", {"template": "{{ x }}!"})
        g.edge(f"n{i - 1}", "text", f"n{i}", "x")
    g.node("out", "output", {"name": "result"})
    g.edge(f"n{n - 1}", "text", "out", "value")
    return g.doc()


def fanout(width: int, latency_ms: int) -> dict:
    g = GraphDoc()
    g.node("q", "text.constant", {"text": "question"})
    g.node("join", "text.join", {"separator": "\n"})
    for i in range(width):
        g.node(f"llm{i}", "llm.chat", {"model": "fake-small", "latency_ms": latency_ms})
        g.edge("q", "text", f"llm{i}", "prompt")
        g.edge(f"llm{i}", "text", "join", "texts")
    g.node("out", "output", {"name": "result"})
    g.edge("join", "text", "out", "value")
    return g.doc()


def run_once(api: Api, pipeline_id: int) -> float:
    t0 = time.perf_counter()
    resp = api.post(f"/api/pipelines/{pipeline_id}/runs", {"inputs": {}})
    run_id = resp.json()["id"]
    with api.websocket(run_id) as ws:
        events = read_events(ws)
    elapsed = (time.perf_counter() - t0) * 1000
    assert events[-1]["payload"]["status"] == "succeeded", events[-1]
    return elapsed


def median_ms(api: Api, pipeline_id: int, reps: int) -> float:
    run_once(api, pipeline_id)  # warm-up
    return statistics.median(run_once(api, pipeline_id) for _ in range(reps))


def throughput(stack, api_factory, pipeline_id: int, clients: int, seconds: float) -> float:
    done = [0] * clients
    # Log in before the clock starts: a log-in is a deliberately slow password hash (PBKDF2),
    # which measured 39% of the web process's CPU when it fell inside the timed window.
    apis = [api_factory() for _ in range(clients)]
    for api in apis:
        run_once(api, pipeline_id)
    stop_at = time.perf_counter() + seconds

    def client(i: int) -> None:
        while time.perf_counter() < stop_at:
            run_once(apis[i], pipeline_id)
            done[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - t0)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-bench-"))
    stack = None
    try:
        t0 = time.perf_counter()
        stack = start_stack(tmp, workers=0, extra_env={"FOMO_LEASE_SECONDS": "30", "FOMO_LOG_LEVEL": "WARNING"})
        # startup_s: processes started to healthy (after set-up), as `make up` does.
        launcher.stop(stack.web)
        t0 = time.perf_counter()
        stack.start_worker("w1", concurrency=64)
        stack.web = launcher.start_daphne(stack.env, stack.port, log=tmp / "web.log")
        launcher.wait_for(lambda: launcher.http_ok(f"{stack.url}/healthz"), 60, "healthy")
        emit("startup_s", time.perf_counter() - t0, "s")

        api = stack.client("alice")
        c10 = api.create_pipeline(chain(10), "chain10")["id"]
        c200 = api.create_pipeline(chain(200), "chain200")["id"]
        fan = api.create_pipeline(fanout(50, 100), "fanout")["id"]
        emit("e2e_chain10_ms", median_ms(api, c10, 15), "ms")
        emit("e2e_chain200_ms", median_ms(api, c200, 7), "ms")
        emit("e2e_fanout50x100_ms", median_ms(api, fan, 7), "ms")

        stack.start_worker("w2", concurrency=64)
        time.sleep(2)
        emit("throughput_chain10_runs_per_s",
             throughput(stack, lambda: stack.client("alice"), c10, clients=4, seconds=10), "runs/s")
        web = psutil.Process(stack.web.pid)
        emit("rss_web_mb", web.memory_info().rss / 2**20, "MB")
        emit("rss_worker_mb", max(psutil.Process(w.pid).memory_info().rss for w in stack.workers) / 2**20, "MB")
    finally:
        if stack is not None:
            stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
