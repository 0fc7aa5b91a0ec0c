"""Server-rendered pages of run time: a run's page."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from builder.views import shell
from runs.access import run_for


def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for(request.user, pk)
    return shell(request, "run", pipeline_id=run.pipeline_id, run_id=pk)
