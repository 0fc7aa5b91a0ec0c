"""Local embedding throughput: 1,000 short chunks (~100 words each) through all-MiniLM-L6-v2.

Prints one JSON line: {"name": "local_embed_docs_per_s", "value": ..., "unit": "docs/s"}.
Run: ``.venv/bin/python bench/embed_bench.py`` from the repository root.
"""
from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.providers.local_embed import MODEL_NAME, LocalEmbedder, load_model  # noqa: E402

WORDS = ("the model reads each chunk of text and returns a vector so that similar passages land near "  # noqa: SIM905
         "one another while unrelated passages such as quarterly revenue figures or weather reports "
         "drift apart in the embedding space used for retrieval augmented generation pipelines").split()


def chunks(n: int = 1000, words: int = 100, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(words - 20, words + 20))) for _ in range(n)]


async def main() -> None:
    docs = chunks()
    load_model()  # loading is a one-off per process; measure throughput
    embedder = LocalEmbedder()
    started = time.perf_counter()
    result = await embedder.embed(docs, MODEL_NAME)
    elapsed = time.perf_counter() - started
    assert len(result.vectors) == len(docs)
    print(json.dumps({"name": "local_embed_docs_per_s", "value": round(len(docs) / elapsed, 1), "unit": "docs/s"}))


if __name__ == "__main__":
    asyncio.run(main())
