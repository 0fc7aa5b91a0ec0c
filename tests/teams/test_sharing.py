"""Share links, move/copy, export/import and version comparison."""
from __future__ import annotations

import copy
import json

import pytest
from rest_framework.test import APIClient

from builder.models import Membership, Pipeline, Role
from runs.models import Run
from teams.models import ShareLink

SECRET_ID = "cred-7f3a9c"


@pytest.fixture
def with_credential(pipeline: Pipeline) -> Pipeline:
    graph = copy.deepcopy(pipeline.draft)
    for node in graph["nodes"]:
        if node["type"] == "llm.chat":
            node["config"]["credential"] = SECRET_ID
    Pipeline.objects.filter(pk=pipeline.pk).update(draft=graph)
    pipeline.refresh_from_db()
    return pipeline


def share(as_user, pipeline, **body):
    resp = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/share-links", body, format="json")
    assert resp.status_code == 201, resp.content
    return resp.json()


def test_anyone_with_a_share_link_sees_the_pipeline_without_credentials(as_user, with_credential):
    link = share(as_user, with_credential)
    assert not ShareLink.objects.filter(token_hash=link["token"]).exists()
    resp = APIClient().get(f"/api/share/{link['token']}")
    assert resp.status_code == 200
    assert resp.json()["pipeline"]["name"] == "Summaries" and "runs" not in resp.json()
    assert SECRET_ID not in resp.content.decode()
    assert "workspace" not in resp.json()["pipeline"]


def test_a_share_link_with_runs_shows_their_traces_and_nothing_else(as_user, pipeline, users):
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={"transcript": "x"},
                             started_by=users["alice"])
    other = Pipeline.objects.create(workspace=pipeline.workspace, name="Other", created_by=users["alice"])
    other_run = Run.objects.create(pipeline=other, graph=other.draft, started_by=users["alice"])
    link = share(as_user, pipeline, include_runs=True)
    anon = APIClient()
    listed = anon.get(f"/api/share/{link['token']}").json()["runs"]
    assert [r["id"] for r in listed] == [run.pk] and listed[0]["started_by"] is None
    assert anon.get(f"/api/share/{link['token']}/runs/{run.pk}").json()["inputs"] == {"transcript": "x"}
    assert anon.get(f"/api/share/{link['token']}/runs/{other_run.pk}").status_code == 404
    without = share(as_user, pipeline)
    assert anon.get(f"/api/share/{without['token']}/runs/{run.pk}").status_code == 404


def test_a_revoked_or_expired_share_link_is_404(as_user, pipeline):
    link = share(as_user, pipeline, expires_in_hours=1)
    assert as_user("alice").delete(f"/api/pipelines/{pipeline.pk}/share-links/{link['id']}").status_code == 204
    assert APIClient().get(f"/api/share/{link['token']}").status_code == 404
    assert APIClient().get("/api/share/not-a-token").status_code == 404


def test_only_editors_manage_share_links(as_user, pipeline):
    assert as_user("vera").post(f"/api/pipelines/{pipeline.pk}/share-links", {}, format="json").status_code == 403
    assert as_user("charlie").get(f"/api/pipelines/{pipeline.pk}/share-links").status_code == 404


def test_a_logged_in_link_holder_duplicates_into_their_workspace(as_user, with_credential, users):
    link = share(as_user, with_credential)
    assert APIClient().post(f"/api/share/{link['token']}/duplicate", {}, format="json").status_code in (401, 403)
    resp = as_user("charlie").post(f"/api/share/{link['token']}/duplicate", {}, format="json")
    assert resp.status_code == 201
    copy_ = Pipeline.objects.get(pk=resp.json()["id"])
    assert copy_.workspace.membership_set.get().user == users["charlie"]
    assert SECRET_ID not in json.dumps(copy_.draft)
    assert {u["node"] for u in resp.json()["unbound_credentials"]} == {"summarize", "reduce"}


