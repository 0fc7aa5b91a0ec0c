"""The task body is idempotent: a duplicate delivery of a finished run does nothing."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from builder.graph_doc import GraphDoc
from builder.models import Pipeline, Workspace
from runs.models import Run, RunEvent
from runs.tasks import execute_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_executing_a_run_twice_runs_it_once():
    user = get_user_model().objects.create_user("tess", password="tess-pass-123")
    g = GraphDoc()
    g.node("c", "text.constant", {"text": "hi"})
    g.node("o", "output", {"name": "out"})
    g.edge("c", "text", "o", "value")
    pipeline = Pipeline.objects.create(workspace=Workspace.personal_of(user), name="p", draft=g.doc())
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={})
    execute_run.run(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.outputs == {"out": "hi"} and run.attempt == 1
    events = list(RunEvent.objects.filter(run=run).values_list("seq", "type"))
    assert events[0] == (1, "run.started") and events[-1][1] == "run.finished"
    execute_run.run(run.pk)
    run.refresh_from_db()
    assert run.attempt == 1
    assert list(RunEvent.objects.filter(run=run).values_list("seq", "type")) == events
