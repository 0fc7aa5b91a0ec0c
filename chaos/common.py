"""What the chaos scenarios share: a stack on a Redis of its own, graphs, waiting, event checks,
resident memory, and the figures (one JSON line ``{"name","value","unit"}`` each).

Everything runs on 127.0.0.1; every process started here is stopped by PID; every loop is bounded
in count and in time.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.graph_doc import GraphDoc
from fomo import launcher
from fomo.stack import Api, Stack, start_stack

TERMINAL = {"succeeded", "failed", "cancelled"}


@dataclass
class Figure:
    name: str
    value: float
    unit: str

    def line(self) -> str:
        return json.dumps({"name": self.name, "value": self.value, "unit": self.unit})


@dataclass
class Result:
    """A scenario's figures, the invariants it broke (empty when all held) and notes."""
    scenario: str
    figures: list[Figure] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    def figure(self, name: str, value: float, unit: str) -> None:
        self.figures.append(Figure(name, round(value, 3) if isinstance(value, float) else value, unit))

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.violations.append(message)

    def value(self, name: str) -> float:
        return next(f.value for f in self.figures if f.name == name)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass
class ChaosStack:
    stack: Stack
    redis: subprocess.Popen[bytes]
    redis_port: int
    tmp: Path
    workers: int = 2
    call_log: Path = Path("/nonexistent")

    def ensure_workers(self) -> None:
        """Start workers until ``workers`` are alive (after kills); wait for their heartbeats."""
        for w in [w for w in self.stack.workers if w.poll() is not None]:
            self.stack.workers.remove(w)
        while len(self.stack.workers) < self.workers:
            self.stack.start_worker(f"e{len(self.stack.workers)}-{int(time.time())}")

    def restart_redis(self, down_s: float) -> None:
        """Stop OUR Redis (by PID), keep it down ``down_s`` seconds, start it again on the same port."""
        launcher.stop(self.redis)
        time.sleep(down_s)
        self.redis = launcher.start_redis(self.redis_port, self.tmp / "redis")


@contextmanager
def chaos_stack(workers: int = 2, extra_env: dict[str, str] | None = None,
                concurrency: int = 32) -> Iterator[ChaosStack]:
    """A whole stack on a Redis server of its own (never the machine's shared one)."""
    tmp = Path(tempfile.mkdtemp(prefix="fomo-chaos-"))
    port = launcher.free_port()
    redis = launcher.start_redis(port, tmp / "redis")
    cs: ChaosStack | None = None
    call_log = tmp / "calls.jsonl"
    try:
        # The kill hook only works in these processes: a poison step of the chaos suite.
        env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "FOMO_ALLOW_KILL_HOOK": "1",
               "FOMO_FAKE_CALL_LOG": str(call_log), **(extra_env or {})}
        stack = start_stack(tmp, workers=0, extra_env=env)
        cs = ChaosStack(stack, redis, port, tmp, workers, call_log)
        for _ in range(workers):
            stack.start_worker(concurrency=concurrency)
        launcher.wait_for(lambda: _health_workers(stack) >= workers, 60, f"{workers} live workers")
        yield cs
    finally:
        if cs is not None:
            cs.stack.stop()
            launcher.stop(cs.redis)
        else:
            launcher.stop(redis)
        shutil.rmtree(tmp, ignore_errors=True)


