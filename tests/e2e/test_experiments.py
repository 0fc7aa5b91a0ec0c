"""Datasets and experiments from the browser: paste a dataset (a bad row is named by line), edit a row,
pick a variant's override on the canvas, start a 2-variant experiment and watch the table fill live."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from builder.graph_doc import GraphDoc
from tests.e2e.canvas import node, open_editor
from tests.e2e.conftest import ConsoleErrors
from tests.integration.stack import Api, Stack

pytestmark = pytest.mark.e2e

QUESTIONS = ["What did we decide about the release?", "Who owns the flaky tests?", "Is the budget approved?",
             "When is the next review?", "What slipped last week?", "Who is on call?"]


def qa_graph(latency_ms: int) -> dict:
    g = GraphDoc()
    g.node("question", "input", {"name": "question", "type": "text"})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": latency_ms}, label="Answer")
    g.node("answer", "output", {"name": "answer"})
    g.edge("question", "value", "llm", "prompt")
    g.edge("llm", "text", "answer", "value")
    return g.doc()


def wait_until(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def paste_csv(rows: list[tuple[str, str]]) -> str:
    return "question,expected\n" + "\n".join(f'"{q}",{e}' for q, e in rows)


def test_it_creates_a_dataset_and_runs_a_two_variant_experiment_live(
        alice_page: Page, alice_api: Api, base_url: str, artifacts: Path, console_errors: ConsoleErrors) -> None:
    page = alice_page
    pipeline = alice_api.post("/api/pipelines", {"name": "Q&A for experiments", "graph": qa_graph(700)}).json()

    # A dataset by pasting: a bad row is named by its line and blocks the import.
    page.goto(f"{base_url}/datasets/")
    page.get_by_role("button", name="New dataset").first.click()
    page.get_by_label("Name", exact=True).fill("Meeting questions")
    # An uploaded file with bad lines: the server's errors are listed by line, nothing is created.
    page.get_by_text("Upload a file").click()
    page.get_by_label(re.compile("^File")).set_input_files(
        {"name": "bad.jsonl", "mimeType": "application/jsonl",
         "buffer": b'{"question": "fine", "expected": "x"}\nnot json\n[1, 2]\n'})
    page.get_by_test_id("create-dataset").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("line 2")
    expect(errors).to_contain_text("line 3")
    assert alice_api.get(f"/api/workspaces/{pipeline['workspace']}/datasets").json() == []
    page.get_by_text("Paste CSV or JSONL").click()
    page.get_by_label("Rows", exact=True).fill("question,expected\nok,Summary\ntoo,many,fields\n")
    expect(page.get_by_test_id("import-errors")).to_contain_text("line 3")
    expect(page.get_by_test_id("create-dataset")).to_be_disabled()
    page.screenshot(path=str(artifacts / "dataset-paste-errors.png"))
    # The stub's large model answers "Detailed summary of: …", the small one "Summary of: …".
    page.get_by_label("Rows", exact=True).fill(paste_csv([(q, "Detailed" if i < 3 else "Summary")
                                                          for i, q in enumerate(QUESTIONS)]))
    expect(page.get_by_test_id("paste-preview")).to_contain_text("6 rows")
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    page.get_by_test_id("create-dataset").click()
    table = page.get_by_test_id("dataset-table")
    expect(table.locator("tbody tr")).to_have_count(6)

    # Edit a row in the table; the change is saved.
    cell = page.get_by_label("Row 1 expected")
    cell.fill("Summary of: What did we decide")
    cell.blur()
    datasets = alice_api.get(f"/api/workspaces/{pipeline['workspace']}/datasets").json()
    dataset = next(d for d in datasets if d["name"] == "Meeting questions")
    expect(page.get_by_label("Row 1 expected")).to_have_value("Summary of: What did we decide")
    wait_until(lambda: alice_api.get(f"/api/datasets/{dataset['id']}").json()["rows"][0]["expected"]
               == "Summary of: What did we decide")
    page.screenshot(path=str(artifacts / "datasets-page.png"))

    # The Experiment panel: variant B overrides the LLM node's model, picked on the canvas.
    open_editor(page, base_url, pipeline["id"])
    page.get_by_role("button", name="Experiment", exact=True).click()
    panel = page.get_by_test_id("experiment-panel")
    panel.get_by_label("Name", exact=True).fill("Small vs large")
    expect(panel.get_by_label("Dataset")).to_have_value(str(dataset["id"]))
    panel.get_by_label("Concurrency").fill("2")
    node(page, "llm.chat").locator(".fnode-head").click()
    b = panel.get_by_test_id("variant-card").nth(1)
    b.get_by_label(re.compile("Setting of llm")).select_option(label="Model")
    b.get_by_test_id("add-override").click()
    b.get_by_test_id("override-row").locator('input[id$="-model"]').fill("fake-large")
    panel.get_by_label("Add scorer").select_option("contains")
    page.screenshot(path=str(artifacts / "experiment-panel.png"))
    panel.get_by_test_id("start-experiment").click()

    # The results page fills in live: some cells finish while the experiment still runs.
    page.wait_for_url(re.compile(r"/experiments/\d+/$"), timeout=15_000)
    experiment_id = int(re.search(r"/experiments/(\d+)/", page.url).group(1))
    expect(page.get_by_test_id("experiment-status")).to_have_text("running", timeout=10_000)
    expect(page.get_by_test_id("result-row")).to_have_count(6, timeout=10_000)
    done_cells = page.locator('[data-testid="result-cell"][data-status="succeeded"]')
    expect(done_cells.first).to_be_visible(timeout=30_000)
    assert page.get_by_test_id("experiment-status").inner_text() == "running", "cells should appear before the end"
    assert done_cells.count() < 12
    page.screenshot(path=str(artifacts / "experiment-live.png"))
    expect(page.get_by_test_id("experiment-status")).to_have_text("succeeded", timeout=60_000)
    expect(done_cells).to_have_count(12)
    expect(page.get_by_test_id("experiment-progress")).to_contain_text("12 / 12 runs")
    expect(page.get_by_test_id("aggregate-row")).to_have_count(2)
    expect(page.get_by_test_id("bar-chart")).to_be_visible()
    href = done_cells.first.locator("a").get_attribute("href")
    assert href and re.fullmatch(r"/runs/\d+/", href), href
    expect(page.get_by_test_id("export-csv")).to_have_attribute("href", f"/api/experiments/{experiment_id}/results.csv")

    # The UI's numbers are the server's.
    detail = alice_api.get(f"/api/experiments/{experiment_id}").json()
    assert [v["name"] for v in detail["variants"]] == ["A", "B"]
    assert detail["variants"][1]["overrides"] == [{"node": "llm", "field": "model", "value": "fake-large"}]
    assert {c["status"] for c in detail["cells"]} == {"succeeded"}
    for agg, row in zip(detail["aggregates"], page.get_by_test_id("aggregate-row").all(), strict=True):
        for key in detail["scorer_keys"]:
            mean = agg["mean_scores"][key]
            expect(row).to_contain_text("—" if mean is None else f"{mean:.2f}")

    # Disagreement filter: only rows whose scores differ between A and B.
    keys = detail["scorer_keys"]
    by_row: dict[int, list[dict]] = {}
    for c in detail["cells"]:
        by_row.setdefault(c["row"], []).append(c)
    disagreeing = sum(1 for cells in by_row.values()
                      if any(len({(c["scores"] or {}).get(k) for c in cells}) > 1 for k in keys))
    assert 0 < disagreeing < 6, "the dataset is built so that some rows disagree and some do not"
    page.get_by_test_id("only-disagree").check()
    expect(page.get_by_test_id("result-row")).to_have_count(disagreeing)
    page.get_by_test_id("only-disagree").uncheck()
    page.screenshot(path=str(artifacts / "experiment-finished.png"), full_page=True)

    # Promote B: a new version whose message names the experiment, with B's model.
    page.get_by_test_id("promote").click()
    page.get_by_label("Variant", exact=True).select_option(label="B")
    page.get_by_test_id("confirm-promote").click()
    expect(page.get_by_test_id("promoted")).to_contain_text("Created version")
    number = int(re.search(r"version (\d+)", page.get_by_test_id("promoted").inner_text()).group(1))
    version = alice_api.get(f"/api/pipelines/{pipeline['id']}/versions/{number}").json()
    assert "Small vs large" in version["message"]
    llm = next(n for n in version["graph"]["nodes"] if n["id"] == "llm")
    assert llm["config"]["model"] == "fake-large"
    # The refused upload is the one failed request the browser reports.
    refused = [e for e in console_errors if "status of 400 (Bad Request)" in e]
    assert len(refused) == 1 and len(console_errors) == 1, console_errors


def test_cancelling_from_the_page_keeps_finished_cells_and_strangers_get_404(
        alice_page: Page, alice_api: Api, live_stack: Stack, base_url: str, artifacts: Path,
        console_errors: ConsoleErrors) -> None:
    page = alice_page
    pipeline = alice_api.post("/api/pipelines", {"name": "Slow Q&A", "graph": qa_graph(2500)}).json()
    dataset = alice_api.post(f"/api/workspaces/{pipeline['workspace']}/datasets", {
        "name": "Four questions", "rows": [{"inputs": {"question": q}, "expected": "Summary"} for q in QUESTIONS[:4]],
    }).json()
    experiment = alice_api.post(f"/api/pipelines/{pipeline['id']}/experiments", {
        "name": "To cancel", "dataset": dataset["id"], "version": None, "concurrency": 1,
        "scorers": [{"kind": "contains"}],
        "variants": [{"name": "A", "overrides": []},
                     {"name": "B", "overrides": [{"node": "llm", "field": "model", "value": "fake-large"}]}],
    }).json()
    assert live_stack.client("charlie").get(f"/experiments/{experiment['id']}/").status_code == 404
    anonymous = Api.anonymous(base_url)
    for path in ("/datasets/", f"/experiments/{experiment['id']}/"):
        resp = anonymous.get(path, follow_redirects=False)
        assert resp.status_code == 302 and "/login/" in resp.headers["location"], (path, resp.status_code)

    page.goto(f"{base_url}/experiments/{experiment['id']}/")
    done_cells = page.locator('[data-testid="result-cell"][data-status="succeeded"]')
    expect(done_cells.first).to_be_visible(timeout=30_000)
    page.get_by_test_id("cancel-experiment").click()
    # "cancelling" while the running run stops (it is asked to at once), then "cancelled": only
    # when every run has stopped, so no cell is left running once the page shows it.
    expect(page.get_by_test_id("experiment-status")).to_have_text(re.compile("^cancell(ing|ed)$"), timeout=5_000)
    expect(page.get_by_test_id("experiment-status")).to_have_text("cancelled", timeout=10_000)
    expect(page.get_by_test_id("cancel-experiment")).to_have_count(0)
    expect(page.locator('[data-testid="result-cell"][data-status="cancelled"]').first).to_be_visible()
    expect(page.locator('[data-testid="result-cell"][data-status="running"]')).to_have_count(0, timeout=3_000)
    kept = done_cells.count()
    assert 1 <= kept < 8
    detail = alice_api.get(f"/api/experiments/{experiment['id']}").json()
    assert sum(c["status"] == "succeeded" for c in detail["cells"]) == kept
    page.screenshot(path=str(artifacts / "experiment-cancelled.png"))
    assert not console_errors, console_errors


def test_it_saves_the_inputs_and_outputs_of_past_runs_as_a_dataset(
        alice_page: Page, alice_api: Api, base_url: str, console_errors: ConsoleErrors) -> None:
    page = alice_page
    pipeline = alice_api.create_pipeline(qa_graph(0), name="Answers to keep")
    runs = [alice_api.start_run(pipeline["id"], {"question": q}) for q in QUESTIONS[:2]]
    for run in runs:
        wait_until(lambda run=run: alice_api.get(f"/api/runs/{run['id']}").json()["status"] == "succeeded", 20)
    page.goto(f"{base_url}/datasets/")
    page.get_by_role("button", name="New dataset").first.click()
    page.get_by_label("Name", exact=True).fill("Kept answers")
    page.get_by_text("From past runs").click()
    page.get_by_label("Pipeline").select_option(label="Answers to keep")
    page.get_by_role("button", name="Select all 2").click()
    page.get_by_test_id("create-dataset").click()
    table = page.get_by_test_id("dataset-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_label("Row 1 question")).to_have_value(re.compile("|".join(map(re.escape, QUESTIONS[:2]))))
    expect(page.get_by_label("Row 1 expected")).to_have_value(re.compile("^Summary of: "))
    assert not console_errors, console_errors
