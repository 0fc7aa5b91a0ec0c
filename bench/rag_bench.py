"""RAG store figures: ingest throughput (local embeddings into embedded Chroma) and query latency.

Prints one JSON line per figure:
  ingest_chunks_per_s  2,000 chunks of ~100 words (10,000 with --chunks 10000; over 3 min on 2 cores):
                       embed with all-MiniLM-L6-v2 + upsert, in batches of 500
  query_p50_ms, query_p99_ms  200 queries with k=5 against that collection (the Chroma query only;
                              the question's embedding is computed beforehand)
Run: ``.venv/bin/python bench/rag_bench.py [--chunks N]`` from the repository root. Uses a temp folder.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.nodes.vector_common import text_id  # noqa: E402
from builder.providers.local_embed import MODEL_NAME, LocalEmbedder, load_model  # noqa: E402
from builder.vectors import VectorStore, client  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "builder" / "samples"
BATCH = 500


def sentences() -> list[str]:
    text = " ".join((SAMPLES / name).read_text() for name in ("textbook.txt", "meeting_transcript.txt"))
    text = re.sub(r"\[\d\d:\d\d:\d\d\] [A-Z][a-z]+ [A-Z][a-z]+:", " ", text)
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if len(s.split()) >= 4]


def chunks(n: int, words: int = 100, seed: int = 11) -> list[str]:
    """``n`` distinct chunks of about ``words`` words, each a run of real sentences."""
    pool, rng = sentences(), random.Random(seed)
    out = []
    for i in range(n):
        picked: list[str] = []
        while sum(len(s.split()) for s in picked) < words:
            picked.append(rng.choice(pool))
        out.append(f"[{i}] " + " ".join(picked))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-rag-bench-"))
    try:
        store = VectorStore(1, client(tmp / "chroma"))
        docs = chunks(n)
        load_model()  # a one-off per worker process; measure throughput
        embedder = LocalEmbedder()
        started = time.perf_counter()
        for start in range(0, n, BATCH):
            batch = docs[start:start + BATCH]
            result = await embedder.embed(batch, MODEL_NAME)
            await asyncio.to_thread(store.upsert, "bench", [text_id(d) for d in batch], batch, result.vectors)
        elapsed = time.perf_counter() - started
        assert store.count("bench") == n
        print(json.dumps({"name": "ingest_chunks_per_s", "value": round(n / elapsed, 1), "unit": "chunks/s",
                          "chunks": n}), flush=True)

        questions = [" ".join(random.Random(q).choice(sentences()).split()[:12]) for q in range(200)]
        vectors = (await embedder.embed(questions, MODEL_NAME)).vectors
        store.query("bench", vectors[0], 5)  # warm the index
        times = []
        for vector in vectors:
            t0 = time.perf_counter()
            found = store.query("bench", vector, 5)
            times.append((time.perf_counter() - t0) * 1000)
            assert len(found) == 5
        print(json.dumps({"name": "query_p50_ms", "value": round(pct(times, 50), 2), "unit": "ms"}))
        print(json.dumps({"name": "query_p99_ms", "value": round(pct(times, 99), 2), "unit": "ms"}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=2_000)  # 10,000 takes over 3 min on 2 cores
    asyncio.run(main(parser.parse_args().chunks))
