"""JSON shapes of runs and their node records."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from builder.serializers import StrictSerializer
from runs.models import WHOLE_NODE, NodeRun, Run


def _iso(dt: Any) -> str | None:
    return dt.isoformat() if dt is not None else None


def run_summary(run: Run) -> dict[str, Any]:
    return {
        "id": run.pk,
        "pipeline": run.pipeline_id,
        "pipeline_name": run.pipeline.name,
        "version": run.version.number if run.version_id and run.version else None,
        "status": run.status,
        "cancel_requested": run.cancel_requested,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "duration_ms": run.duration_ms,
        "started_by": run.started_by.get_username() if run.started_by else None,
        "usage": run.usage(),
        "cost": run.cost,
        "attempt": run.attempt,
        "reused": run.reused or {},
    }


def node_run(n: NodeRun) -> dict[str, Any]:
    return {
        "node_id": n.node_id,
        "item": None if n.item == WHOLE_NODE else n.item,
        "status": n.status,
        "inputs": n.inputs,
        "outputs": n.outputs,
        "error": n.error,
        "attempts": n.attempts,
        "started_at": _iso(n.started_at),
        "finished_at": _iso(n.finished_at),
        "duration_ms": n.duration_ms,
        "usage": {"prompt_tokens": n.prompt_tokens, "completion_tokens": n.completion_tokens,
                  "total_tokens": n.prompt_tokens + n.completion_tokens, "model": n.model or None},
        "cost": n.cost,
        "reused_from": n.reused_from,
    }


def run_detail(run: Run) -> dict[str, Any]:
    body = run_summary(run)
    body.update({
        "graph": run.graph,
        "inputs": run.inputs,
        "outputs": run.outputs,
        "error": run.error,
        "nodes": [node_run(n) for n in run.node_runs.order_by("node_id", "item")],
        "last_seq": run.events.order_by("-seq").values_list("seq", flat=True).first() or 0,
    })
    return body


class RunCreate(StrictSerializer):
    inputs = serializers.JSONField(required=False, default=dict)
    version = serializers.IntegerField(required=False, min_value=1)
    from_run = serializers.IntegerField(required=False, min_value=1)
    from_node = serializers.CharField(required=False, max_length=100)
