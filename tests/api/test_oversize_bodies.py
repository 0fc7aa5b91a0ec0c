"""Bodies over Django's upload limits (a 50,000-node graph as the canvas saves it is one) are a
413 naming the setting, at every entry point that takes a graph or inputs; nothing is written.
(Under the upload limit, a graph over the node limit was and is a 400 naming that limit.)"""
from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from builder.models import Pipeline, Workspace
from experiments.models import Dataset
from runs.models import Run

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def graph_of(n: int, *, roomy: bool) -> dict[str, Any]:
    """``n`` text constants; ``roomy`` gives each node what the canvas saves (~150 bytes)."""
    extra = {"version": 1, "label": "A constant", "position": {"x": 1200.5, "y": 640.25}} if roomy else {}
    return {"schema": 1, "edges": [], "nodes": [
        {"id": f"n{i}", "type": "text.constant", "config": {"text": "hello"}, **extra} for i in range(n)]}


def send(client, method: str, path: str, body: Any):
    return client.generic(method, path, json.dumps(body).encode(), content_type="application/json")


def graph_entry_points(pipeline: Pipeline, graph: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [("POST", "/api/pipelines", {"name": "huge", "graph": graph}),
            ("PUT", f"/api/pipelines/{pipeline.pk}/draft", {"graph": graph, "base_revision": pipeline.revision}),
            ("POST", f"/api/pipelines/{pipeline.pk}/validate", {"graph": graph}),
            ("POST", f"/api/pipelines/{pipeline.pk}/runs", {"inputs": {"transcript": "x" * len(json.dumps(graph))}})]


def test_a_body_over_the_upload_limit_is_a_413_naming_the_setting(as_user, pipeline):
    graph = graph_of(50_000, roomy=True)
    assert len(json.dumps(graph)) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for method, path, body in graph_entry_points(pipeline, graph):
        resp = send(as_user("alice"), method, path, body)
        assert resp.status_code == 413, (path, resp.status_code, resp.content[:200])
        err = resp.json()["error"]
        assert err["code"] == "too_large" and "DATA_UPLOAD_MAX_MEMORY_SIZE" in err["message"], err
        assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes" in err["message"]
        assert err["details"]["limit"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert not Run.objects.exists() and not Pipeline.objects.filter(name="huge").exists()


def test_a_multipart_body_with_too_many_fields_is_a_413_naming_the_setting(as_user, users):
    ws = Workspace.personal_of(users["alice"])
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    resp = as_user("alice").post(f"/api/workspaces/{ws.pk}/datasets/import",
                                 {"file": SimpleUploadedFile("a.csv", b"q\n1\n"), **fields}, format="multipart")
    assert resp.status_code == 413, resp.content[:200]
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in resp.json()["error"]["message"]
    assert not Dataset.objects.exists()
