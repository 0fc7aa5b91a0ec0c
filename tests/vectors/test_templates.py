"""Every gallery template validates and runs offline (the offline model, local embeddings); the Q&A
question pipeline retrieves the chunk that holds the answer and answers with its fact. The API
creates them in a workspace the user may edit."""
from __future__ import annotations

import pytest

from builder.graph import validate
from builder.models import Pipeline, Workspace
from builder.nodes.text.split import split_tokens
from builder.templates_gallery import TEMPLATES, qa_ingest, qa_question, sample
from tests.api.conftest import as_user, users  # noqa: F401

from .conftest import node_outputs, run_graph


@pytest.mark.parametrize("slug", sorted(TEMPLATES))
def test_every_template_validates_and_runs_offline_with_its_defaults(slug, services):
    for spec in TEMPLATES[slug].pipelines:
        doc = spec.build()
        plan, errors = validate(doc)
        assert errors == [], (spec.name, errors)
        outcome, _ = run_graph(doc, {}, services)
        assert outcome.status == "succeeded", (spec.name, outcome.node_errors)
        assert outcome.outputs, spec.name


def test_the_transcript_sample_is_long_real_prose():
    text = sample("meeting_transcript.txt")
    assert 7000 <= len(text.split()) <= 9000
    assert len(set(text.splitlines())) > 150  # not a few turns repeated


def test_the_qa_question_pipeline_retrieves_the_chunk_with_the_answer(services):
    ingested, _ = run_graph(qa_ingest(), {}, services)
    chunks = split_tokens(sample("textbook.txt"), 200, 30, "cl100k_base")
    assert ingested.outputs["stored"] == len(set(chunks))
    question = "What does the angle of the waggle run relative to vertical tell the other bees?"
    outcome, sink = run_graph(qa_question(), {"question": question}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    documents = node_outputs(sink, "query")["documents"]
    assert any("angle relative to vertical on the comb gives the direction" in d for d in documents), documents
    assert "angle relative to vertical" in node_outputs(sink, "prompt")["text"]
    assert "angle relative to vertical on the comb gives the direction" in outcome.outputs["answer"]
    assert node_outputs(sink, "llm")["usage"]["model"] == "offline-extractive"


def test_every_template_model_is_the_offline_model():
    for template in TEMPLATES.values():
        for spec in template.pipelines:
            asking = [n["config"] for n in spec.build()["nodes"] if n["type"] in ("llm.chat", "router.classify")]
            assert all(c["provider"] == "offline" and c["model"] == "offline-extractive" for c in asking), spec.name


def test_the_transcript_template_summarizes_with_sentences_of_the_transcript(services):
    from builder.providers.offline import sentences
    from builder.templates_gallery import transcript

    outcome, _ = run_graph(transcript(), {}, services)
    assert outcome.status == "succeeded", outcome.node_errors
    summary, text = outcome.outputs["summary"], sample("meeting_transcript.txt")
    assert summary and "Summary of:" not in summary
    assert all(s in text for s in sentences(summary))


@pytest.mark.django_db
def test_the_api_lists_templates_and_creates_their_pipelines(as_user, users):  # noqa: F811
    alice = as_user("alice")
    listed = alice.get("/api/templates").json()
    assert [t["slug"] for t in listed] == list(TEMPLATES)
    resp = alice.post("/api/templates/document-qa", {}, format="json")
    assert resp.status_code == 201, resp.content
    made = resp.json()["pipelines"]
    assert [p["name"] for p in made] == ["Q&A: ingest a document", "Q&A: ask a question"]
    assert made[0]["workspace"] == Workspace.personal_of(users["alice"]).pk and made[0]["latest_version"] == 1
    assert Pipeline.objects.get(pk=made[1]["id"]).draft == qa_question()


@pytest.mark.django_db
def test_templates_go_only_into_workspaces_the_user_may_edit(as_user, users):  # noqa: F811
    ws = Workspace.personal_of(users["alice"]).pk
    assert as_user("vera").post("/api/templates/chat", {"workspace": ws}, format="json").status_code == 403
    assert as_user("charlie").post("/api/templates/chat", {"workspace": ws}, format="json").status_code == 404
    assert as_user("bob").post("/api/templates/chat", {"workspace": ws}, format="json").status_code == 201
    assert as_user("bob").post("/api/templates/nope", {}, format="json").status_code == 404


def test_the_triage_template_routes_each_ticket_to_one_team_offline(services):
    from builder.templates_gallery import triage

    for ticket, team in [("I was charged twice, please refund the payment.", "billing"),
                         ("The editor crashes and shows an error when I save.", "bug"),
                         ("How do I share a pipeline with a teammate?", "how_to"),
                         ("Hello there!", "other")]:
        outcome, sink = run_graph(triage(), {"ticket": ticket}, services)
        assert outcome.status == "succeeded", outcome.node_errors
        assert outcome.outputs["category"] == team, ticket
        ran = {e.node_id for e in sink.of_type("node.finished")}
        assert f"{team}_prompt" in ran and len({n for n in ran if n.endswith("_prompt")}) == 1
