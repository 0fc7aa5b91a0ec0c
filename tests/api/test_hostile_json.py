"""Hostile JSON at every entry point that takes it: a body nested 10,000 deep, or holding a lone
surrogate or a NUL, is a 400 naming the field (and the limit) and writes nothing. The
websocket's messages are tested through a real daphne in tests/integration."""
from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from builder.graph_doc import GraphDoc
from builder.models import Pipeline, PipelineVersion, Workspace
from experiments.models import Dataset
from fomo.jsonsafe import MAX_DEPTH
from runs.models import Run
from teams.models import EmbedKey

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DEEP = "[" * 10_000 + "]" * 10_000
SHOP = "https://shop.example"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def raw(client: APIClient, method: str, path: str, text: str, **headers: str):
    """Send ``text`` as it is: the test client's own encoder cannot write a lone surrogate."""
    return client.generic(method, path, text.encode("utf-8"), content_type="application/json", **headers)


def refused(resp, code: str, *needles: str) -> dict[str, Any]:
    assert resp.status_code == 400, (resp.status_code, resp.content[:300])
    err = resp.json()["error"]
    assert err["code"] == code, err
    for needle in needles:
        assert needle in err["message"], (needle, err["message"])
    return err


@pytest.fixture
def workspace(users) -> Workspace:
    return Workspace.personal_of(users["alice"])


@pytest.fixture
def chat_key(users, workspace) -> str:
    g = GraphDoc()
    g.node("message", "input", {"name": "message", "type": "text"})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small"})
    g.node("reply", "output", {"name": "reply"})
    g.edge("message", "value", "llm", "prompt")
    g.edge("llm", "text", "reply", "value")
    p = Pipeline.objects.create(workspace=workspace, name="Helpdesk", draft=g.doc(), created_by=users["alice"],
                                updated_by=users["alice"])
    PipelineVersion.objects.create(pipeline=p, number=1, graph=p.draft)
    return EmbedKey.objects.create(pipeline=p, key="pk_fomo_hostile0123456789", allowed_origins=[SHOP],
                                  created_by=users["alice"]).key


def entry_points(pipeline: Pipeline, workspace: Workspace) -> list[tuple[str, str, str]]:
    """(method, path, body with ``@`` where the hostile value goes) for the DRF-parsed bodies."""
    return [
        ("POST", f"/api/pipelines/{pipeline.pk}/runs", '{"inputs": {"transcript": @}}'),
        ("POST", f"/api/pipelines/{pipeline.pk}/run", '{"draft": true, "inputs": {"transcript": @}}'),
        ("PUT", f"/api/pipelines/{pipeline.pk}/draft", f'{{"base_revision": {pipeline.revision}, "graph": @}}'),
        ("POST", f"/api/pipelines/{pipeline.pk}/validate", '{"graph": @}'),
        ("POST", "/api/pipelines", '{"name": "deep", "graph": @}'),
        ("POST", f"/api/workspaces/{workspace.pk}/datasets", '{"name": "d", "rows": [{"inputs": {"q": @}}]}'),
        ("POST", f"/api/workspaces/{workspace.pk}/documents", '{"name": "n", "text": @}'),
    ]


def nothing_written() -> bool:
    return not (Run.objects.exists() or Dataset.objects.exists() or Pipeline.objects.filter(name="deep").exists())


def test_a_body_nested_ten_thousand_deep_is_a_400_at_every_json_entry_point(as_user, pipeline, workspace):
    alice = as_user("alice")
    for method, path, template in entry_points(pipeline, workspace):
        err = refused(raw(alice, method, path, template.replace("@", DEEP)), "too_deep", f"limit is {MAX_DEPTH}")
        assert err["details"]["limit"] == MAX_DEPTH, path
    assert nothing_written()
    pipeline.refresh_from_db()
    assert pipeline.revision == 1


def test_the_depth_limit_is_checked_below_pythons_own(as_user, pipeline):
    alice = as_user("alice")
    path = f"/api/pipelines/{pipeline.pk}/validate"
    err = refused(raw(alice, "POST", path, '{"graph": {"x": @}}'.replace("@", nested(MAX_DEPTH))), "too_deep")
    assert err["details"]["field"].startswith("graph.x[0][0]")
    ok = raw(alice, "POST", path, '{"graph": {"x": @}}'.replace("@", nested(MAX_DEPTH - 2)))
    assert ok.status_code == 200 and ok.json()["valid"] is False