def wait_worker_up(cs: ChaosStack, proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait until this worker process wrote its heartbeat key (it is consuming and sweeping)."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=cs.redis_port, socket_timeout=2)
    key = f"fomo:worker:{socket.gethostname()}:{proc.pid}"
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if client.exists(key):
                    return True
            except Exception:
                pass
            time.sleep(0.2)
        return False
    finally:
        client.close()


def _health_workers(stack: Stack) -> int:
    try:
        import httpx

        return int(httpx.get(f"{stack.url}/healthz", timeout=2).json().get("workers", 0))
    except Exception:
        return 0


# graphs ------------------------------------------------------------------------------------

def tagged_chain(llm_steps: int, latency_ms: int) -> dict[str, Any]:
    """input → ``llm_steps`` × (prompt.template → llm.chat) → output: 2 + 2·steps nodes. Every prompt
    names its step and the run's tag (the input), so each provider call is attributable to one
    (run, node) in the fake provider's call log."""
    g = GraphDoc()
    g.node("tag", "input", {"name": "tag", "type": "text"})
    prev = None
    for i in range(1, llm_steps + 1):
        g.node(f"p{i}", "prompt.template", {"template": f"step {i} [{{{{ tag }}}}]: {{{{ x }}}}"})
        g.node(f"llm{i}", "llm.chat", {"model": "fake-small", "latency_ms": latency_ms})
        g.edge("tag", "value", f"p{i}", "tag")
        g.edge(prev or "tag", "text" if prev else "value", f"p{i}", "x")
        g.edge(f"p{i}", "text", f"llm{i}", "prompt")
        prev = f"llm{i}"
    g.node("out", "output", {"name": "result"})
    g.edge(prev or "tag", "text" if prev else "value", "out", "value")
    return g.doc()


def poison_graph() -> dict[str, Any]:
    """A step that kills its worker process every time it runs (``[[fake:kill]]``)."""
    g = GraphDoc()
    g.node("tag", "input", {"name": "tag", "type": "text"})
    g.node("p", "prompt.template", {"template": "[[fake:kill]] {{ x }}"})
    g.node("llm", "llm.chat", {"model": "fake-small"})
    g.node("out", "output", {"name": "result"})
    g.edge("tag", "value", "p", "x")
    g.edge("p", "text", "llm", "prompt")
    g.edge("llm", "text", "out", "value")
    return g.doc()


# waiting and reading ---------------------------------------------------------------------

def run_statuses(api: Api, pipeline_ids: list[int], limit: int = 500) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for pid in pipeline_ids:
        resp = api.get(f"/api/pipelines/{pid}/runs", params={"limit": limit})
        if resp.status_code == 200:
            for r in resp.json():
                out[r["id"]] = r
    return out


def wait_terminal(api: Api, pipeline_ids: list[int], run_ids: list[int], timeout: float,
                  tick: Any = None) -> dict[int, dict[str, Any]]:
    """Poll until every run is terminal or ``timeout`` passes; ``tick()`` is called each poll."""
    deadline = time.monotonic() + timeout
    runs: dict[int, dict[str, Any]] = {}
    while time.monotonic() < deadline:
        try:
            runs = run_statuses(api, pipeline_ids)
        except Exception:  # the web process may be mid-restart in some scenarios
            runs = runs or {}
        if runs and all(runs.get(r, {}).get("status") in TERMINAL for r in run_ids):
            return runs
        if tick is not None:
            tick()
        time.sleep(0.5)
    return runs


def all_events(api: Api, run_id: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    for _ in range(1000):  # bounded: 1000 pages of 1000
        page = api.get(f"/api/runs/{run_id}/events", params={"after": after, "limit": 1000}).json()
        events.extend(page["events"])
        if not page["events"]:
            break
        after = page["events"][-1]["seq"]
        if page.get("done") and after >= page.get("last_seq", after):
            break
    return events


def gap_free(events: list[dict[str, Any]]) -> bool:
    return [e["seq"] for e in events] == list(range(1, len(events) + 1))


def watch(api: Api, run_id: int, timeout: float, out: dict[int, Any]) -> threading.Thread:
    """Follow a run's websocket (reconnecting with ``?after=`` when it drops) until run.finished;
    store the events seen (duplicates included, so the check can catch them) in ``out[run_id]``."""
    def body() -> None:
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                after = seen[-1]["seq"] if seen else 0
                with api.websocket(run_id, after=after) as ws:
                    while time.monotonic() < deadline:
                        msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                        seen.extend(msg.get("events", []))
                        if any(e["type"] == "run.finished" for e in msg.get("events", [])):
                            out[run_id] = seen
                            return
            except Exception:
                time.sleep(0.5)
        out[run_id] = seen
    t = threading.Thread(target=body, daemon=True, name=f"watch-{run_id}")
    t.start()
    return t


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB), from /proc."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        pids += [int(p) for p in out.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024.0


def read_calls(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def log(msg: str) -> None:
    print(f"# {msg}", file=sys.stderr, flush=True)
