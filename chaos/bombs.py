"""Scenario i: template bombs on a worker while ordinary runs go on through it.

One worker (its own stack, so every run shares the bombs' worker and its event loop). First
``runs`` ordinary runs (a 3-step fake-LLM chain) alone, for the baseline; then the same number
again while a time bomb (a loop of big-number work that runs to the template budget), a hard-kill
bomb (steps too long for the child's own clock) and a run of memory bombs go on. Figures: the
bystanders' p99 end-to-end latency (created → finished) with and without the bombs, and the
growth of the worker's resident memory (with its render children) at its peak.
"""
from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime
from typing import Any

from builder.graph_doc import GraphDoc
from chaos.common import ChaosStack, Result, rss_mb, tagged_chain, wait_terminal

TIME_BOMB = "{% set x = 2 ** 49000 %}{% for i in range(100000) %}{% set y = x * x %}{% endfor %}done"
KILL_BOMB = ("{% set a = 2 ** 99000 + 1 %}{% set b = 3 ** 30000 %}"
             "{% for i in range(100000) %}{% set r = a % b %}{% endfor %}done")
MEMORY_BOMBS = ["{{ '%999999999s' % 'a' }}", "{{ '{:>999999999}'.format('a') }}", "{{ 'a'.ljust(999999999) }}",
                "{{ ('a' * 1000000).replace('a', 'a' * 1000) }}"]
LIMIT_WORDS = ("took longer than", "characters long", "loops or calls more than", "bits; the limit is")


def bomb_graph(templates: list[str]) -> dict[str, Any]:
    """input → one prompt.template per bomb (in parallel) → an output each."""
    g = GraphDoc()
    g.node("tag", "input", {"name": "tag", "type": "text"})
    for i, template in enumerate(templates):
        g.node(f"bomb{i}", "prompt.template", {"template": "{{ tag }}" + template})
        g.node(f"out{i}", "output", {"name": f"out{i}"})
        g.edge("tag", "value", f"bomb{i}", "tag")
        g.edge(f"bomb{i}", "text", f"out{i}", "value")
    return g.doc()


def _latency_ms(run: dict[str, Any]) -> float:
    created, finished = run.get("created_at"), run.get("finished_at")
    if not created or not finished:
        return float("inf")
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(created)).total_seconds() * 1000.0


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else 0.0


def _bystanders(api: Any, pipeline_id: int, runs: int, spacing_s: float, timeout_s: float,
                prefix: str) -> tuple[list[float], int]:
    ids = []
    for i in range(runs):
        ids.append(api.start_run(pipeline_id, {"tag": f"{prefix}{i}-{uuid.uuid4().hex[:6]}"})["id"])
        time.sleep(spacing_s)
    final = wait_terminal(api, [pipeline_id], ids, timeout_s)
    ok = sum(1 for r in ids if final.get(r, {}).get("status") == "succeeded")
    return [_latency_ms(final.get(r, {})) for r in ids], ok


def bomb_bystanders(cs: ChaosStack, runs: int = 20, spacing_s: float = 0.1, timeout_s: float = 120,
                    max_ratio: float = 1.5, max_rss_mb: float = 100.0) -> Result:
    res = Result("bombs")
    stack = cs.stack
    api = stack.client("alice")
    worker = stack.workers[0].pid
    ordinary = api.create_pipeline(tagged_chain(3, 100), name="chaos-bomb-bystander")
    bombs = api.create_pipeline(bomb_graph([TIME_BOMB, KILL_BOMB]), name="chaos-time-bomb")
    memory = api.create_pipeline(bomb_graph(MEMORY_BOMBS), name="chaos-memory-bomb")
    _bystanders(api, ordinary["id"], 2, 0.0, timeout_s, "warm")  # first-run costs out of the figures
    baseline, base_ok = _bystanders(api, ordinary["id"], runs, spacing_s, timeout_s, "base")
    rss0 = rss_mb(worker)
    peak = rss0
    sampling = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not sampling.wait(0.1):
            peak = max(peak, rss_mb(worker))

    sampler = threading.Thread(target=sample, daemon=True, name="chaos-rss")
    sampler.start()
    try:
        bomb_ids = [api.start_run(bombs["id"], {"tag": "t"})["id"], api.start_run(memory["id"], {"tag": "m"})["id"]]
        time.sleep(0.3)  # the bombs are rendering
        during, ok = _bystanders(api, ordinary["id"], runs, spacing_s, timeout_s, "during")
        final = wait_terminal(api, [bombs["id"], memory["id"]], bomb_ids, timeout_s)
    finally:
        sampling.set()
        sampler.join(timeout=5)
    peak = max(peak, rss_mb(worker))
    errors = []
    for rid in bomb_ids:
        detail = api.get(f"/api/runs/{rid}").json()
        res.check(final.get(rid, {}).get("status") == "failed", f"bomb run {rid} ended {final.get(rid)}")
        for node in detail.get("nodes", []):
            if node["node_id"].startswith("bomb"):
                error = node.get("error") or {}
                errors.append(error)
                res.check(error.get("kind") == "template" and any(w in str(error.get("message")) for w in LIMIT_WORDS),
                          f"bomb node {node['node_id']} of run {rid}: {error}")
    base_p99, during_p99 = _p99(baseline), _p99(during)
    ratio = during_p99 / base_p99 if base_p99 else float("inf")
    res.check(base_ok == runs and ok == runs,
              f"bystanders not succeeded: {base_ok}/{runs} alone, {ok}/{runs} beside bombs")
    res.check(ratio <= max_ratio, f"bystander p99 {during_p99:.0f} ms beside bombs vs {base_p99:.0f} ms alone "
                                  f"(x{ratio:.2f} > x{max_ratio})")
    res.check(peak - rss0 <= max_rss_mb, f"the worker grew {peak - rss0:.0f} MB (> {max_rss_mb:.0f})")
    res.figure("chaos_bomb_bystander_p99_ms", during_p99, "ms")
    res.figure("chaos_bomb_baseline_p99_ms", base_p99, "ms")
    res.figure("chaos_bomb_bystander_ratio", ratio, "x (target <= 1.5)")
    res.figure("chaos_bomb_worker_rss_growth_mb", peak - rss0, "MB")
    res.figure("chaos_bomb_bomb_nodes_stopped", len(errors), f"of {2 + len(MEMORY_BOMBS)}")
    res.notes["bomb_errors"] = errors
    res.notes["latency_ms"] = {"alone": baseline, "beside_bombs": during}
    return res
