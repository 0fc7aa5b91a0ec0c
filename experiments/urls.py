"""The experiments app's routes: the datasets page and an experiment's page; under ``/api/``
datasets, their rows, experiments, cancel, promote and results. Included by ``fomo.urls``."""
from __future__ import annotations

from django.urls import include, path

from experiments import api as e
from experiments import views

api = [
    path("workspaces/<int:workspace_id>/datasets", e.WorkspaceDatasets.as_view()),
    path("workspaces/<int:workspace_id>/datasets/import", e.DatasetImport.as_view()),
    path("workspaces/<int:workspace_id>/datasets/from-runs", e.DatasetFromRuns.as_view()),
    path("datasets/<int:pk>", e.DatasetDetail.as_view()),
    path("datasets/<int:pk>/rows", e.DatasetRows.as_view()),
    path("datasets/<int:pk>/rows/<int:row_id>", e.DatasetRowDetail.as_view()),
    path("pipelines/<int:pk>/experiments", e.PipelineExperiments.as_view()),
    path("experiments/<int:pk>", e.ExperimentDetail.as_view()),
    path("experiments/<int:pk>/cancel", e.ExperimentCancel.as_view()),
    path("experiments/<int:pk>/promote", e.ExperimentPromote.as_view()),
    path("experiments/<int:pk>/results.csv", e.ExperimentResultsCsv.as_view()),
]

urlpatterns = [
    path("datasets/", views.datasets_page, name="datasets"),
    path("experiments/<int:pk>/", views.experiment_page, name="experiment"),
    path("api/", include(api)),
]
