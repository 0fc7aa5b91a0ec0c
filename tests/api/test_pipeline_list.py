"""The pipeline list names each pipeline's newest run (by when it was created) and its newest
version; a pipeline never run has no last run. Runs on SQLite and, in `make test`, PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from builder.models import Pipeline, PipelineVersion
from runs.models import Run

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def listed(as_user) -> dict[int, dict]:
    resp = as_user("alice").get("/api/pipelines")
    assert resp.status_code == 200, resp.content
    return {p["id"]: p for p in resp.json()}


def test_a_pipeline_never_run_has_no_last_run(as_user, pipeline):
    assert listed(as_user)[pipeline.pk]["last_run"] is None


def test_the_last_run_is_the_newest_by_creation_not_by_id(as_user, pipeline, users):
    now = timezone.now()
    newer = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={}, started_by=users["alice"],
                               created_at=now, status="succeeded")
    Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={}, started_by=users["alice"],
                       created_at=now - timedelta(hours=1), status="failed")  # a higher id, made earlier
    PipelineVersion.objects.create(pipeline=pipeline, number=1, graph=pipeline.draft)
    PipelineVersion.objects.create(pipeline=pipeline, number=2, graph=pipeline.draft)
    other = Pipeline.objects.create(workspace=pipeline.workspace, name="never run", draft=pipeline.draft)
    rows = listed(as_user)
    assert rows[pipeline.pk]["last_run"] == {"id": newer.pk, "status": "succeeded", "created_at": now.isoformat()}
    assert rows[pipeline.pk]["latest_version"] == 2
    assert rows[other.pk]["last_run"] is None and rows[other.pk]["latest_version"] is None
