"""The Q&A template end to end on the live stack, offline: the ingest pipeline splits the sample
textbook, embeds it locally and upserts it into embedded Chroma (written only by the worker); the
question pipeline retrieves the chunk that holds the answer and builds the prompt from it."""
from __future__ import annotations

from typing import Any

import pytest

from fomo.stack import Api, read_events

pytestmark = [pytest.mark.integration]


def run_to_end(api: Api, pipeline_id: int, inputs: dict[str, Any]) -> dict[str, Any]:
    run = api.start_run(pipeline_id, inputs)
    with api.websocket(run["id"]) as ws:
        read_events(ws, timeout=120)
    return api.get(f"/api/runs/{run['id']}").json()


def node(detail: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in detail["nodes"] if n["node_id"] == node_id)


@pytest.fixture(scope="module")
def qa(live_stack) -> tuple[Api, dict[str, Any], dict[str, Any]]:
    api = live_stack.client("alice")
    resp = api.post("/api/templates/document-qa", {})
    assert resp.status_code == 201, resp.text
    ingest, question = resp.json()["pipelines"]
    return api, ingest, question


def test_the_qa_template_retrieves_the_chunk_that_answers_the_question(qa):
    api, ingest, question = qa
    ingested = run_to_end(api, ingest["id"], {})
    assert ingested["status"] == "succeeded", ingested["error"]
    assert ingested["outputs"]["stored"] > 15
    assert node(ingested, "embed")["usage"]["prompt_tokens"] > 3000

    asked = run_to_end(api, question["id"],
                       {"question": "How long do the winter bees born in autumn live?"})
    assert asked["status"] == "succeeded", asked["error"]
    query = node(asked, "query")
    documents = query["outputs"]["documents"]
    assert len(documents) == 3 and len(query["outputs"]["matches"]) == 3
    assert any("can live for four to six months" in d for d in documents), documents
    distances = [m["distance"] for m in query["outputs"]["matches"]]
    assert distances == sorted(distances)
    assert "can live for four to six months" in node(asked, "prompt")["outputs"]["text"]
    # The offline model quotes the retrieved chunk's sentence that holds the fact, and says who it is.
    assert "four to six months" in asked["outputs"]["answer"]
    assert node(asked, "llm")["outputs"]["usage"]["model"] == "offline-extractive"
    assert asked["outputs"]["sources"] == documents


def test_ingesting_the_same_document_again_replaces_its_chunks(qa):
    api, ingest, _ = qa
    first = run_to_end(api, ingest["id"], {})
    again = run_to_end(api, ingest["id"], {})
    assert again["status"] == "succeeded"
    assert node(again, "upsert")["outputs"]["ids"] == node(first, "upsert")["outputs"]["ids"]
