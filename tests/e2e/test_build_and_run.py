"""From an empty canvas, build the transcript map/reduce pipeline by hand, run it, watch it live."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.canvas import connect, drag_from_palette, node, open_editor, select, set_field, wait_saved
from tests.e2e.conftest import ConsoleErrors
from tests.integration.stack import Api

pytestmark = pytest.mark.e2e

SPEAKERS = ["Alice", "Bob", "Chen", "Dana"]
TOPICS = ["the release date", "flaky tests", "the hiring plan", "customer churn", "the budget", "on-call load"]


def transcript(words: int = 7500) -> str:
    lines, count, i = [], 0, 0
    while count < words:
        line = (f"{SPEAKERS[i % 4]}: I think {TOPICS[i % 6]} needs another look, because last week "
                f"we saw item {i} slip and nobody owned the follow-up.")
        lines.append(line)
        count += len(line.split())
        i += 1
    return "\n".join(lines)


def test_it_builds_and_runs_the_transcript_pipeline_from_an_empty_canvas(
        alice_page: Page, alice_api: Api, base_url: str, artifacts: Path, console_errors: ConsoleErrors) -> None:
    page = alice_page
    pipeline = alice_api.post("/api/pipelines", {"name": "Transcript by hand"}).json()
    open_editor(page, base_url, pipeline["id"])
    expect(page.locator(".react-flow__node")).to_have_count(0)

    # input → split by tokens → LLM mapped over chunks → join → LLM → output
    drag_from_palette(page, "input", 120, 60)
    drag_from_palette(page, "text.split", 370, 60)
    drag_from_palette(page, "llm.chat", 620, 60)
    drag_from_palette(page, "text.join", 120, 330)
    drag_from_palette(page, "llm.chat", 370, 330)
    drag_from_palette(page, "output", 620, 330)
    inp, split, mapper = node(page, "input"), node(page, "text.split"), node(page, "llm.chat", 0)
    join, reducer, out = node(page, "text.join"), node(page, "llm.chat", 1), node(page, "output")

    connect(page, inp, "value", split, "text")
    connect(page, split, "chunks", mapper, "prompt")
    # A list of chunks cannot feed a text prompt until the LLM maps over it: refused, with the reason.
    expect(page.locator(".toast-error")).to_contain_text("Type mismatch")
    expect(page.locator(".react-flow__edge")).to_have_count(1)

    select(page, mapper)
    page.get_by_label("Run once per item of a list input").check()
    set_field(page, "latency_ms", "1200")
    connect(page, split, "chunks", mapper, "prompt")
    connect(page, mapper, "text", join, "texts")
    connect(page, join, "text", reducer, "prompt")
    connect(page, reducer, "text", out, "value")
    expect(page.locator(".react-flow__edge")).to_have_count(5)

    select(page, split)
    set_field(page, "chunk_size", "1500")
    select(page, reducer)
    set_field(page, "latency_ms", "2500")
    set_field(page, "system", "You merge partial meeting summaries into one.")
    wait_saved(page)
    expect(page.get_by_test_id("error-count")).to_have_count(0)
    page.screenshot(path=str(artifacts / "editor-transcript.png"))

    page.get_by_role("tab", name="Run").click()
    page.locator("#run-in-text").fill(transcript())
    page.get_by_test_id("start-run").click()

    # Live: node states and streamed tokens appear while the run is still going.
    expect(page.get_by_test_id("run-status")).to_have_text("running", timeout=20_000)
    expect(mapper.locator(".fnode")).to_have_attribute("data-state", re.compile("running|succeeded"), timeout=20_000)
    expect(reducer.get_by_test_id("node-tokens")).not_to_be_empty(timeout=30_000)
    assert page.get_by_test_id("run-status").inner_text() == "running", "tokens should stream before the run ends"
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=60_000)
    for n in (inp, split, mapper, join, reducer, out):
        expect(n.locator(".fnode")).to_have_attribute("data-state", "succeeded")
    expect(page.get_by_test_id("run-outputs")).to_contain_text("result")
    page.screenshot(path=str(artifacts / "run-finished-editor.png"))

    # The mapped node's inspector lists its items, each with its own status.
    mapper.locator(".fnode-head").click()
    page.get_by_role("tab", name="Inspect").click()
    expect(page.get_by_test_id("inspector")).to_contain_text("Map items")
    # The split node's input (the whole transcript) is too large for the run detail: its first
    # characters show, and the whole text loads on request.
    split.locator(".fnode-head").click()
    cut = page.get_by_test_id("truncated-inputs")
    expect(cut).to_contain_text('{"text": "')
    cut.get_by_role("button", name=re.compile(r"Load all \([\d,]+ chars\)")).click()
    expect(cut).to_have_count(0)
    page.get_by_test_id("inspector").get_by_role("button", name=re.compile("Show all")).first.click()
    expect(page.get_by_test_id("inspector")).to_contain_text(transcript().strip()[-60:])

    run_id = page.evaluate("location.hash").split("run=")[1]
    page.goto(f"{base_url}/runs/{run_id}/")
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded")
    expect(page.locator('.fnode[data-state="succeeded"]')).to_have_count(6)
    page.screenshot(path=str(artifacts / "run-page-finished.png"))
    assert not console_errors, console_errors