def test_move_and_copy_need_edit_rights_on_both_sides(as_user, with_credential, users, side_workspace):
    p = with_credential
    assert as_user("vera").post(f"/api/pipelines/{p.pk}/move", {"workspace": side_workspace.pk},
                                format="json").status_code == 403
    assert as_user("bob").post(f"/api/pipelines/{p.pk}/copy", {"workspace": side_workspace.pk},
                               format="json").status_code == 404  # bob is not in the side workspace
    Membership.objects.create(workspace=side_workspace, user=users["vera"], role=Role.VIEWER)
    assert as_user("vera").post(f"/api/pipelines/{p.pk}/copy", {"workspace": side_workspace.pk},
                                format="json").status_code == 403
    copied = as_user("alice").post(f"/api/pipelines/{p.pk}/copy", {"workspace": side_workspace.pk}, format="json")
    assert copied.status_code == 201 and copied.json()["workspace"] == side_workspace.pk
    assert SECRET_ID not in json.dumps(copied.json()["graph"])
    moved = as_user("alice").post(f"/api/pipelines/{p.pk}/move", {"workspace": side_workspace.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["workspace"] == side_workspace.pk
    assert as_user("bob").get(f"/api/pipelines/{p.pk}").status_code == 404


def _version(as_user, pipeline, graph, message):
    rev = Pipeline.objects.get(pk=pipeline.pk).revision
    as_user("alice").put(f"/api/pipelines/{pipeline.pk}/draft", {"graph": graph, "base_revision": rev},
                         format="json")
    assert as_user("alice").post(f"/api/pipelines/{pipeline.pk}/versions", {"message": message},
                                 format="json").status_code == 201


def test_export_then_import_round_trips_without_credentials(as_user, with_credential, side_workspace):
    p = with_credential
    v1 = copy.deepcopy(p.draft)
    v2 = copy.deepcopy(p.draft)
    v2["nodes"][1]["config"]["chunk_size"] = 300
    _version(as_user, p, v1, "first")
    _version(as_user, p, v2, "second")
    resp = as_user("vera").get(f"/api/pipelines/{p.pk}/export?versions=1")
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    text = resp.content.decode()
    assert SECRET_ID not in text
    doc = json.loads(text)
    assert {(u["node"], u.get("version")) for u in doc["unbound_credentials"]} >= {("summarize", None), ("reduce", 2)}
    imported = as_user("alice").post(f"/api/workspaces/{side_workspace.pk}/import", doc, format="json")
    assert imported.status_code == 201, imported.content
    assert {u["node"] for u in imported.json()["unbound_credentials"]} == {"summarize", "reduce"}
    again = json.loads(as_user("alice").get(f"/api/pipelines/{imported.json()['id']}/export?versions=1").content)

    def strip(d):
        return {"pipeline": d["pipeline"],
                "versions": [{k: v[k] for k in ("number", "message", "graph")} for v in d["versions"]]}

    assert strip(again) == strip(doc)
    without = copy.deepcopy(v2)
    for node in without["nodes"]:
        node["config"].pop("credential", None)
        if node["type"] == "llm.chat":
            node["config"]["credential"] = None
    assert again["pipeline"]["graph"] == without


@pytest.mark.parametrize("payload, needle", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"fomo_export": 1, "pipeline": {"graph": {}}}', "pipeline.name"),
    (b'{"fomo_export": 9, "pipeline": {"name": "x", "graph": {}}}', "fomo_export"),
    (b'{"fomo_export": 1, "pipeline": {"name": "x", "graph": {"schema": 1, "nodes": 5, "edges": []}}}',
     "pipeline.graph"),
    (b'{"fomo_export": 1, "pipeline": {"name": "x", "graph": {"schema": 1, "nodes": [], "edges": []}},'
     b' "versions": [{"message": "m"}]}', "versions[0]"),
])
def test_a_malformed_import_gets_a_400_naming_the_problem(as_user, workspace, payload, needle):
    resp = as_user("alice").post(f"/api/workspaces/{workspace.pk}/import", payload, content_type="application/json")
    assert resp.status_code == 400, resp.content
    assert needle in resp.json()["error"]["message"]
    assert not Pipeline.objects.filter(name="x").exists()


def test_an_oversized_import_is_refused(as_user, workspace):
    big = b'{"fomo_export": 1, "pipeline": {"name": "x", "description": "' + b"a" * (5 * 1024 * 1024) + b'"}}'
    resp = as_user("alice").post(f"/api/workspaces/{workspace.pk}/import", big, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "too_large"


def test_viewers_cannot_import(as_user, workspace):
    doc = {"fomo_export": 1, "pipeline": {"name": "x", "graph": {"schema": 1, "nodes": [], "edges": []}}}
    assert as_user("vera").post(f"/api/workspaces/{workspace.pk}/import", doc, format="json").status_code == 403


def test_compare_lists_node_and_edge_changes_with_field_paths(as_user, pipeline):
    v1 = copy.deepcopy(pipeline.draft)
    v2 = copy.deepcopy(v1)
    v2["nodes"][1]["config"]["chunk_size"] = 123
    v2["nodes"][0]["position"] = {"x": 5, "y": 5}
    v2["nodes"] = [n for n in v2["nodes"] if n["id"] != "join"]
    v2["nodes"].append({"id": "extra", "type": "text.constant", "config": {"text": "x"}})
    v2["edges"] = [e for e in v2["edges"] if "join" not in (e["source"], e["target"])]
    from builder.models import PipelineVersion

    PipelineVersion.objects.create(pipeline=pipeline, number=1, graph=v1)
    PipelineVersion.objects.create(pipeline=pipeline, number=2, graph=v2)
    diff = as_user("vera").get(f"/api/pipelines/{pipeline.pk}/versions/compare?a=1&b=2").json()
    assert [n["id"] for n in diff["nodes"]["added"]] == ["extra"]
    assert [n["id"] for n in diff["nodes"]["removed"]] == ["join"]
    assert diff["nodes"]["changed"] == [{"id": "split", "type": "text.split", "fields": ["config.chunk_size"]}]
    assert diff["nodes"]["moved"] == ["transcript"]
    assert len(diff["edges"]["removed"]) == 2 and diff["edges"]["added"] == []
    assert as_user("vera").get(f"/api/pipelines/{pipeline.pk}/versions/compare?a=1&b=9").status_code == 404
    assert as_user("vera").get(f"/api/pipelines/{pipeline.pk}/versions/compare?a=1").status_code == 400
    assert as_user("charlie").get(f"/api/pipelines/{pipeline.pk}/versions/compare?a=1&b=2").status_code == 404
