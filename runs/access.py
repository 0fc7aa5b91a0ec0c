"""Who may see or act on a run: the run's workspace decides, through builder.policy (a stranger
gets 404, a role too low for the action 403)."""
from __future__ import annotations

from typing import Any

from django.http import Http404

from builder.policy import Action, require, role_in
from runs.models import Run


def run_for(user: Any, pk: int, action: Action = Action.READ) -> Run:
    """The run, with its pipeline, version and starter, if ``user`` may do ``action`` to it."""
    try:
        run = Run.objects.select_related("pipeline", "version", "started_by").get(pk=pk)
    except Run.DoesNotExist:
        raise Http404 from None
    require(user, run.pipeline.workspace_id, action)
    return run


def run_workspace(run_id: int) -> int | None:
    return Run.objects.filter(pk=run_id).values_list("pipeline__workspace_id", flat=True).first()


def can_view_run(user: Any, run_id: int) -> bool:
    workspace_id = run_workspace(run_id)
    return workspace_id is not None and role_in(user, workspace_id) is not None
