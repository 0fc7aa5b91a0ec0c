"""A provider SDK's first import (~0.5 s for openai) happens on a thread, not on the worker's shared
event loop: measured in a fresh interpreter, where the SDK is not imported yet."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import asyncio, json, sys, time
from builder.providers import registry

async def main():
    gaps, stop = [], False
    async def tick():
        last = time.perf_counter()
        while not stop:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.05)
    t0 = time.perf_counter()
    await registry.load(sys.argv[1])
    took = time.perf_counter() - t0
    await asyncio.sleep(0.05)
    stop = True
    await ticker
    print(json.dumps({"took": took, "gap": max(gaps), "loaded": registry.info(sys.argv[1]).module in sys.modules}))

asyncio.run(main())
"""


def probe(provider: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", PROBE, provider], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_loading_the_openai_sdk_leaves_the_event_loop_ticking():
    found = probe("openai")
    assert found["loaded"]
    assert found["took"] > 0.2, found  # the import is slow enough here for a stall to show
    assert found["gap"] < 0.2, found  # on the loop, the gap would be the whole import
