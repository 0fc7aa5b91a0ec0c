"""Scenarios d (a stalled websocket client) and f (load: concurrent runs and watchers)."""
from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from typing import Any

import websockets.sync.client as ws_client

from builder.graph_doc import GraphDoc
from chaos.common import ChaosStack, Result, all_events, gap_free, rss_mb, tagged_chain, watch
from fomo.stack import Api


def many_events_graph(chunks: int) -> tuple[dict[str, Any], str]:
    """split → a template mapped over ``chunks`` items → join: about 2·chunks + 10 events."""
    g = GraphDoc()
    g.node("text", "input", {"name": "text", "type": "text"})
    g.node("split", "text.split", {"mode": "characters", "chunk_size": 20, "chunk_overlap": 0, "separators": [" "]})
    g.node("item", "prompt.template", {"template": "ITEM {{ chunk }}"}, map_port="chunk", concurrency=8)
    g.node("join", "text.join", {"separator": "|"})
    g.node("out", "output", {"name": "joined"})
    g.edge("text", "value", "split", "text")
    g.edge("split", "chunks", "item", "chunk")
    g.edge("item", "text", "join", "texts")
    g.edge("join", "text", "out", "value")
    text = " ".join(f"w{i:05d}xyz0123" for i in range(chunks))  # 15-char words + space: one chunk each
    return g.doc(), text


