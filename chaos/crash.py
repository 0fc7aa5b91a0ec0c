"""Scenarios a (worker SIGKILL), b (a poison run) and c (Redis restart mid-run)."""
from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from chaos.common import (
    ChaosStack,
    Result,
    all_events,
    gap_free,
    poison_graph,
    read_calls,
    tagged_chain,
    wait_terminal,
    wait_worker_up,
    watch,
)
from fomo import launcher

_CALL = re.compile(r"^step (\d+) \[([^\]]+)\]:")


def _start_runs(api: Any, pipeline_id: int, n: int, prefix: str) -> tuple[list[int], dict[int, str]]:
    ids, tags = [], {}
    for i in range(n):
        tag = f"{prefix}{i}-{uuid.uuid4().hex[:6]}"
        run = api.start_run(pipeline_id, {"tag": tag})
        ids.append(run["id"])
        tags[run["id"]] = tag
    return ids, tags


def reexecuted_nodes(events: list[dict[str, Any]], calls: dict[tuple[str, int], list[float]],
                     tag: str) -> tuple[list[str], int]:
    """(succeeded nodes called again after their success was recorded, extra calls of any kind).

    The call log is written by the provider at call time (``ts``, wall clock on this machine);
    a ``node.finished`` event exists only once its transaction committed. A call that starts after
    a node's success was recorded is a re-execution; extra calls before it (a copy of the run whose
    lease had expired, or a node in flight when its worker died) are counted apart."""
    reexecuted = []
    for e in events:
        if e["type"] == "node.finished" and e["node_id"].startswith("llm"):
            step = int(e["node_id"][3:])
            if any(ts > e["ts"] for ts in calls.get((tag, step), [])):
                reexecuted.append(f"{e['node_id']}@seq{e['seq']}")
    extra = sum(len(v) - 1 for (t, _), v in calls.items() if t == tag and len(v) > 1)
    return reexecuted, extra


@dataclass
class Disrupted:
    """What :func:`run_while_disrupted` saw: the runs, their final states and the node checks."""

    run_ids: list[int]
    final: dict[int, Any]
    elapsed: float
    reexecuted: int = 0
    inflight_reruns: int = 0
    reexecuted_detail: dict[int, list[str]] = field(default_factory=dict)
    attempts: list[int] = field(default_factory=list)

    @property
    def not_succeeded(self) -> dict[int, Any]:
        return {rid: self.final.get(rid, {}).get("status") for rid in self.run_ids
                if self.final.get(rid, {}).get("status") != "succeeded"}


def run_while_disrupted(cs: ChaosStack, res: Result, api: Any, pipeline_id: int, runs: int, prefix: str,
                        disrupter: threading.Thread, halt: threading.Event, *, spacing_s: float,
                        timeout_s: float, watchers: int, join_s: float = 30) -> Disrupted:
    """Start ``runs`` tagged runs ``spacing_s`` apart (the disrupter thread starts with the first),
    watch the first ``watchers`` over websockets, wait until all are terminal, stop the disrupter;
    then check every run's stored events and every watcher's stream are gap-free and count the
    succeeded nodes that ran again (from the stub's call log)."""
    run_ids: list[int] = []
    tags: dict[int, str] = {}
    seen: dict[int, Any] = {}
    threads = []
    t0 = time.monotonic()
    for i in range(runs):
        ids, t = _start_runs(api, pipeline_id, 1, f"{prefix}{i}-")
        run_ids += ids
        tags.update(t)
        if i == 0:
            disrupter.start()
        if i < watchers:
            threads.append(watch(cs.stack.client("alice"), ids[0], timeout_s, seen))
        time.sleep(spacing_s)
    try:
        final = wait_terminal(api, [pipeline_id], run_ids, timeout_s)
    finally:
        halt.set()
        disrupter.join(timeout=join_s)
    out = Disrupted(run_ids, final, time.monotonic() - t0)
    cs.ensure_workers()
    for th in threads:
        th.join(timeout=30)
    calls: dict[tuple[str, int], list[float]] = {}
    for c in read_calls(cs.call_log):
        m = _CALL.match(c["last_user"])
        if m:
            calls.setdefault((m.group(2), int(m.group(1))), []).append(float(c.get("ts", 0)))
    for rid in run_ids:
        events = all_events(api, rid)
        res.check(gap_free(events), f"run {rid}: event seqs not gap-free")
        r, x = reexecuted_nodes(events, calls, tags[rid])
        out.reexecuted += len(r)
        out.inflight_reruns += x
        if r:
            out.reexecuted_detail[rid] = r
        out.attempts.append(final.get(rid, {}).get("attempt", 0))
    for rid, events in seen.items():
        seqs = [e["seq"] for e in events]
        res.check(seqs == list(range(1, len(seqs) + 1)) and bool(events) and events[-1]["type"] == "run.finished",
                  f"run {rid}: websocket sequence has gaps/duplicates or no run.finished")
    res.check(not out.not_succeeded, f"runs not succeeded: {out.not_succeeded}")
    res.check(out.reexecuted == 0, f"{out.reexecuted} succeeded nodes ran again")
    return out


