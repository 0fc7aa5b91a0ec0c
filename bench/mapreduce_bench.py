"""Map/reduce overhead: the transcript summary (split by tokens, one LLM call per chunk in
parallel, one reduce call) with every model call taking 300 ms, through the whole stack.

`mapreduce_overhead_pct` = run wall time over the critical path (split + the slowest map call +
the reduce call, as recorded in the trace) minus one, in percent.
"""
from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.graph_doc import transcript_summary  # noqa: E402
from fomo.stack import read_events, start_stack  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    text = (ROOT / "builder" / "samples" / "meeting_transcript.txt").read_text()
    tmp = Path(tempfile.mkdtemp(prefix="fomo-bench-"))
    stack = start_stack(tmp, workers=1, extra_env={"FOMO_LOG_LEVEL": "WARNING"})
    try:
        api = stack.client("alice")
        pid = api.create_pipeline(transcript_summary(latency_ms=300, chunk_size=1000), "mapreduce")["id"]
        overheads, chunks = [], 0
        for _ in range(4):
            run = api.start_run(pid, {"transcript": text})
            with api.websocket(run["id"]) as ws:
                read_events(ws)
            detail = api.get(f"/api/runs/{run['id']}").json()
            assert detail["status"] == "succeeded", detail["error"]
            nodes = {(n["node_id"], n["item"]): n for n in detail["nodes"]}
            items = [n["duration_ms"] for (nid, item), n in nodes.items() if nid == "summarize" and item is not None]
            chunks = len(items)
            critical = nodes[("split", None)]["duration_ms"] + max(items) + nodes[("reduce", None)]["duration_ms"]
            overheads.append((detail["duration_ms"] / critical - 1) * 100)
        print(json.dumps({"name": "mapreduce_overhead_pct", "value": round(statistics.median(overheads[1:]), 2),
                          "unit": "%", "chunks": chunks}), flush=True)
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