def _stalled_socket(api: Api, run_id: int) -> Any:
    """A websocket whose client reads nothing: a 4 KB receive buffer and a one-message queue, so the
    server meets back-pressure as soon as it sends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    port = int(api.base.rsplit(":", 1)[1])
    sock.connect(("127.0.0.1", port))
    return ws_client.connect(f"ws://127.0.0.1:{port}/ws/runs/{run_id}/?after=0", sock=sock,
                             additional_headers={"Cookie": api.cookie_header(), "Origin": api.base},
                             open_timeout=10, max_queue=1, max_size=None)


def stalled_client(cs: ChaosStack, runs: int = 3, chunks: int = 500, others: int = 2,
                   timeout_s: float = 120) -> Result:
    res = Result("stalled_client")
    stack = cs.stack
    api = stack.client("alice")
    graph, text = many_events_graph(chunks)
    pipeline = api.create_pipeline(graph, name="chaos-stalled")
    web_pid = stack.web.pid if stack.web else 0
    rss0 = rss_mb(web_pid)
    rss_peak = rss0
    other_s: list[float] = []
    total_events = 0
    for _ in range(runs):
        run = api.start_run(pipeline["id"], {"text": text})
        rid = run["id"]
        stalled = _stalled_socket(api, rid)
        seen: dict[int, Any] = {}
        t0 = time.monotonic()
        done_at: dict[int, float] = {}
        watchers = []
        for _ in range(others):
            box: dict[int, Any] = {}
            t = watch(stack.client("alice"), rid, timeout_s, box)
            watchers.append((t, box))
        for t, box in watchers:
            t.join(timeout=timeout_s)
            done_at[id(box)] = time.monotonic() - t0
            events = box.get(rid, [])
            res.check(gap_free(events) and bool(events) and events[-1]["type"] == "run.finished",
                      f"run {rid}: a reading client saw gaps or no run.finished")
            seen[id(box)] = events
        other_s.extend(done_at.values())
        rss_peak = max(rss_peak, rss_mb(web_pid))
        stored = all_events(api, rid)
        total_events += len(stored)
        # Now the stalled client reads: whatever the server kept for it, then replay if it was dropped.
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline:
                msg = json.loads(stalled.recv(timeout=10))
                got.extend(msg.get("events", []))
                if got and got[-1]["type"] == "run.finished":
                    break
        except Exception:
            pass  # dropped by the server: catch up by replay below
        finally:
            stalled.close()
        if not got or got[-1]["type"] != "run.finished":
            after = got[-1]["seq"] if got else 0
            with api.websocket(rid, after=after) as ws:
                while time.monotonic() < deadline:
                    msg = json.loads(ws.recv(timeout=10))
                    got.extend(msg.get("events", []))
                    if got and got[-1]["type"] == "run.finished":
                        break
        res.check(gap_free(got) and len(got) == len(stored), f"run {rid}: the stalled client did not catch up "
                                                             f"gap-free ({len(got)} of {len(stored)})")
    rss1 = rss_mb(web_pid)
    res.check(total_events >= runs * min(chunks * 2, 1000), f"only {total_events} events emitted")
    res.figure("chaos_stalled_client_rss_growth_mb", max(rss_peak, rss1) - rss0, "MB")
    res.figure("chaos_stalled_client_events", total_events, "events")
    res.figure("chaos_stalled_other_clients_max_s", max(other_s or [0.0]), "s")
    return res


def load(cs: ChaosStack, duration_s: float = 60, clients: int = 50, llm_steps: int = 9,
         latency_ms: int = 50, drain_s: float = 120) -> Result:
    """``clients`` loops, each: start a run, watch it on a websocket until run.finished, again, for
    ``duration_s``. Lag = when an event reached the client minus when the worker emitted it."""
    res = Result("load")
    stack = cs.stack
    api = stack.client("alice")
    pipeline = api.create_pipeline(tagged_chain(llm_steps, latency_ms), name="chaos-load")
    pids = [w.pid for w in stack.workers] + ([stack.web.pid] if stack.web else [])
    rss0 = sum(rss_mb(p) for p in pids)
    lags: list[float] = []
    errors: list[str] = []
    completed = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + duration_s
    hard_stop = stop_at + drain_s

    sessions = [stack.client("alice") for _ in range(clients)]  # log in before the clock starts
    stop_at = time.monotonic() + duration_s
    hard_stop = stop_at + drain_s

    def client(mine: Api) -> None:
        nonlocal completed
        for _ in range(100_000):  # bounded by time below
            if time.monotonic() >= stop_at:
                return
            try:
                resp = mine.post(f"/api/pipelines/{pipeline['id']}/runs", {"inputs": {"tag": uuid.uuid4().hex[:8]}})
                if resp.status_code != 201:
                    raise RuntimeError(f"start: {resp.status_code}")
                rid = resp.json()["id"]
                seqs: list[int] = []
                local: list[float] = []
                status = None
                with mine.websocket(rid) as ws:
                    while time.monotonic() < hard_stop:
                        msg = json.loads(ws.recv(timeout=max(0.1, hard_stop - time.monotonic())))
                        now = time.time()
                        for e in msg.get("events", []):
                            seqs.append(e["seq"])
                            local.append((now - float(e["ts"])) * 1000.0)
                            if e["type"] == "run.finished":
                                status = e["payload"].get("status")
                        if status is not None:
                            break
                if seqs != list(range(1, len(seqs) + 1)):
                    raise RuntimeError(f"run {rid}: gaps or duplicates")
                if status != "succeeded":
                    raise RuntimeError(f"run {rid}: {status}")
                with lock:
                    completed += 1
                    lags.extend(local)
            except Exception as exc:
                with lock:
                    errors.append(str(exc)[:200])
                time.sleep(0.5)

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(m,), daemon=True) for m in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, hard_stop - time.monotonic()))
    elapsed = time.monotonic() - t0
    rss1 = sum(rss_mb(p) for p in pids if _alive(p))
    lags.sort()

    def pct(p: float) -> float:
        return lags[min(len(lags) - 1, int(p * len(lags)))] if lags else 0.0

    res.check(not errors, f"{len(errors)} errors, e.g. {errors[:3]}")
    res.figure("load_runs_per_s", completed / elapsed if elapsed else 0.0, "runs/s")
    res.figure("load_runs_completed", completed, "runs")
    res.figure("load_event_lag_p50_ms", pct(0.50), "ms")
    res.figure("load_event_lag_p99_ms", pct(0.99), "ms")
    res.figure("load_errors", len(errors), "errors")
    res.figure("load_rss_growth_mb", rss1 - rss0, "MB")
    res.notes["clients"] = clients
    res.notes["errors"] = errors[:5]
    return res


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status"):
            return True
    except OSError:
        return False