def sigkill(cs: ChaosStack, runs: int = 50, llm_steps: int = 9, latency_ms: int = 200,
            kill_every_s: float = 2.0, spacing_s: float = 0.25, timeout_s: float = 420,
            watchers: int = 5) -> Result:
    """SIGKILL a random worker every few seconds (and start a new one) while runs of a 20-node
    pipeline execute: every run succeeds and no node whose success was recorded runs again.
    Runs start ``spacing_s`` apart so kills keep landing on runs in flight."""
    res = Result("sigkill")
    stack = cs.stack
    api = stack.client("alice")
    pipeline = api.create_pipeline(tagged_chain(llm_steps, latency_ms), name="chaos-sigkill")
    rng = random.Random(7)
    kills = 0
    stop = threading.Event()

    def killer() -> None:
        nonlocal kills
        for _ in range(100_000):  # bounded; ends when ``stop`` is set
            if stop.wait(kill_every_s):
                return
            live = [w for w in stack.workers if w.poll() is None]
            if live:
                victim = rng.choice(live)
                launcher.kill_hard(victim)
                stack.workers.remove(victim)
                kills += 1
            fresh = stack.start_worker(f"k{kills}")
            # The next kill waits until the replacement is up: a worker takes seconds to start on
            # a small machine, and killing faster than that only measures start-up time.
            wait_worker_up(cs, fresh, 30)

    kill_thread = threading.Thread(target=killer, daemon=True, name="chaos-killer")
    seen = run_while_disrupted(cs, res, api, pipeline["id"], runs, "k", kill_thread, stop,
                               spacing_s=spacing_s, timeout_s=timeout_s, watchers=watchers)
    completed = runs - len(seen.not_succeeded)
    res.check(kills > 0, "no worker was killed")
    res.figure("chaos_sigkill_runs_completed", completed, f"of {runs}")
    res.figure("chaos_sigkill_reexecuted_nodes", seen.reexecuted, "nodes")
    res.figure("chaos_sigkill_kills", kills, "SIGKILLs")
    res.figure("chaos_sigkill_inflight_reruns", seen.inflight_reruns, "calls")
    res.figure("chaos_sigkill_max_attempt", max(seen.attempts or [0]), "attempts")
    res.figure("chaos_sigkill_duration_s", seen.elapsed, "s")
    res.notes["reexecuted"] = seen.reexecuted_detail
    res.notes["failed"] = {rid: api.get(f"/api/runs/{rid}").json().get("error") for rid in seen.not_succeeded}
    return res


