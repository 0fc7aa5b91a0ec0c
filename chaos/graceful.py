"""Scenario h: rolling restarts. Workers are asked to stop (SIGTERM, Celery's warm shutdown) one
after another while runs execute; each stopping worker lets its runs finish for its grace period,
then hands the rest back, and a replacement starts. Every run succeeds, no node whose success was
recorded runs again, a hand-back does not count as an attempt, and every stop is bounded."""
from __future__ import annotations

import random
import re
import threading
import time
from typing import Any

from chaos.common import (
    ChaosStack,
    Result,
    tagged_chain,
    wait_worker_up,
)
from chaos.crash import run_while_disrupted
from fomo import launcher

HANDED_BACK = re.compile(r"handed back \(this worker is stopping\)")


def rolling_restart(cs: ChaosStack, runs: int = 30, llm_steps: int = 9, latency_ms: int = 300,
                    stop_every_s: float = 3.0, spacing_s: float = 0.3, grace_s: float = 1.0,
                    timeout_s: float = 420, watchers: int = 5) -> Result:
    res = Result("graceful")
    stack = cs.stack
    env = {**stack.env, "FOMO_SHUTDOWN_GRACE_SECONDS": str(grace_s)}
    logs: list[Any] = []
    serial = 0

    def start() -> Any:
        nonlocal serial
        serial += 1
        log_path = cs.tmp / f"worker-g{serial}.log"
        proc = launcher.start_worker(env, concurrency=32, name=f"g{serial}-{int(time.time())}", log=log_path)
        stack.workers.append(proc)
        logs.append(log_path)
        return proc

    # Workers with a short grace period replace the stack's own, so hand-backs actually happen.
    fresh = [start() for _ in range(cs.workers)]
    for proc in fresh:
        wait_worker_up(cs, proc, 60)
    for old in [w for w in stack.workers if w not in fresh]:
        launcher.stop(old, timeout=30)
        stack.workers.remove(old)

    api = stack.client("alice")
    pipeline = api.create_pipeline(tagged_chain(llm_steps, latency_ms), name="chaos-graceful")
    rng = random.Random(11)
    stops: list[float] = []
    forced = 0
    halt = threading.Event()

    def restarter() -> None:
        nonlocal forced
        for _ in range(100_000):  # bounded; ends when ``halt`` is set
            if halt.wait(stop_every_s):
                return
            replacement = start()  # up first: a rolling restart keeps the capacity
            wait_worker_up(cs, replacement, 60)
            live = [w for w in stack.workers if w.poll() is None and w is not replacement]
            if not live:
                continue
            victim = rng.choice(live)
            t = time.monotonic()
            launcher.stop(victim, timeout=grace_s + 15)  # SIGTERM, then SIGKILL after the timeout
            stops.append(time.monotonic() - t)
            if victim.returncode == -9:
                forced += 1  # it had to be killed: the graceful path did not end it
            stack.workers.remove(victim)

    thread = threading.Thread(target=restarter, daemon=True, name="chaos-restarter")
    seen = run_while_disrupted(cs, res, api, pipeline["id"], runs, "g", thread, halt,
                               spacing_s=spacing_s, timeout_s=timeout_s, watchers=watchers, join_s=60)
    handbacks = sum(len(HANDED_BACK.findall(p.read_text(errors="replace"))) for p in logs if p.exists())
    completed = runs - len(seen.not_succeeded)
    res.check(bool(stops), "no worker was stopped")
    res.check(forced == 0, f"{forced} workers had to be killed after SIGTERM")
    max_attempt = max(seen.attempts or [0])
    res.check(max_attempt <= 1, f"a hand-back counted as an attempt (max attempt {max_attempt})")
    res.figure("chaos_graceful_runs_completed", completed, f"of {runs}")
    res.figure("chaos_graceful_reexecuted_nodes", seen.reexecuted, "nodes")
    res.figure("chaos_graceful_stops", len(stops), "SIGTERMs")
    res.figure("chaos_graceful_handbacks", handbacks, "runs")
    res.figure("chaos_graceful_stop_s_max", round(max(stops or [0.0]), 3), f"s (grace {grace_s:g} s)")
    res.figure("chaos_graceful_inflight_reruns", seen.inflight_reruns, "calls")
    res.figure("chaos_graceful_max_attempt", max_attempt, "attempts")
    res.figure("chaos_graceful_duration_s", round(seen.elapsed, 2), "s")
    res.notes["failed"] = {rid: api.get(f"/api/runs/{rid}").json().get("error") for rid in seen.not_succeeded}
    return res
