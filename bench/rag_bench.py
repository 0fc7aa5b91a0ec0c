"""RAG store figures: ingest throughput (local embeddings into embedded Chroma), query latency and
retrieval quality, for both local models.

Prints one JSON line per figure:
  ingest_chunks_per_s         10,000 chunks of ~100 words (~145 tokens) embedded with the fast local
                              model (minilm-static-256) and upserted into embedded Chroma in batches
                              of 500, from the first embed to the last upsert
  ingest_chunks_per_s_minilm  the same with all-MiniLM-L6-v2 on 1,000 chunks (the transformer is
                              compute-bound: 10,000 would take ~8 minutes on 2 cores)
  query_p50_ms, query_p99_ms  200 queries with k=5 against the 10,000-chunk collection (the Chroma
                              query only; the question's embedding is computed beforehand)
  ingest_pipeline_chunks_per_s
                              the same fast model through the product: the "Q&A: ingest a document"
                              template (split by tokens -> embed -> vector.upsert) run by a real
                              worker behind daphne on a 1.9 MB document (2,353 chunks of 200 tokens),
                              from the POST that starts the run to its end, every node's inputs and
                              outputs written to the trace; after one warm-up run
  qa_hit_at_3_static, qa_hit_at_3_minilm
                              share of the 30 paraphrased questions in qa_questions.py whose
                              answering passage is among the 3 nearest of the textbook and meeting
                              transcript, chunked by sentences into ~60-word passages (158 of them)
Run: ``.venv/bin/python bench/rag_bench.py [--chunks N] [--minilm-chunks N]`` from the repository
root. Uses a temp folder.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qa_questions import QA  # noqa: E402

from builder.nodes.vector._common import text_id  # noqa: E402
from builder.providers import local_embed, local_static  # noqa: E402
from builder.providers.local_embed import LocalEmbedder  # noqa: E402
from builder.templates_gallery import qa_ingest  # noqa: E402
from builder.vectors import VectorStore, client  # noqa: E402
from fomo.stack import start_stack  # noqa: E402

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


def passages(words: int = 60) -> list[str]:
    """The two sample texts cut at sentence ends into passages of at least ``words`` words."""
    out: list[str] = []
    for name in ("textbook.txt", "meeting_transcript.txt"):
        current: list[str] = []
        for sentence in re.split(r"(?<=[.?!])\s+", (SAMPLES / name).read_text()):
            if sentence.strip():
                current.append(sentence.strip())
            if sum(len(s.split()) for s in current) >= words:
                out.append(" ".join(current))
                current = []
        if current:
            out.append(" ".join(current))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


async def ingest(store: VectorStore, collection: str, docs: list[str], model: str) -> float:
    """Chunks per second: embed and upsert ``docs`` in batches, as an ingest pipeline does."""
    embedder = LocalEmbedder()
    started = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        batch = docs[start:start + BATCH]
        result = await embedder.embed(batch, model)
        await asyncio.to_thread(store.upsert, collection, [text_id(d) for d in batch], batch, result.vectors)
    elapsed = time.perf_counter() - started
    assert store.count(collection) == len(docs)
    return len(docs) / elapsed


async def qa_hit_at_3(model: str) -> float:
    texts = passages()
    embedder = LocalEmbedder()
    docs = (await embedder.embed(texts, model)).vectors
    questions = (await embedder.embed([q for q, _ in QA], model)).vectors
    hits = 0
    for (_, answer), q in zip(QA, questions, strict=True):
        scores = sorted(range(len(docs)), key=lambda j: -sum(a * b for a, b in zip(q, docs[j], strict=True)))
        hits += any(answer in texts[j] for j in scores[:3])
    return round(hits / len(QA), 2)


def pipeline_ingest(tmp: Path) -> tuple[float, int]:
    """Chunks per second through a real stack, and how many chunks the document made."""
    stack = start_stack(tmp / "stack", extra_env={"FOMO_LOG_LEVEL": "WARNING"})
    try:
        api = stack.client()
        graph = qa_ingest("bench")
        for node in graph["nodes"]:
            if node["id"] == "embed":
                node["config"]["model"] = local_static.MODEL_NAME
        pipeline = api.create_pipeline(graph)

        def run(document: str) -> tuple[float, dict]:
            started = time.perf_counter()
            run = api.start_run(pipeline["id"], {"document": document})
            while (got := api.get(f"/api/runs/{run['id']}").json())["status"] in ("queued", "running"):
                time.sleep(0.05)
            assert got["status"] == "succeeded", got.get("error")
            return time.perf_counter() - started, got["outputs"]

        run("A warm-up document. " * 40)  # loads the table and opens the collection in the worker
        elapsed, outputs = run("\n\n".join(chunks(2_000, words=150, seed=13)))
        return outputs["stored"] / elapsed, outputs["stored"]
    finally:
        stack.stop()


async def main(n: int, n_minilm: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-rag-bench-"))
    try:
        store = VectorStore(1, client(tmp / "chroma"))
        docs = chunks(n)
        local_static.load_table()  # one-offs per worker process; measure throughput
        local_embed.load_model()
        emit("ingest_chunks_per_s", round(await ingest(store, "bench", docs, local_static.MODEL_NAME), 1),
             "chunks/s", chunks=n, model=local_static.MODEL_NAME)
        if n_minilm:
            rate = await ingest(store, "bench_minilm", chunks(n_minilm, seed=12), local_embed.MODEL_NAME)
            emit("ingest_chunks_per_s_minilm", round(rate, 1), "chunks/s", chunks=n_minilm,
                 model=local_embed.MODEL_NAME)

        questions = [" ".join(random.Random(q).choice(sentences()).split()[:12]) for q in range(200)]
        vectors = (await LocalEmbedder().embed(questions, local_static.MODEL_NAME)).vectors
        store.query("bench", vectors[0], 5)  # warm the index
        times = []
        for vector in vectors:
            t0 = time.perf_counter()
            found = store.query("bench", vector, 5)
            times.append((time.perf_counter() - t0) * 1000)
            assert len(found) == 5
        emit("query_p50_ms", round(pct(times, 50), 2), "ms", k=5, items=n)
        emit("query_p99_ms", round(pct(times, 99), 2), "ms", k=5, items=n)
        rate, made = await asyncio.to_thread(pipeline_ingest, tmp)
        emit("ingest_pipeline_chunks_per_s", round(rate, 1), "chunks/s", chunks=made, model=local_static.MODEL_NAME)
        emit("qa_hit_at_3_static", await qa_hit_at_3(local_static.MODEL_NAME), "share", questions=len(QA))
        emit("qa_hit_at_3_minilm", await qa_hit_at_3(local_embed.MODEL_NAME), "share", questions=len(QA))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--minilm-chunks", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(main(args.chunks, args.minilm_chunks))
