"""Runs written before the sink repaired node values (SQLite kept a lone surrogate as written) are
still readable: a JSON response that meets such a value repairs it as it is rendered (lone
surrogate → U+FFFD) instead of answering 500. PostgreSQL never stored them: SQLite only."""
from __future__ import annotations

import pytest

from runs.models import Run

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def old_run(pipeline, users) -> Run:
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={"transcript": "x"},
                             started_by=users["alice"], status="succeeded", outputs={"summary": "\ud800 done"})
    run.node_runs.create(node_id="split", status="succeeded", inputs={"text": "x"},
                         outputs={"chunks": ["a\udfffb"]})
    run.events.create(seq=1, type="node.finished", node_id="split", ts=1.0,
                      payload={"attempt": 1, "outputs_preview": {"chunks": ["a\udfffb"]}})
    return run


def test_a_run_stored_with_a_lone_surrogate_is_readable(as_user, old_run):
    vera = as_user("vera")
    detail = vera.get(f"/api/runs/{old_run.pk}")
    assert detail.status_code == 200, detail.content[:200]
    assert detail.json()["outputs"] == {"summary": "\ufffd done"}
    node = vera.get(f"/api/runs/{old_run.pk}/nodes/split")
    assert node.status_code == 200 and node.json()["outputs"] == {"chunks": ["a\ufffdb"]}
    events = vera.get(f"/api/runs/{old_run.pk}/events")
    assert events.status_code == 200
    assert events.json()["events"][0]["payload"]["outputs_preview"] == {"chunks": ["a\ufffdb"]}
