"""Template bombs on a real Celery worker: the runs beside them keep their pace (the worker's shared
event loop is never held), the worker does not grow, and stopping the worker stops its render
processes."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaos.bombs import MEMORY_BOMBS, TIME_BOMB, bomb_graph
from chaos.common import rss_mb, tagged_chain, wait_terminal
from fomo import launcher
from fomo.stack import Stack, start_stack

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-bombs-"))
    s = start_stack(tmp, workers=1)
    try:
        yield s
    finally:
        s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid), "-f", "builder.nodes.support.render_child"], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


def node_errors(api: Any, run_id: int) -> list[dict[str, Any]]:
    detail = api.get(f"/api/runs/{run_id}").json()
    return [n["error"] for n in detail["nodes"] if n["node_id"].startswith("bomb") and n.get("error")]


def test_runs_beside_a_template_bomb_finish_while_it_still_runs(stack):
    api = stack.client("alice")
    ordinary = api.create_pipeline(tagged_chain(2, 50), name="beside")
    bomb = api.create_pipeline(bomb_graph([TIME_BOMB]), name="time-bomb")
    warm = api.start_run(ordinary["id"], {"tag": "warm"})["id"]
    wait_terminal(api, [ordinary["id"]], [warm], 60)

    bomb_run = api.start_run(bomb["id"], {"tag": "b"})["id"]
    time.sleep(0.5)  # the bomb is rendering on the worker
    started = time.monotonic()
    ids = [api.start_run(ordinary["id"], {"tag": f"o{i}-{uuid.uuid4().hex[:6]}"})["id"] for i in range(5)]
    final = wait_terminal(api, [ordinary["id"]], ids, 60)
    took = time.monotonic() - started
    bomb_status = api.get(f"/api/runs/{bomb_run}").json()["status"]

    assert all(final[r]["status"] == "succeeded" for r in ids)
    assert took < 3.0, f"5 two-step runs took {took:.1f}s beside the bomb"
    assert bomb_status == "running", "the ordinary runs waited for the bomb"
    wait_terminal(api, [bomb["id"]], [bomb_run], 60)
    errors = node_errors(api, bomb_run)
    assert [e["kind"] for e in errors] == ["template"]
    assert "took longer than 5 seconds" in errors[0]["message"]


def test_memory_bombs_do_not_grow_the_worker(stack):
    api = stack.client("alice")
    worker = stack.workers[0].pid
    memory = api.create_pipeline(bomb_graph(MEMORY_BOMBS), name="memory-bomb")
    before = rss_mb(worker)
    peak = before
    run_id = api.start_run(memory["id"], {"tag": "m"})["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        peak = max(peak, rss_mb(worker))
        if api.get(f"/api/runs/{run_id}").json()["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert peak - before < 100, f"the worker (with its render processes) grew {peak - before:.0f} MB"
    errors = node_errors(api, run_id)
    assert len(errors) == len(MEMORY_BOMBS)
    assert all("characters long; the limit is 2,000,000" in e["message"] for e in errors), errors


def test_stopping_the_worker_stops_its_render_processes(stack):
    worker = stack.workers[0]
    pids = children(worker.pid)
    assert pids, "the bombs above ran in render processes of this worker"
    launcher.stop(worker)
    stack.workers.remove(worker)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.1)
    assert not [p for p in pids if Path(f"/proc/{p}").exists()], "render processes outlived their worker"
