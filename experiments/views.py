"""Server-rendered pages of the experiments app: the datasets and one experiment."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from builder.views import shell
from experiments.api import experiment_for


def datasets_page(request: HttpRequest) -> HttpResponse:
    """The datasets of the user's workspaces (the page picks the workspace)."""
    return shell(request, "datasets")


def experiment_page(request: HttpRequest, pk: int) -> HttpResponse:
    exp = experiment_for(request.user, pk)
    return shell(request, "experiment", pipeline_id=exp.pipeline_id)
