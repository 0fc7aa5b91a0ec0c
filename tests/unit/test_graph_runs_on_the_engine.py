"""A validated plan runs on the engine with the real catalog and the offline fake provider."""
from __future__ import annotations

import asyncio

from builder.graph import validate, validate_inputs
from builder.nodes.text.split import split_tokens
from runs.engine.events import ListSink
from runs.engine.scheduler import execute
from tests.nodes.kit import FakeServices
from tests.nodes.text.test_split import transcript

from .graph_docs import map_reduce


def test_the_transcript_summary_pipeline_runs_offline_end_to_end(tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FOMO_FAKE_CALL_LOG", str(log))
    plan, errors = validate(map_reduce())
    inputs = {"transcript": transcript(9000)}
    assert errors == [] and validate_inputs(plan, inputs) == []
    outcome = asyncio.run(execute(plan, ListSink(), run_id="r1", run_inputs=inputs, services=FakeServices()))
    assert outcome.status == "succeeded", outcome.node_errors
    assert outcome.outputs["summary"].startswith("Detailed summary of: Combine these summaries:")
    calls = log.read_text().splitlines()
    chunks = split_tokens(inputs["transcript"], 1000, 100, "cl100k_base")
    assert len(chunks) >= 11
    assert len(calls) == len(chunks) + 1  # one call per chunk, then one for the summary of summaries
    assert outcome.usage["prompt_tokens"] > 10_000
