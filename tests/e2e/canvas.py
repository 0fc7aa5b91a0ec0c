"""Helpers that drive the canvas the way a person does: drag from the palette, wire handles."""
from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def open_editor(page: Page, base: str, pipeline_id: int | str) -> None:
    page.goto(f"{base}/pipelines/{pipeline_id}/")
    expect(page.locator(".palette-item").first).to_be_visible()


def drag_from_palette(page: Page, node_type: str, x: float, y: float) -> None:
    """Drop a palette item at (x, y) relative to the canvas' top-left corner."""
    pane = page.locator(".react-flow__pane")
    before = page.locator(".react-flow__node").count()
    page.locator(f'.palette-item[data-node-type="{node_type}"]').drag_to(pane, target_position={"x": x, "y": y})
    expect(page.locator(".react-flow__node")).to_have_count(before + 1)


def node(page: Page, node_type: str, nth: int = 0) -> Locator:
    return page.locator(f'.react-flow__node:has([data-node-type="{node_type}"])').nth(nth)


def handle(n: Locator, kind: str, port: str) -> Locator:
    return n.locator(f'.react-flow__handle.{kind}[data-handleid="{port}"]')


def connect(page: Page, src: Locator, out_port: str, dst: Locator, in_port: str) -> None:
    a = handle(src, "source", out_port).bounding_box()
    b = handle(dst, "target", in_port).bounding_box()
    assert a and b, "handle not found"
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2, steps=5)
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=5)
    page.mouse.up()


def select(page: Page, n: Locator) -> None:
    n.locator(".fnode-head").click()
    expect(page.locator(".settings h2")).to_be_visible()


def set_field(page: Page, name: str, value: str) -> None:
    page.locator(f'.settings [id$="-{name}"]').fill(value)


def wait_saved(page: Page) -> None:
    expect(page.get_by_test_id("save-state")).to_have_text("Saved", timeout=10_000)
