"""Run time's routes: a run's page and the operations page; under ``/api/`` every run endpoint
(start, list, read, page through the log, cancel, start-and-wait, the SSE stream), the
operations snapshot and what retention pruned. The websocket is runs/routing.py. Included by
``fomo.urls``."""
from __future__ import annotations

from django.urls import include, path

from runs import api as r
from runs import api_follow as f
from runs import ops, views

api = [
    path("pipelines/<int:pk>/runs", r.PipelineRuns.as_view()),
    path("pipelines/<int:pk>/run", f.PipelineRun.as_view()),
    path("runs/<int:pk>", r.RunDetail.as_view()),
    path("runs/<int:pk>/events", r.RunEvents.as_view()),
    path("runs/<int:pk>/nodes/<str:node_id>", r.RunNode.as_view()),
    path("runs/<int:pk>/cancel", r.RunCancel.as_view()),
    path("runs/<int:pk>/stream", f.RunStream.as_view()),
    path("ops", ops.OpsView.as_view()),
    path("pipelines/<int:pk>/pruned", ops.PipelinePruned.as_view()),
]

urlpatterns = [
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("ops/", ops.ops_page, name="ops"),
    path("api/", include(api)),
]
