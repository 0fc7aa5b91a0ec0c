"""Reload mid-run, validation errors painted on nodes, and the save-conflict dialog."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.canvas import drag_from_palette, node, open_editor, select, set_field, wait_saved
from tests.e2e.conftest import ConsoleErrors
from tests.integration.stack import Api

pytestmark = pytest.mark.e2e


def slow_llm_graph(latency_ms: int) -> dict[str, Any]:
    def n(id_: str, type_: str, config: dict[str, Any], x: int) -> dict[str, Any]:
        return {"id": id_, "type": type_, "version": 1, "label": "", "config": config,
                "position": {"x": x, "y": 0}, "map": None}

    return {"schema": 1,
            "nodes": [n("question", "input", {"name": "question"}, 0),
                      n("llm", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": latency_ms}, 300),
                      n("answer", "output", {"name": "answer"}, 600)],
            "edges": [{"id": "e1", "source": "question", "source_port": "value",
                       "target": "llm", "target_port": "prompt"},
                      {"id": "e2", "source": "llm", "source_port": "text", "target": "answer", "target_port": "value"}]}


def test_a_reload_mid_run_continues_the_live_view(alice_page: Page, alice_api: Api, base_url: str,
                                                  console_errors: ConsoleErrors) -> None:
    page = alice_page
    pipeline = alice_api.post("/api/pipelines", {"name": "Slow answer", "graph": slow_llm_graph(6000)}).json()
    open_editor(page, base_url, pipeline["id"])
    page.get_by_role("tab", name="Run").click()
    page.locator("#run-in-question").fill("What did we decide about the release?")
    page.get_by_test_id("start-run").click()
    llm = node(page, "llm.chat")
    expect(llm.get_by_test_id("node-tokens")).not_to_be_empty(timeout=20_000)

    page.reload()
    expect(page.get_by_test_id("run-status")).to_be_visible()
    assert page.get_by_test_id("run-status").inner_text() in ("running", "queued"), "reloaded after the run ended"
    expect(llm.get_by_test_id("node-tokens")).not_to_be_empty(timeout=10_000)
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=30_000)
    run_id = page.evaluate("location.hash").split("run=")[1]
    detail = alice_api.get(f"/api/runs/{run_id}").json()
    answer = detail["outputs"]["answer"]
    # Every token arrived exactly once: the streamed text is the answer (the node shows its tail).
    streamed = llm.get_by_test_id("node-tokens").inner_text().lstrip("…")
    assert answer.endswith(streamed.strip()[-200:])
    assert not console_errors, console_errors


def test_validation_errors_are_painted_on_the_node(alice_page: Page, alice_api: Api, base_url: str) -> None:
    page = alice_page
    pipeline = alice_api.post("/api/pipelines", {"name": "Broken"}).json()
    open_editor(page, base_url, pipeline["id"])
    drag_from_palette(page, "text.split", 200, 120)
    split = node(page, "text.split")
    wait_saved(page)
    # Its required `text` input is not connected: the server says so and the canvas paints it.
    expect(split.get_by_test_id("node-errors")).to_be_visible()
    expect(split.locator(".fnode")).to_have_class(__import__("re").compile("has-error"))
    select(page, split)
    set_field(page, "chunk_size", "0")
    expect(page.locator(".settings .field-error").first).to_be_visible()


def test_a_stale_save_gets_the_conflict_dialog(alice_page: Page, second_alice: Page, alice_api: Api,
                                               base_url: str, artifacts: Path) -> None:
    pipeline = alice_api.post("/api/pipelines", {"name": "Shared", "graph": slow_llm_graph(0)}).json()
    first, second = alice_page, second_alice
    open_editor(first, base_url, pipeline["id"])
    open_editor(second, base_url, pipeline["id"])

    select(first, node(first, "llm.chat"))
    first.locator('.settings [id$="-label"]').fill("Edited in the first tab")
    wait_saved(first)

    select(second, node(second, "llm.chat"))
    second.locator('.settings [id$="-label"]').fill("Edited in the second tab")
    dialog = second.get_by_test_id("conflict-dialog")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("alice")
    second.screenshot(path=str(artifacts / "conflict-dialog.png"))

    second.get_by_role("button", name="Keep mine as a new version").click()
    expect(dialog).to_be_hidden()
    wait_saved(second)
    graph = alice_api.get(f"/api/pipelines/{pipeline['id']}").json()["graph"]
    assert [n["label"] for n in graph["nodes"] if n["id"] == "llm"] == ["Edited in the second tab"]
    messages = [v["message"] for v in alice_api.get(f"/api/pipelines/{pipeline['id']}/versions").json()]
    assert any("My changes" in m for m in messages)
    # Theirs was kept too, as a version, before it was replaced.
    assert any("alice" in m for m in messages)
