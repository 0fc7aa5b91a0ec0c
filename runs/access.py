"""Who may see a run: the run's workspace decides, through builder.policy."""
from __future__ import annotations

from typing import Any

from builder.policy import role_in
from runs.models import Run


def run_workspace(run_id: int) -> int | None:
    return Run.objects.filter(pk=run_id).values_list("pipeline__workspace_id", flat=True).first()


def can_view_run(user: Any, run_id: int) -> bool:
    workspace_id = run_workspace(run_id)
    return workspace_id is not None and role_in(user, workspace_id) is not None
