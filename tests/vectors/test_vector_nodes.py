"""vector.upsert, vector.query and vector.delete on the engine, against embedded Chroma."""
from __future__ import annotations

from builder.nodes.vector._common import text_id

from .conftest import node_outputs, run_graph
from .graphs import ask, delete, ingest

FACTS = [
    "The mitochondria is the powerhouse of the cell and makes ATP.",
    "Photosynthesis in chloroplasts turns light, water and carbon dioxide into sugar.",
    "The Treaty of Westphalia ended the Thirty Years' War in 1648.",
    "Rust guarantees memory safety through ownership and borrowing.",
]


def test_upsert_then_query_finds_the_nearest_text(services):
    outcome, sink = run_graph(ingest(), {"texts": FACTS}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    assert outcome.outputs["count"] == 4
    assert node_outputs(sink, "upsert")["ids"] == [text_id(t) for t in FACTS]
    outcome, sink = run_graph(ask(k=2), {"question": "Which treaty ended the Thirty Years' War?"}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    assert outcome.outputs["documents"][0] == FACTS[2]
    matches = outcome.outputs["matches"]
    assert len(matches) == 2 and matches[0]["id"] == text_id(FACTS[2])
    assert 0 <= matches[0]["distance"] < matches[1]["distance"] <= 2
    assert outcome.outputs["context"] == "\n\n".join(outcome.outputs["documents"])


def test_upserting_the_same_texts_again_replaces_instead_of_duplicating(services):
    run_graph(ingest(), {"texts": FACTS}, services)
    outcome, _ = run_graph(ingest(), {"texts": FACTS + [FACTS[0]]}, services)
    assert outcome.outputs["count"] == 4
    assert services.vectors().count("docs") == 4


def test_local_embeddings_retrieve_by_meaning(services):
    run_graph(ingest(provider="local"), {"texts": FACTS}, services)
    outcome, _ = run_graph(ask(provider="local", k=1), {"question": "What produces energy inside cells?"}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    assert outcome.outputs["documents"] == [FACTS[0]]


def test_the_fast_static_model_retrieves_by_meaning_and_refuses_minilm_questions(services):
    outcome, _ = run_graph(ingest(provider="local", model="minilm-static-256"), {"texts": FACTS}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    outcome, sink = run_graph(ask(provider="local", model="minilm-static-256", k=1),
                              {"question": "Which agreement ended the Thirty Years' War?"}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    assert outcome.outputs["documents"] == [FACTS[2]]
    assert len(node_outputs(sink, "embed")["embedding"]) == 256
    # a collection filled by one model is never queried silently with the other's vectors
    outcome, _ = run_graph(ask(provider="local", k=1), {"question": "cells"}, services)
    assert outcome.status == "failed"
    assert outcome.node_errors["query"]["kind"] == "dimension"


def test_a_metadata_filter_limits_the_matches(services):
    metas = [{"topic": "biology"}, {"topic": "biology"}, {"topic": "history"}, {"topic": "code"}]
    outcome, _ = run_graph(ingest(with_metadata=True), {"texts": FACTS, "metadatas": metas}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    outcome, _ = run_graph(ask(k=4, where={"topic": "biology"}), {"question": "Thirty Years' War treaty"}, services)
    assert sorted(outcome.outputs["documents"]) == sorted(FACTS[:2])
    assert all(m["metadata"] == {"topic": "biology"} for m in outcome.outputs["matches"])


def test_a_bad_filter_fails_the_node_clearly(services):
    run_graph(ingest(), {"texts": FACTS}, services)
    outcome, _ = run_graph(ask(where={"$nonsense": 1}), {"question": "x"}, services)
    assert outcome.status == "failed"
    error = outcome.node_errors["query"]
    assert error["kind"] == "bad_filter" and "filter" in error["message"]


def test_querying_a_missing_collection_fails_the_node_clearly(services):
    outcome, _ = run_graph(ask(collection="nowhere"), {"question": "x"}, services)
    assert outcome.status == "failed"
    assert outcome.node_errors["query"]["kind"] == "not_found"
    assert outcome.node_errors["query"]["message"] == "collection 'nowhere' does not exist in this workspace"


def test_a_dimension_mismatch_fails_the_node_clearly(services):
    run_graph(ingest(provider="fake"), {"texts": FACTS}, services)
    outcome, _ = run_graph(ask(provider="local"), {"question": "cells"}, services)  # 384 vs fake's dims
    assert outcome.status == "failed"
    assert outcome.node_errors["query"]["kind"] == "dimension"
    assert "dimension" in outcome.node_errors["query"]["message"]


def test_delete_by_ids_and_by_filter(services):
    metas = [{"topic": "biology"}, {"topic": "biology"}, {"topic": "history"}, {"topic": "code"}]
    run_graph(ingest(with_metadata=True), {"texts": FACTS, "metadatas": metas}, services)
    outcome, _ = run_graph(delete(), {"ids": [text_id(FACTS[3])]}, services)
    assert outcome.outputs["count"] == 1
    outcome, _ = run_graph(delete(where={"topic": "biology"}, with_ids=False), {}, services)
    assert outcome.outputs["count"] == 2
    assert [m["text"] for m in services.vectors().peek("docs")] == [FACTS[2]]


def test_delete_with_nothing_to_match_on_is_refused(services):
    run_graph(ingest(), {"texts": FACTS}, services)
    outcome, _ = run_graph(delete(with_ids=False), {}, services)
    assert outcome.status == "failed" and outcome.node_errors["delete"]["kind"] == "bad_input"


def test_mismatched_lengths_and_bad_metadata_are_refused(services):
    outcome, _ = run_graph(ingest(with_metadata=True), {"texts": FACTS, "metadatas": [{"a": 1}]}, services)
    assert outcome.node_errors["upsert"]["field"] == "metadatas"
    outcome, _ = run_graph(ingest(with_metadata=True),
                           {"texts": FACTS, "metadatas": [{"a": [1]}, None, None, None]}, services)
    assert "metadatas[0]" in outcome.node_errors["upsert"]["message"]
