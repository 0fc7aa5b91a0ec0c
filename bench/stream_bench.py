"""Token streaming lag, end to end: a protocol stub emits 500 tokens 5 ms apart to a worker
through the real OpenAI SDK; a websocket client measures when each token reaches it.

Prints `stream_lag_p50_ms`, `stream_lag_p99_ms` and `stream_tokens_lost`.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.graph_doc import GraphDoc  # noqa: E402
from fomo.stack import start_stack  # noqa: E402
from tests.stubs.llm_stub import LLMStub, reply_tokens  # noqa: E402

TOKENS, DELAY_S = 500, 0.005


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}), flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-bench-"))
    with LLMStub(token_delay_s=DELAY_S) as stub:
        stack = start_stack(tmp, workers=1, extra_env={"FOMO_LOG_LEVEL": "WARNING"})
        try:
            api = stack.client("alice")
            g = GraphDoc()
            g.node("q", "input", {"name": "q", "type": "text"})
            g.node("llm", "llm.chat", {"provider": "openai_compatible", "model": "m", "base_url": stub.openai_base_url})
            g.node("a", "output", {"name": "answer"})
            g.edge("q", "value", "llm", "prompt")
            g.edge("llm", "text", "a", "value")
            pid = api.create_pipeline(g.doc(), "stream")["id"]
            prompt = " ".join(f"w{i}" for i in range(TOKENS - 1))
            tokens = reply_tokens("m", [{"role": "user", "content": prompt}])
            ends, pos = [], 0
            for t in tokens:
                pos += len(t)
                ends.append(pos)
            lags: list[float] = []
            received = ""
            run = api.start_run(pid, {"q": prompt})
            with api.websocket(run["id"]) as ws:
                done, seen = False, 0
                while not done:
                    msg = json.loads(ws.recv(timeout=60))
                    now = time.time()
                    for e in msg["events"]:
                        if e["type"] == "node.token":
                            received = "" if e["payload"].get("void") else received + e["payload"]["text"]
                            while seen < len(ends) and ends[seen] <= len(received):
                                lags.append((now - stub.requests[-1].emitted[seen]) * 1000)
                                seen += 1
                        done = done or e["type"] == "run.finished"
            emit("stream_lag_p50_ms", pct(lags, 0.50), "ms")
            emit("stream_lag_p99_ms", pct(lags, 0.99), "ms")
            emit("stream_tokens_lost", TOKENS - len(lags), "tokens")
        finally:
            stack.stop()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
