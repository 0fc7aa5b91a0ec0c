"""Canvas benchmarks in headless Chromium against a real stack (daphne; no worker needed).

Prints one JSON line per figure::

    {"name": "canvas_open_500_ms", "value": ..., "unit": "ms"}
    {"name": "canvas_pan_frame_ms", "value": ..., "unit": "ms"}

canvas_open_500_ms: a pipeline of 500 nodes and 600 edges (100 ``text.constant`` feeding
400 ``merge`` nodes, laid out on a grid) is opened in the editor; the figure is the time from
navigation start until its nodes are drawn, the first one can be selected by a click (its
settings show), and two animation frames have passed. Median of ``--reps`` page loads.

canvas_pan_frame_ms: the same canvas, fitted so every node shows, panned one step per
animation frame for 120 frames through React Flow's ``setViewport`` (a store update and a
re-render, as a drag causes) with vsync off, so a frame's interval is its cost rather than
the display's rate; the figure is the median interval between animation frames.

Run: ``.venv/bin/python bench/canvas_bench.py [--reps N]``. Needs Chromium (Debian's at
/usr/bin/chromium, else Playwright's own).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from builder.nodes.merge import MERGE_PORTS  # noqa: E402
from tests.integration.stack import USERS, start_stack  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
UNTHROTTLED = ["--disable-gpu-vsync", "--disable-frame-rate-limit"]
N_SOURCES, N_MERGES = 100, 400


def big_graph() -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []

    def node(i: int, type_: str, config: dict[str, Any]) -> str:
        nid = f"n{i}"
        col, row = divmod(i, 25)
        nodes.append({"id": nid, "type": type_, "version": 1, "label": "", "config": config,
                      "position": {"x": col * 300, "y": row * 160}, "map": None})
        return nid

    for i in range(N_SOURCES):
        node(i, "text.constant", {"text": f"piece {i}"})
    for j in range(N_MERGES):
        i = N_SOURCES + j
        target = node(i, "merge", {})
        # every merge reads one earlier node, every other one a second: 400 + 200 = 600 edges
        feeds = [i - 25] if i >= 25 + N_SOURCES else [i % N_SOURCES]
        if j % 2 == 0:
            second = (j * 37) % i
            feeds.append(second if second != feeds[0] else i - 1)
        for k, src in enumerate(feeds):
            port = "value" if nodes[src]["type"] == "merge" else "text"
            edges.append({"id": f"e{len(edges)}", "source": f"n{src}", "source_port": port,
                          "target": target, "target_port": MERGE_PORTS[k]})
    assert len(nodes) == 500 and len(edges) == 600, (len(nodes), len(edges))
    return {"schema": 1, "nodes": nodes, "edges": edges}


def chromium() -> str | None:
    for c in ("/usr/bin/chromium", shutil.which("chromium")):
        if c and Path(c).exists():
            return c
    return None


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", USERS["alice"])
    page.click("form [type=submit]")
    page.wait_for_url(f"{base}/")


OPEN_JS = """async () => {
  const until = async (f) => { while (!f()) await new Promise(r => setTimeout(r, 5)); };
  await until(() => document.querySelectorAll('.react-flow__node').length > 20
                    && document.querySelectorAll('.react-flow__edge').length > 20);
  const first = document.querySelector('.react-flow__node .fnode-head');
  first.dispatchEvent(new MouseEvent('mousedown', {bubbles: true, clientX: 0, clientY: 0}));
  first.click();
  await until(() => document.querySelector('.settings h2'));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now();
}"""

PAN_JS = """async () => {
  // Pan through the editor's React Flow instance (exposed as window.__fomoFlow for tests and
  // benchmarks): one step per animation frame, each one a full store update and re-render.
  const flow = window.__fomoFlow;
  const v0 = flow.getViewport();
  const stamps = [];
  await new Promise(done => {
    let i = 0;
    const step = (t) => {
      stamps.push(t);
      if (i++ >= 120) return done();
      const dx = 8, dy = (i % 40 < 20 ? 3 : -3);
      const v = flow.getViewport();
      flow.setViewport({x: v.x + dx, y: v.y + dy, zoom: v.zoom});
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  const d = stamps.slice(1).map((t, k) => t - stamps[k]).sort((a, b) => a - b);
  const v1 = flow.getViewport();
  return {median: d[Math.floor(d.length / 2)], moved: v1.x !== v0.x || v1.y !== v0.y};
}"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fomo-canvas-bench-"))
    stack = start_stack(tmp, workers=0)
    try:
        api = stack.client("alice")
        pid = api.post("/api/pipelines", {"name": "Canvas bench", "graph": big_graph()}).json()["id"]
        with sync_playwright() as p:
            exe = chromium()
            browser = p.chromium.launch(args=ARGS + UNTHROTTLED, **({"executable_path": exe} if exe else {}))
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            log_in(page, stack.url)
            page.goto(f"{stack.url}/pipelines/{pid}/")  # warm caches once
            page.evaluate(OPEN_JS)
            opens = []
            for _ in range(args.reps):
                page.goto(f"{stack.url}/pipelines/{pid}/")
                opens.append(page.evaluate(OPEN_JS))
            pans = [page.evaluate(PAN_JS) for _ in range(args.reps)]
            assert all(p_["moved"] for p_ in pans), "the pan did not move the viewport"
            browser.close()
        print(json.dumps({"name": "canvas_open_500_ms", "value": round(statistics.median(opens), 1), "unit": "ms"}))
        print(json.dumps({"name": "canvas_pan_frame_ms",
                          "value": round(statistics.median(p_["median"] for p_ in pans), 2), "unit": "ms"}))
        return 0
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
