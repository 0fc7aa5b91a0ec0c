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
    all_events,
    gap_free,
    read_calls,
    tagged_chain,
    wait_terminal,
    wait_worker_up,
    watch,
)
from chaos.crash import _CALL, _start_runs, reexecuted_nodes
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

    run_ids: list[int] = []
    tags: dict[int, str] = {}
    seen: dict[int, Any] = {}
    threads = []
    t0 = time.monotonic()
    thread = threading.Thread(target=restarter, daemon=True, name="chaos-restarter")
    for i in range(runs):
        ids, t = _start_runs(api, pipeline["id"], 1, f"g{i}-")
        run_ids += ids
        tags.update(t)
        if i == 0:
            thread.start()
        if i < watchers:
            threads.append(watch(stack.client("alice"), ids[0], timeout_s, seen))
        time.sleep(spacing_s)
    try:
        final = wait_terminal(api, [pipeline["id"]], run_ids, timeout_s)
    finally:
        halt.set()
        thread.join(timeout=60)
    elapsed = time.monotonic() - t0
    cs.ensure_workers()
    for th in threads:
        th.join(timeout=30)

    calls: dict[tuple[str, int], list[float]] = {}
    for c in read_calls(cs.call_log):
        m = _CALL.match(c["last_user"])
        if m:
            calls.setdefault((m.group(2), int(m.group(1))), []).append(float(c.get("ts", 0)))
    reexec = extra = 0
    attempts = []
    for rid in run_ids:
        events = all_events(api, rid)
        res.check(gap_free(events), f"run {rid}: event seqs not gap-free")
        r, x = reexecuted_nodes(events, calls, tags[rid])
        reexec += len(r)
        extra += x
        attempts.append(final.get(rid, {}).get("attempt", 0))
    for rid, events in seen.items():
        seqs = [e["seq"] for e in events]
        res.check(seqs == list(range(1, len(seqs) + 1)) and bool(events) and events[-1]["type"] == "run.finished",
                  f"run {rid}: websocket sequence has gaps/duplicates or no run.finished")
    handbacks = sum(len(HANDED_BACK.findall(p.read_text(errors="replace"))) for p in logs if p.exists())
    completed = sum(1 for rid in run_ids if final.get(rid, {}).get("status") == "succeeded")
    not_ok = {rid: final.get(rid, {}).get("status") for rid in run_ids
              if final.get(rid, {}).get("status") != "succeeded"}
    res.check(completed == runs, f"runs not succeeded: {not_ok}")
    res.check(reexec == 0, f"{reexec} succeeded nodes ran again")
    res.check(bool(stops), "no worker was stopped")
    res.check(forced == 0, f"{forced} workers had to be killed after SIGTERM")
    res.check(max(attempts or [0]) <= 1, f"a hand-back counted as an attempt (max attempt {max(attempts or [0])})")
    res.figure("chaos_graceful_runs_completed", completed, f"of {runs}")
    res.figure("chaos_graceful_reexecuted_nodes", reexec, "nodes")
    res.figure("chaos_graceful_stops", len(stops), "SIGTERMs")
    res.figure("chaos_graceful_handbacks", handbacks, "runs")
    res.figure("chaos_graceful_stop_s_max", round(max(stops or [0.0]), 3), f"s (grace {grace_s:g} s)")
    res.figure("chaos_graceful_inflight_reruns", extra, "calls")
    res.figure("chaos_graceful_max_attempt", max(attempts or [0]), "attempts")
    res.figure("chaos_graceful_duration_s", round(elapsed, 2), "s")
    res.notes["failed"] = {rid: api.get(f"/api/runs/{rid}").json().get("error") for rid in not_ok}
    return res
