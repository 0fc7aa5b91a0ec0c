"""A run detail carries small node values whole and describes large ones (size, first characters,
where to fetch them); the node endpoint, and its share-link twin, serve them whole."""
from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from runs.models import Run
from runs.serializers import HEAD_CHARS, VALUE_BUDGET
from teams.keys import new_link_token
from teams.models import ShareLink

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CHUNKS = [f"chunk {i} " + "word " * 40 for i in range(400)]  # ~85,000 characters as JSON
VECTORS = [[round(0.001 * i, 3)] * 4 for i in range(400)]  # ~11,000 characters


@pytest.fixture
def run(pipeline, users) -> Run:
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={"transcript": "x"},
                             started_by=users["alice"], status="succeeded")
    run.node_runs.create(node_id="split", status="succeeded", inputs={"text": "short"}, outputs={"chunks": CHUNKS})
    run.node_runs.create(node_id="embed", status="succeeded", inputs={"texts": CHUNKS},
                         outputs={"embeddings": VECTORS})
    run.node_runs.create(node_id="map", item=3, status="succeeded", inputs={"x": "y"}, outputs={"text": "small"})
    run.node_runs.create(node_id="map", item=4, status="failed", inputs=None, outputs=None,
                         error={"kind": "timeout", "message": "slow"})
    return run


def test_large_values_are_described_and_small_ones_sent_whole(as_user, run):
    body = as_user("vera").get(f"/api/runs/{run.pk}").json()
    nodes = {(n["node_id"], n["item"]): n for n in body["nodes"]}

    split = nodes[("split", None)]
    assert split["inputs"] == {"text": "short"} and split["outputs"] is None
    described = split["truncated"]["outputs"]
    assert described["chars"] == len(json.dumps({"chunks": CHUNKS})) > VALUE_BUDGET
    assert len(described["head"]) == HEAD_CHARS and described["head"].startswith('{"chunks": ["chunk 0 word')
    assert described["url"] == f"/api/runs/{run.pk}/nodes/split"
    assert set(split["truncated"]) == {"outputs"}

    embed = nodes[("embed", None)]
    assert embed["inputs"] is None and set(embed["truncated"]) == {"inputs"}
    assert embed["outputs"] == {"embeddings": VECTORS}  # under the budget: whole
    assert nodes[("map", 3)]["outputs"] == {"text": "small"} and "truncated" not in nodes[("map", 3)]
    assert nodes[("map", 4)]["outputs"] is None and nodes[("map", 4)]["error"]["kind"] == "timeout"
    assert len(json.dumps(body)) < 3 * VALUE_BUDGET


def test_the_node_endpoint_serves_a_record_whole(as_user, run):
    viewer = as_user("vera")
    whole = viewer.get(f"/api/runs/{run.pk}/nodes/split").json()
    assert whole["outputs"] == {"chunks": CHUNKS} and "truncated" not in whole
    assert viewer.get(f"/api/runs/{run.pk}/nodes/map?item=3").json()["outputs"] == {"text": "small"}
    for missing in ("nope", "map", "map?item=9", "map?item=x", "split?item=0"):
        assert viewer.get(f"/api/runs/{run.pk}/nodes/{missing}").status_code == 404, missing
    assert as_user("charlie").get(f"/api/runs/{run.pk}/nodes/split").status_code == 404


def test_a_share_link_points_at_its_own_node_endpoint(pipeline, run):
    raw, hashed = new_link_token()
    ShareLink.objects.create(pipeline=pipeline, token_hash=hashed, include_runs=True)
    anonymous = APIClient()
    detail = anonymous.get(f"/api/share/{raw}/runs/{run.pk}").json()
    url = next(n for n in detail["nodes"] if n["node_id"] == "split")["truncated"]["outputs"]["url"]
    assert url == f"/api/share/{raw}/runs/{run.pk}/nodes/split"
    assert anonymous.get(url).json()["outputs"] == {"chunks": CHUNKS}
    assert anonymous.get(f"/api/share/{raw}x/runs/{run.pk}/nodes/split").status_code == 404
