"""Scenario e: provider faults at 30% (429 + Retry-After, 500, 503, hangs, cut streams) through the
OpenAI-protocol stub. Every run must end correctly: succeeded with the exact answer when the stub
served one clean answer, failed with the provider's reason when every attempt met a fault; and no
node may make more provider attempts than the retry budget (4)."""
from __future__ import annotations

import random
import threading
import uuid
from typing import Any

from builder.graph_doc import GraphDoc
from chaos.common import ChaosStack, Result, wait_terminal
from tests.stubs.llm_stub import Fault, LLMStub, reply_tokens

BUDGET = 4  # RetryPolicy.max_attempts (one node attempt: no node-level retry in this graph)

FAULTS = (
    Fault(status=429, retry_after="1"),
    Fault(status=500),
    Fault(status=503),
    Fault(hang_s=1.5),  # slow, then a full answer
    Fault(cut_after=2),  # two tokens, then the connection drops
)


class RandomFaults:
    """Stands in for the stub's FIFO queue: each request meets a fault with probability ``rate``."""

    def __init__(self, rate: float, seed: int = 11):
        self.rate = rate
        self.rng = random.Random(seed)
        self.lock = threading.Lock()

    def take(self, path: str) -> Fault | None:
        with self.lock:
            if self.rng.random() >= self.rate:
                return None
            return self.rng.choice(FAULTS)

    def clear(self) -> None:
        pass

    def __len__(self) -> int:
        return 0


def chat_graph(base_url: str) -> dict[str, Any]:
    g = GraphDoc()
    g.node("q", "input", {"name": "q", "type": "text"})
    g.node("llm", "llm.chat", {"provider": "openai_compatible", "model": "stub", "base_url": base_url})
    g.node("out", "output", {"name": "answer"})
    g.edge("q", "value", "llm", "prompt")
    g.edge("llm", "text", "out", "value")
    return g.doc()


def provider_faults(cs: ChaosStack, runs: int = 100, rate: float = 0.3, timeout_s: float = 300) -> Result:
    res = Result("faults")
    stub = LLMStub().start()
    try:
        stub.faults = RandomFaults(rate)  # type: ignore[assignment]
        api = cs.stack.client("alice")
        pipelines: dict[str, int] = {}
        run_model: dict[int, str] = {}
        prompts: dict[int, str] = {}
        for _ in range(runs):
            model = f"m-{uuid.uuid4().hex[:10]}"  # one model name per run: the stub's records say whose
            graph = chat_graph(stub.openai_base_url)
            graph["nodes"][1]["config"]["model"] = model
            pid = api.create_pipeline(graph, name=f"faults-{model}")["id"]
            pipelines[model] = pid
            prompt = f"alpha beta gamma delta epsilon {model}"
            run = api.post(f"/api/pipelines/{pid}/runs", {"inputs": {"q": prompt}})
            if run.status_code != 201:
                res.check(False, f"start: {run.status_code} {run.text[:200]}")
                continue
            run_model[run.json()["id"]] = model
            prompts[run.json()["id"]] = prompt
        final = wait_terminal(api, list(pipelines.values()), list(run_model), timeout_s)
        wrong = over = attempts_total = faulted = 0
        reasons: dict[str, int] = {}
        for rid, model in run_model.items():
            records = [r for r in stub.requests if r.model == model]
            attempts_total += len(records)
            faulted += sum(1 for r in records if r.fault is not None)
            if len(records) > BUDGET:
                over += 1
            clean = [r for r in records if r.fault is None or r.fault.startswith("hang_s")]
            detail = api.get(f"/api/runs/{rid}").json()
            status = detail["status"]
            expected = "".join(reply_tokens(model, [{"role": "user", "content": prompts[rid]}]))
            if clean:
                ok = status == "succeeded" and (detail.get("outputs") or {}).get("answer") == expected
            else:
                kind = (detail.get("error") or {}).get("kind")
                ok = status == "failed" and len(records) == BUDGET and kind in (
                    "rate_limit", "server", "stream_cut", "connection", "timeout")
                reasons[str(kind)] = reasons.get(str(kind), 0) + 1
            if status not in ("succeeded", "failed"):
                ok = False
            if not ok:
                wrong += 1
                res.notes.setdefault("wrong", []).append(
                    {"run": rid, "status": status, "records": [(r.fault, r.status) for r in records],
                     "error": detail.get("error")})
        res.check(wrong == 0, f"{wrong} runs ended wrongly")
        res.check(over == 0, f"{over} runs went over the attempt budget")
        res.figure("faults_runs_wrong", wrong, f"of {len(run_model)}")
        res.figure("faults_attempts_over_budget", over, "runs")
        res.figure("faults_provider_attempts", attempts_total, "requests")
        res.figure("faults_injected", faulted, "faults")
        res.figure("faults_runs_failed_correctly", sum(reasons.values()), "runs")
        res.notes["statuses"] = {s: sum(1 for r in run_model if final.get(r, {}).get("status") == s)
                                 for s in ("succeeded", "failed", "running", "queued")}
    finally:
        stub.stop()
    return res
