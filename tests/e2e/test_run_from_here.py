"""Run from here and pins, driven in the browser against a stack whose fake LLM logs its calls.

input → (prompt → LLM) × 3 → output. After a finished run, the third prompt's settings are
edited and the run is re-run from that node: the canvas shows the upstream nodes as reused and
the stub sees no new call for them, while the edited step and everything downstream run again.
Then the first LLM is pinned: a run on other inputs reuses it until it is unpinned.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from fomo.stack import Api, Stack, start_stack
from tests.e2e.canvas import open_editor, select, set_field, wait_saved
from tests.e2e.conftest import ConsoleErrors, log_in
from tests.integration.graphs import llm_chain

pytestmark = pytest.mark.e2e

UPSTREAM = ("topic", "p1", "llm1", "p2", "llm2")
DOWNSTREAM = ("p3", "llm3", "out")


@pytest.fixture(scope="module")
def logged_stack() -> Iterator[tuple[Stack, Path]]:
    """A stack of its own, so the fake provider's call log holds only this test's calls."""
    tmp = Path(tempfile.mkdtemp(prefix="fomo-e2e-reuse-"))
    log = tmp / "calls.jsonl"
    stack = start_stack(tmp, workers=1, extra_env={"FOMO_FAKE_CALL_LOG": str(log)})
    try:
        yield stack, log
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def reuse_page(browser: Browser, logged_stack: tuple[Stack, Path]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, logged_stack[0].url)
    yield page
    context.close()


def calls(log: Path, step: int) -> int:
    """Chat calls the fake provider answered for step `step` of the chain."""
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if json.loads(line)["last_user"].startswith(f"step {step}:"))


def node(page: Page, node_id: str):
    return page.get_by_test_id(f"node-{node_id}")


def run_id(page: Page) -> str:
    return page.evaluate("location.hash").split("run=")[1]


def new_run(page: Page, previous: str) -> str:
    """The id of the run the page watches once it has moved on from `previous`."""
    page.wait_for_function("(prev) => /run=/.test(location.hash) && !location.hash.endsWith('run=' + prev)",
                           arg=previous)
    return run_id(page)


def wait_run(api: Api, rid: str, page: Page) -> dict:
    page.get_by_role("tab", name="Run").click()
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=60_000)
    return api.get(f"/api/runs/{rid}").json()


def test_run_from_here_reuses_upstream_and_pins_hold_outputs(
        reuse_page: Page, logged_stack: tuple[Stack, Path], artifacts: Path) -> None:
    stack, log = logged_stack
    page, api = reuse_page, stack.client("alice")
    errors = ConsoleErrors()
    errors.watch(page)
    pipeline = api.create_pipeline(llm_chain(3, latency_ms=0), name="Run from here")
    open_editor(page, stack.url, pipeline["id"])

    # A first, full run from the run panel.
    page.get_by_role("tab", name="Run").click()
    page.locator("#run-in-topic").fill("reuse")
    page.get_by_test_id("start-run").click()
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=60_000)
    first = run_id(page)
    for nid in UPSTREAM + DOWNSTREAM:
        expect(node(page, nid)).to_have_attribute("data-state", "succeeded")
    assert (calls(log, 1), calls(log, 2), calls(log, 3)) == (1, 1, 1)

    # Edit the third prompt's settings, then re-run from it (inspector of the finished run).
    page.get_by_role("tab", name="Settings").click()
    select(page, page.get_by_test_id("rf__node-p3"))
    set_field(page, "template", "step 3: shorter {{ x }}")
    wait_saved(page)
    page.get_by_role("tab", name="Inspect").click()
    expect(page.get_by_test_id("inspector")).to_contain_text("succeeded")
    page.get_by_test_id("run-from-here").click()
    expect(page.locator(".toast")).to_contain_text("5 nodes reused")
    second = new_run(page, first)
    detail = wait_run(api, second, page)

    # Upstream: reused on the canvas, recorded as reused from the first run, and not called again.
    for nid in UPSTREAM:
        expect(node(page, nid)).to_have_attribute("data-state", "reused")
    for nid in DOWNSTREAM:
        expect(node(page, nid)).to_have_attribute("data-state", "succeeded")
    assert set(detail["reused"]) == set(UPSTREAM)
    assert {n["node_id"]: n["reused_from"] for n in detail["nodes"] if n["item"] is None}["llm2"] == int(first)
    assert (calls(log, 1), calls(log, 2), calls(log, 3)) == (1, 1, 2), "upstream must not be re-executed"
    p3 = next(n for n in detail["nodes"] if n["node_id"] == "p3" and n["item"] is None)
    assert "step 3: shorter" in json.dumps(p3["outputs"]), "the edited settings must be the ones re-run"
    # The inspector of a reused node says where its outputs came from.
    page.get_by_test_id("rf__node-llm2").locator(".fnode-head").click()
    page.get_by_role("tab", name="Inspect").click()
    expect(page.get_by_test_id("reused-note")).to_contain_text(first)
    page.screenshot(path=str(artifacts / "run-from-here.png"))

    # Pin llm1 to the first run: a run on another topic reuses it and pays only for step 2 on.
    page.goto(f"{stack.url}/pipelines/{pipeline['id']}/#run={first}")
    page.reload()  # the URL differs only by its hash: reload to open the first run
    page.get_by_test_id("rf__node-llm1").locator(".fnode-head").click()
    page.get_by_role("tab", name="Inspect").click()
    page.get_by_test_id("pin-output").click()
    expect(node(page, "llm1").get_by_test_id("node-pinned")).to_be_visible()
    wait_saved(page)
    saved = {n["id"]: n for n in api.get(f"/api/pipelines/{pipeline['id']}").json()["graph"]["nodes"]}
    assert saved["llm1"]["pinned"]["run"] == int(first)
    page.get_by_role("tab", name="Run").click()
    page.locator("#run-in-topic").fill("something else")
    page.get_by_test_id("start-run").click()
    third_id = new_run(page, first)
    third = wait_run(api, third_id, page)
    assert third["reused"] == {"llm1": int(first)}
    expect(node(page, "llm1")).to_have_attribute("data-state", "reused")
    expect(node(page, "llm2")).to_have_attribute("data-state", "succeeded")
    assert (calls(log, 1), calls(log, 2)) == (1, 2), "a pinned node must not be called"

    # Unpin: the badge goes, and the next run calls step 1 again.
    page.get_by_test_id("rf__node-llm1").locator(".fnode-head").click()
    page.get_by_role("tab", name="Inspect").click()
    page.get_by_test_id("unpin-output").click()
    expect(node(page, "llm1").get_by_test_id("node-pinned")).to_have_count(0)
    wait_saved(page)
    page.get_by_role("tab", name="Run").click()
    page.get_by_test_id("start-run").click()
    fourth = wait_run(api, new_run(page, third_id), page)
    assert fourth["reused"] == {} and calls(log, 1) == 2
    assert not errors, errors
