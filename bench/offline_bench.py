"""Offline model figures: how often its Q&A answers hold the fact, and how long an answer takes.

Prints one JSON line per figure:
  offline_qa_hit_rate  share of the 30 questions in tests/providers/offline_questions.py (written for
                       the test, not the template's examples) whose answer contains the expected
                       phrase; the prompt is built as the Q&A template builds it (the textbook split
                       by its ingest settings, the 3 nearest chunks by all-MiniLM-L6-v2, its prompt)
  offline_answer_ms    median time of one offline answer to those prompts (embedding the context's
                       sentences with minilm-static-256 and ranking them), after one warm-up answer
Run: ``.venv/bin/python bench/offline_bench.py`` from the repository root. Needs no network.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.providers.base import ChatParams  # noqa: E402
from builder.providers.offline import MODEL_NAME, OfflineChat  # noqa: E402
from tests.providers.offline_questions import retrieval_prompts  # noqa: E402


def main() -> None:
    prompts = retrieval_prompts()
    model, params = OfflineChat(), ChatParams(model=MODEL_NAME)

    async def ask(prompt: str) -> str:
        return (await model.complete([{"role": "user", "content": prompt}], params)).text

    asyncio.run(ask(prompts[0][2]))  # warm-up: loads the static embedding table
    hits, times = 0, []
    for _, expected, prompt in prompts:
        start = time.perf_counter()
        answer = asyncio.run(ask(prompt))
        times.append((time.perf_counter() - start) * 1000)
        hits += expected.lower() in answer.lower()
    print(json.dumps({"name": "offline_qa_hit_rate", "value": round(hits / len(prompts), 3),
                      "unit": "ratio", "questions": len(prompts)}))
    print(json.dumps({"name": "offline_answer_ms", "value": round(statistics.median(times), 2), "unit": "ms",
                      "p_max": round(max(times), 2)}))


if __name__ == "__main__":
    main()
