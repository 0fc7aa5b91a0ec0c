"""One Chroma client per process, used from many threads at once (nodes call it through
asyncio.to_thread): concurrent upserts and queries lose nothing and raise nothing."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from builder.vectors import VectorStore, client


def test_the_process_client_is_created_once_per_target(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda _: client(tmp_path / "c"), range(16)))
    assert all(c is made[0] for c in made)


def test_concurrent_upserts_and_queries_from_threads(chroma, services):
    store: VectorStore = services.vectors()

    def work(worker: int) -> int:
        rng = random.Random(worker)
        for batch in range(5):
            ids = [f"w{worker}-b{batch}-{i}" for i in range(20)]
            vectors = [[rng.random() for _ in range(16)] for _ in ids]
            store.upsert("threads", ids, ids, vectors)
            assert len(store.query("threads", vectors[0], k=3)) == 3
        return 100

    with ThreadPoolExecutor(8) as pool:
        written = sum(pool.map(work, range(8)))
    assert store.count("threads") == written == 800