def test_a_lone_surrogate_or_a_nul_is_a_400_naming_the_field(as_user, pipeline, workspace):
    alice = as_user("alice")
    for bad, what in (('"\\ud800"', "lone surrogate (\\ud800)"), ('"ok \\udfff"', "lone surrogate (\\udfff)"),
                      ('"a\\u0000b"', "NUL")):
        body = '{"inputs": {"transcript": @}}'.replace("@", bad)
        resp = raw(alice, "POST", f"/api/pipelines/{pipeline.pk}/runs", body)
        err = refused(resp, "invalid_json", "inputs.transcript", what)
        assert err["details"]["field"] == "inputs.transcript"
    graph = json.dumps({"base_revision": pipeline.revision, "graph": {**pipeline.draft, "nodes": [
        {**pipeline.draft["nodes"][0], "label": "x\ud800"}, *pipeline.draft["nodes"][1:]]}})
    refused(raw(alice, "PUT", f"/api/pipelines/{pipeline.pk}/draft", graph), "invalid_json", "graph.nodes[0].label")
    refused(raw(alice, "POST", f"/api/workspaces/{workspace.pk}/datasets",
                '{"name": "d", "rows": [{"inputs": {"q": "fine"}}, {"inputs": {"\\udc00": 1}}]}'),
            "invalid_json", 'rows[1].inputs["\\udc00"]', "key")
    assert nothing_written()
    pipeline.refresh_from_db()
    assert pipeline.revision == 1
    # A well-formed surrogate pair is an ordinary character.
    pair = '{"inputs": {"transcript": "party \\ud83c\\udf89"}}'
    resp = raw(alice, "POST", f"/api/pipelines/{pipeline.pk}/runs", pair)
    assert resp.status_code == 201, resp.content
    assert Run.objects.get().inputs == {"transcript": "party \N{PARTY POPPER}"}


def test_the_chat_widget_refuses_deep_and_unstorable_messages(chat_key):
    client = APIClient()
    for text, code in (('{"message": "hi", "session": "s", "x": @}'.replace("@", DEEP), "too_deep"),
                       ('{"message": "\\ud800 hello"}', "invalid_json")):
        resp = raw(client, "POST", f"/embed/api/{chat_key}/chat", text, HTTP_ORIGIN=SHOP)
        refused(resp, code)
    assert not Run.objects.exists()


def test_an_import_file_nested_too_deep_or_with_a_lone_surrogate_is_a_400(as_user, workspace, pipeline):
    alice = as_user("alice")
    path = f"/api/workspaces/{workspace.pk}/import"
    refused(raw(alice, "POST", path, DEEP), "too_deep")
    export = json.loads(alice.get(f"/api/pipelines/{pipeline.pk}/export").content)
    export["pipeline"]["name"] = "deep"
    export["pipeline"]["description"] = "\udbff"
    refused(raw(alice, "POST", path, json.dumps(export)), "invalid_json", "pipeline.description")
    assert nothing_written()


def upload(client: APIClient, ws: Workspace, filename: str, content: str, **fields: Any):
    return client.post(f"/api/workspaces/{ws.pk}/datasets/import",
                       {"file": SimpleUploadedFile(filename, content.encode()), **fields}, format="multipart")


def test_a_dataset_file_with_a_deep_or_unstorable_value_names_the_line(as_user, workspace):
    alice = as_user("alice")
    jsonl = '{"q": "fine"}\n{"q": @}\n{"q": "\\ud800"}\n{"q": "nul \\u0000"}\n'.replace("@", DEEP)
    resp = upload(alice, workspace, "rows.jsonl", jsonl)
    assert resp.status_code == 400, resp.content
    errors = resp.json()["error"]["details"]["errors"]
    assert [e["line"] for e in errors] == [2, 3, 4], errors
    assert f"limit is {MAX_DEPTH}" in errors[0]["message"] and "surrogate" in errors[1]["message"]
    assert "NUL" in errors[2]["message"]
    resp = upload(alice, workspace, "rows.csv", "q,expected\nfine,yes\nnul \x00 here,no\n")
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["details"]["errors"][0]["line"] == 3
    assert not Dataset.objects.exists()


def test_a_csv_cell_read_as_json_for_a_json_input_is_checked_too(as_user, workspace, users):
    g = GraphDoc()
    g.node("n", "input", {"name": "n", "type": "json"})
    g.node("out", "output", {"name": "out"})
    g.edge("n", "value", "out", "value")
    typed = Pipeline.objects.create(workspace=workspace, name="typed", draft=g.doc(), created_by=users["alice"])
    for cell, needle in ((DEEP, f"limit is {MAX_DEPTH}"), ('"""\\ud800"""', "surrogate")):
        resp = upload(as_user("alice"), workspace, "t.csv", f"n\n{cell}\n", pipeline=str(typed.pk))
        assert resp.status_code == 400, resp.content
        first = resp.json()["error"]["details"]["errors"][0]
        assert first["line"] == 2 and first["field"] == "n" and needle in first["message"], first
    assert not Dataset.objects.exists()


def test_a_nul_in_a_query_parameter_is_refused_not_a_500(as_user, pipeline):
    # PostgreSQL refuses NUL in any text it compares; SQLite takes it (and finds nothing).
    for url in ("/api/pipelines?q=a%00b", f"/api/pipelines/{pipeline.pk}/runs?limit=%00"):
        resp = as_user("alice").get(url)
        assert resp.status_code in (200, 400), (url, resp.status_code, resp.content[:200])
        if resp.status_code == 400:
            assert resp.json()["error"]["code"] == "invalid_value"
