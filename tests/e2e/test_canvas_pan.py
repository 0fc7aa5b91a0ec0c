"""Drag-panning a big pipeline zoomed far out, in Chromium against the real stack.

While such a pan lasts the canvas shows one picture of its nodes and edges instead of the node
and edge layers (see frontend/src/editor/canvas/panSnapshot.ts). The picture must show the nodes where
they are, with their state's colours (here: the selected node's blue), move with the view, and
give the live canvas back when the mouse is released, with selection working as before, and
show what has changed since at the next pan.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from builder.graph_doc import GraphDoc
from tests.e2e.canvas import open_editor, select
from tests.e2e.conftest import ConsoleErrors
from tests.integration.stack import Api

pytestmark = pytest.mark.e2e

ROWS, SOURCES, MERGES = 20, 80, 160  # 240 nodes: over the canvas's BIG_GRAPH of 200


def big_graph() -> dict[str, Any]:
    g = GraphDoc()
    for i in range(SOURCES + MERGES):
        col, row = divmod(i, ROWS)
        if i < SOURCES:
            g.node(f"n{i}", "text.constant", {"text": f"piece {i}"}, x=col * 300, y=row * 160)
        else:
            g.node(f"n{i}", "merge", {}, x=col * 300, y=row * 160)
            g.edge(f"n{i % SOURCES}", "text", f"n{i}", "a")
    return g.doc()


EMPTY_SPOT_JS = """() => {
  const r = document.querySelector('.react-flow__pane').getBoundingClientRect();
  for (let y = r.top + 12; y < r.bottom - 12; y += 7)
    for (let x = r.left + 12; x < r.right - 120; x += 7) {
      const el = document.elementFromPoint(x, y);
      if (el && el.classList.contains('react-flow__pane')) return {x, y};
    }
  return null;
}"""

# For each node id, read from the picture's own pixels: the middle of the node's lower part,
# and the bluest pixel (blue minus red) across its left border.
PIXELS_JS = """(ids) => {
  const c = document.querySelector('.pan-snapshot');
  const ctx = c.getContext('2d');
  const left = parseFloat(c.style.left), top = parseFloat(c.style.top);
  const scale = c.width / parseFloat(c.style.width);
  const px = (cx, cy) => Array.from(ctx.getImageData(Math.floor(cx), Math.floor(cy), 1, 1).data);
  return Object.fromEntries(ids.map((id) => {
    const n = window.__fomoFlow.getInternalNode(id);
    const {x, y} = n.internals.positionAbsolute;
    const w = n.measured.width, h = n.measured.height;
    const inside = px((x + w / 2 - left) * scale, (y + h - 8 - top) * scale);
    let blue = -255;
    const cx = (x - left) * scale, cy = (y + h / 2 - top) * scale;
    for (let dx = -3; dx <= 2; dx++) {
      const [r, , b, a] = px(cx + dx, cy);
      if (a > 0) blue = Math.max(blue, b - r);
    }
    return [id, {inside, blue}];
  }));
}"""

CONTENT_VISIBILITY_JS = "() => getComputedStyle(document.querySelector('.react-flow__nodes')).contentVisibility"

# Where the picture shows a node's top-left corner on screen, and where the page has it.
PICTURE_PLACE_JS = """(id) => {
  const c = document.querySelector('.pan-snapshot');
  const r = c.getBoundingClientRect();
  const scale = r.width / parseFloat(c.style.width);
  const {x, y} = window.__fomoFlow.getInternalNode(id).internals.positionAbsolute;
  return {x: r.left + (x - parseFloat(c.style.left)) * scale, y: r.top + (y - parseFloat(c.style.top)) * scale};
}"""
NODE_PLACE_JS = """(id) => {
  const r = document.querySelector(`.react-flow__node[data-id="${id}"]`).getBoundingClientRect();
  return {x: r.left, y: r.top};
}"""


def test_far_zoom_drag_pan_shows_a_picture_and_gives_the_canvas_back(
        alice_page: Page, alice_api: Api, base_url: str, console_errors: ConsoleErrors) -> None:
    page = alice_page
    pid = alice_api.post("/api/pipelines", {"name": "Big canvas", "graph": big_graph()}).json()["id"]
    open_editor(page, base_url, pid)
    expect(page.locator(".react-flow__node")).to_have_count(SOURCES + MERGES)
    select(page, page.get_by_test_id("node-n0"))
    page.evaluate("() => window.__fomoFlow.setViewport({x: 40, y: 40, zoom: 0.4})")
    canvas = page.locator(".canvas")
    expect(canvas).to_have_class(re.compile(r"\blod-far\b"))
    spot = page.evaluate(EMPTY_SPOT_JS)
    assert spot, "no empty spot of the pane to drag"
    x0, y0 = spot["x"], spot["y"]

    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 30, y0 + 20, steps=3)
    expect(canvas).to_have_class(re.compile(r"\bis-snapshot\b"))
    assert page.evaluate(CONTENT_VISIBILITY_JS) == "hidden"
    expect(page.locator(".pan-snapshot")).to_be_visible()
    seen = page.evaluate(PIXELS_JS, ["n0", "n1", "n100"])
    for node_id in ("n0", "n1", "n100"):
        r, g, b, a = seen[node_id]["inside"]
        assert a == 255 and min(r, g, b) > 235, (node_id, seen[node_id])  # a white node body
    assert seen["n0"]["blue"] > 60, seen  # selected: blue border and ring
    assert seen["n1"]["blue"] < 40 and seen["n100"]["blue"] < 40, seen  # grey borders
    before = page.evaluate(NODE_PLACE_JS, "n1")
    page.mouse.move(x0 + 60, y0 + 40, steps=3)
    shown = page.evaluate(PICTURE_PLACE_JS, "n1")
    # the picture followed the pointer (60, 40) from where the page had the node at the first steps
    assert shown["x"] - before["x"] > 20 and shown["y"] - before["y"] > 10, (before, shown)

    page.mouse.up()
    expect(canvas).not_to_have_class(re.compile(r"\bis-snapshot\b"))  # xyflow ends a pan a task later
    after = page.evaluate(NODE_PLACE_JS, "n1")
    # and the page puts the node back exactly where the picture showed it
    assert abs(after["x"] - shown["x"]) < 1.5 and abs(after["y"] - shown["y"]) < 1.5, (shown, after)
    assert page.evaluate(CONTENT_VISIBILITY_JS) == "visible"
    expect(page.locator(".pan-snapshot")).to_be_hidden()
    # The live canvas is back: a node can be selected, and the pane still clears the selection.
    select(page, page.get_by_test_id("node-n1"))
    expect(page.get_by_test_id("node-n1")).to_have_class(re.compile(r"\bis-selected\b"))
    expect(page.get_by_test_id("node-n0")).not_to_have_class(re.compile(r"\bis-selected\b"))
    spot = page.evaluate(EMPTY_SPOT_JS)
    page.mouse.click(spot["x"], spot["y"])
    expect(page.get_by_test_id("node-n1")).not_to_have_class(re.compile(r"\bis-selected\b"))

    # The next pan's picture shows the selection as it is now, not as the last picture had it.
    page.mouse.move(spot["x"], spot["y"])
    page.mouse.down()
    page.mouse.move(spot["x"] - 30, spot["y"] - 20, steps=3)
    expect(canvas).to_have_class(re.compile(r"\bis-snapshot\b"))
    seen = page.evaluate(PIXELS_JS, ["n0", "n1"])
    assert seen["n0"]["blue"] < 40 and seen["n1"]["blue"] < 40, seen
    page.mouse.up()
    expect(canvas).not_to_have_class(re.compile(r"\bis-snapshot\b"))
    assert not console_errors, console_errors