def poison(cs: ChaosStack, bystanders: int = 6, llm_steps: int = 5, latency_ms: int = 300,
           spacing_s: float = 1.5, timeout_s: float = 180) -> Result:
    """A step that kills its worker every time: the run fails with ``worker_lost`` after the attempt
    cap, is never requeued again, and runs that shared its worker still succeed."""
    res = Result("poison")
    max_attempts = int(cs.stack.env.get("FOMO_MAX_RUN_ATTEMPTS", "3"))
    stack = cs.stack
    api = stack.client("alice")
    good = api.create_pipeline(tagged_chain(llm_steps, latency_ms), name="chaos-bystander")
    bad = api.create_pipeline(poison_graph(), name="chaos-poison")
    deaths = 0

    def tick() -> None:  # a supervisor: restart any worker that died
        nonlocal deaths
        for w in list(stack.workers):
            if w.poll() is not None:
                stack.workers.remove(w)
                stack.start_worker(f"r{deaths}")
                deaths += 1

    poison_run = api.start_run(bad["id"], {"tag": "poison"})["id"]
    ids: list[int] = []
    for i in range(bystanders):  # spread over the poison run's attempts, so they share its workers
        ids += _start_runs(api, good["id"], 1, f"b{i}-")[0]
        for _ in range(int(spacing_s / 0.25)):
            tick()
            time.sleep(0.25)

    final = wait_terminal(api, [good["id"], bad["id"]], ids + [poison_run], timeout_s, tick=tick)
    # No requeue loop: the failed run stays failed and its attempt count stays put.
    before = final.get(poison_run, {}).get("attempt")
    time.sleep(3.0)
    tick()
    detail = api.get(f"/api/runs/{poison_run}").json()
    res.check(detail["status"] == "failed", f"poison run ended {detail['status']}")
    res.check((detail.get("error") or {}).get("kind") == "worker_lost",
              f"poison run error: {detail.get('error')}")
    res.check(detail["attempt"] == before, "the poison run was claimed again after failing")
    res.check(detail["attempt"] <= max_attempts, f"poison attempts {detail['attempt']} > cap {max_attempts}")
    ok = sum(1 for rid in ids if final.get(rid, {}).get("status") == "succeeded")
    res.check(ok == bystanders, f"bystanders not succeeded: "
                                f"{ {r: final.get(r, {}).get('status') for r in ids} }")
    for rid in ids + [poison_run]:
        res.check(gap_free(all_events(api, rid)), f"run {rid}: event seqs not gap-free")
    res.figure("chaos_poison_requeues", detail["attempt"] - 1, f"requeues (cap {max_attempts} attempts)")
    res.figure("chaos_poison_worker_deaths", deaths, "deaths")
    res.figure("chaos_poison_bystanders_succeeded", ok, f"of {bystanders}")
    res.notes["poison_error"] = detail.get("error")
    return res


def redis_restart(cs: ChaosStack, runs: int = 10, llm_steps: int = 9, latency_ms: int = 300,
                  down_s: float = 5.0, timeout_s: float = 150) -> Result:
    """Stop our own Redis mid-run and start it again (empty: no persistence). Every run must reach a
    terminal state within the sweeper's bound; websocket clients recover by replay."""
    res = Result("redis_restart")
    stack = cs.stack
    api = stack.client("alice")
    pipeline = api.create_pipeline(tagged_chain(llm_steps, latency_ms), name="chaos-redis")
    ids, _ = _start_runs(api, pipeline["id"], runs, "r")
    seen: dict[int, Any] = {}
    threads = [watch(stack.client("alice"), rid, timeout_s, seen) for rid in ids[:3]]
    time.sleep(1.5)
    t_down = time.monotonic()
    cs.restart_redis(down_s)
    final = wait_terminal(api, [pipeline["id"]], ids, timeout_s)
    settle = time.monotonic() - t_down
    for t in threads:
        t.join(timeout=30)
    stuck = [rid for rid in ids if final.get(rid, {}).get("status") not in ("succeeded", "failed", "cancelled")]
    statuses = Counter(final.get(rid, {}).get("status") for rid in ids)
    for rid in ids:
        res.check(gap_free(all_events(api, rid)), f"run {rid}: event seqs not gap-free")
    for rid, events in seen.items():
        seqs = [e["seq"] for e in events]
        res.check(seqs == list(range(1, len(seqs) + 1)) and bool(events)
                  and events[-1]["type"] == "run.finished", f"run {rid}: websocket did not recover by replay")
    res.check(not stuck, f"runs still not terminal after {timeout_s}s: {stuck}")
    res.figure("chaos_redis_restart_stuck_runs", len(stuck), "runs")
    res.figure("chaos_redis_restart_succeeded", statuses.get("succeeded", 0), f"of {runs}")
    res.figure("chaos_redis_restart_settle_s", settle, "s")
    res.notes["statuses"] = dict(statuses)
    return res

