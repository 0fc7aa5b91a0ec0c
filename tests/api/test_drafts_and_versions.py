"""Saving carries the revision it was based on; a stale save gets 409, never an overwrite."""
from __future__ import annotations

import pytest

from builder.graph_doc import route_by_tier
from builder.models import Pipeline

pytestmark = pytest.mark.postgres


def test_a_save_based_on_the_current_revision_is_accepted(as_user, pipeline):
    resp = as_user("alice").put(f"/api/pipelines/{pipeline.pk}/draft",
                                {"graph": route_by_tier(), "base_revision": 1}, format="json")
    assert resp.status_code == 200
    assert resp.json()["revision"] == 2 and resp.json()["errors"] == []


def test_a_stale_save_gets_409_with_the_current_state_and_overwrites_nothing(as_user, pipeline):
    first = as_user("alice").put(f"/api/pipelines/{pipeline.pk}/draft",
                                 {"graph": route_by_tier(), "base_revision": 1}, format="json")
    assert first.status_code == 200
    stale = as_user("bob").put(f"/api/pipelines/{pipeline.pk}/draft",
                               {"graph": {"schema": 1, "nodes": [], "edges": []}, "base_revision": 1}, format="json")
    assert stale.status_code == 409
    err = stale.json()["error"]
    assert err["code"] == "stale_revision"
    assert err["details"]["current_revision"] == 2 and err["details"]["updated_by"] == "alice"
    pipeline.refresh_from_db()
    assert pipeline.draft == route_by_tier() and pipeline.revision == 2


def test_an_invalid_draft_is_saved_with_its_errors_reported(as_user, pipeline):
    graph = {"schema": 1, "nodes": [{"id": "o", "type": "output", "config": {"name": "o"}}], "edges": []}
    resp = as_user("alice").put(f"/api/pipelines/{pipeline.pk}/draft", {"graph": graph, "base_revision": 1},
                                format="json")
    assert resp.status_code == 200
    assert [e["code"] for e in resp.json()["errors"]] == ["missing_input"]


def test_versions_are_numbered_snapshots_and_restore_appends_one(as_user, pipeline):
    alice = as_user("alice")
    v1 = alice.post(f"/api/pipelines/{pipeline.pk}/versions", {"message": "first"}, format="json")
    assert v1.status_code == 201 and v1.json()["number"] == 1
    alice.put(f"/api/pipelines/{pipeline.pk}/draft", {"graph": route_by_tier(), "base_revision": 1}, format="json")
    v2 = alice.post(f"/api/pipelines/{pipeline.pk}/versions", {"message": "second"}, format="json")
    assert v2.json()["number"] == 2
    restored = alice.post(f"/api/pipelines/{pipeline.pk}/versions/1/restore")
    assert restored.status_code == 200
    listed = alice.get(f"/api/pipelines/{pipeline.pk}/versions").json()
    assert [v["number"] for v in listed] == [3, 2, 1]
    assert listed[0]["message"] == "Restored version 1" and listed[0]["author"] == "alice"
    assert alice.get(f"/api/pipelines/{pipeline.pk}/versions/3").json()["graph"] == v1.json()["graph"]


def test_an_invalid_draft_cannot_become_a_version(as_user, pipeline):
    Pipeline.objects.filter(pk=pipeline.pk).update(draft={"schema": 1, "nodes": [{"id": 1}], "edges": []})
    resp = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/versions", {"message": "x"}, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["details"]["errors"]


def test_a_viewer_reads_but_cannot_edit_or_run(as_user, pipeline):
    vera = as_user("vera")
    assert vera.get(f"/api/pipelines/{pipeline.pk}").json()["role"] == "viewer"
    assert vera.patch(f"/api/pipelines/{pipeline.pk}", {"name": "x"}, format="json").status_code == 403
    assert vera.post(f"/api/pipelines/{pipeline.pk}/runs", {"inputs": {}}, format="json").status_code == 403
    assert vera.delete(f"/api/pipelines/{pipeline.pk}").status_code == 403


def test_request_bodies_cannot_set_server_owned_fields(as_user, pipeline, users):
    resp = as_user("bob").patch(f"/api/pipelines/{pipeline.pk}", {"name": "ok", "workspace": 999, "revision": 50},
                                format="json")
    assert resp.status_code == 400
    assert set(resp.json()["error"]["details"]) == {"workspace", "revision"}
    pipeline.refresh_from_db()
    assert pipeline.name == "Summaries" and pipeline.revision == 1


def test_creating_in_a_workspace_you_cannot_see_answers_404(as_user, pipeline):
    resp = as_user("charlie").post("/api/pipelines", {"name": "x", "workspace": pipeline.workspace_id}, format="json")
    assert resp.status_code == 404


def test_the_catalog_serves_every_node_type_with_its_schema(as_user):
    body = as_user("charlie").get("/api/node-types").json()
    types = {t["type"]: t for t in body["node_types"]}
    assert {"input", "output", "text.constant", "prompt.template", "llm.chat", "text.split", "text.join",
            "router", "merge", "json.extract"} <= set(types)
    assert types["text.split"]["config_schema"]["properties"]["chunk_size"]["maximum"] == 100_000
    ports = as_user("charlie").post("/api/node-types/ports",
                                    {"type": "prompt.template", "config": {"template": "{{ a }} {{ b }}"}},
                                    format="json").json()
    assert [p["name"] for p in ports["inputs"]] == ["a", "b"]
    # model fields say which kind of model they take; providers list the models to suggest
    assert types["llm.chat"]["config_schema"]["properties"]["model"]["x-models"] == "chat"
    assert types["embed"]["config_schema"]["properties"]["model"]["x-models"] == "embeddings"
    providers = {p["name"]: p for p in body["providers"]}
    assert providers["local"]["embedding_models"] == ["all-minilm-l6-v2", "minilm-static-256"]
    assert "gpt-4o-mini" in providers["openai"]["chat_models"] and providers["anthropic"]["embedding_models"] == []


def test_run_inputs_are_checked_before_anything_is_enqueued(as_user, pipeline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        resp = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/runs", {"inputs": {"transcript": 5}},
                                     format="json")
    assert resp.status_code == 400
    assert resp.json()["error"]["details"]["errors"][0]["field"] == "transcript"
    assert callbacks == [] and not pipeline.runs.exists()
