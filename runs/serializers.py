"""JSON shapes of runs and their node records."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fomo.http import StrictSerializer
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


# A run detail carries each node record's inputs and outputs whole up to this many characters of
# JSON; a larger value is left out (a 1.9 MB document split into 2,353 chunks and embedded made a
# 38 MB detail that took 1.8 s to serve and that every inspector click fetched again). What is
# sent instead names its size and its first characters, and where to fetch it whole.
VALUE_BUDGET = 16_000
HEAD_CHARS = 1_000
_VALUES = ("inputs", "outputs")


def node_run(n: NodeRun, values: dict[str, Any] | None = None,
             truncated: dict[str, Any] | None = None) -> dict[str, Any]:
    """A node record; ``values`` overrides the inputs and outputs read from ``n`` (when they were
    deferred), and ``truncated`` describes the ones left out."""
    values = values if values is not None else {"inputs": n.inputs, "outputs": n.outputs}
    body = {
        "node_id": n.node_id,
        "item": None if n.item == WHOLE_NODE else n.item,
        "status": n.status,
        "inputs": values.get("inputs"),
        "outputs": values.get("outputs"),
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
    if truncated:
        body["truncated"] = truncated
    return body


def node_value_url(run: Run, n: NodeRun, share_token: str | None = None) -> str:
    base = f"/api/share/{share_token}/runs/{run.pk}" if share_token else f"/api/runs/{run.pk}"
    return f"{base}/nodes/{n.node_id}" + ("" if n.item == WHOLE_NODE else f"?item={n.item}")


def node_runs(run: Run, share_token: str | None = None) -> list[dict[str, Any]]:
    """The run's node records for a detail: small values whole, large ones described (sizes are
    measured in the database, and a large value is never read, let alone parsed)."""
    from django.db.models import TextField
    from django.db.models.functions import Cast, Length, Substr

    sizes = {f"{f}_chars": Length(Cast(f, output_field=TextField())) for f in _VALUES}
    records = list(run.node_runs.order_by("node_id", "item").defer(*_VALUES).annotate(**sizes))
    whole: dict[str, dict[int, Any]] = {}
    heads: dict[str, dict[int, str]] = {}
    for f in _VALUES:
        chars = f"{f}_chars"
        small = run.node_runs.annotate(**{chars: sizes[chars]})
        whole[f] = dict(small.filter(**{f"{chars}__lte": VALUE_BUDGET}).values_list("pk", f))
        if any((getattr(r, chars) or 0) > VALUE_BUDGET for r in records):
            head = Substr(Cast(f, output_field=TextField()), 1, HEAD_CHARS)
            heads[f] = dict(small.filter(**{f"{chars}__gt": VALUE_BUDGET}).annotate(head=head)
                            .values_list("pk", "head"))
    out = []
    for r in records:
        truncated = {}
        for f in _VALUES:
            size = getattr(r, f"{f}_chars") or 0
            if size > VALUE_BUDGET:
                truncated[f] = {"chars": size, "head": heads[f].get(r.pk, ""),
                                "url": node_value_url(run, r, share_token)}
        out.append(node_run(r, {f: whole[f].get(r.pk) for f in _VALUES}, truncated))
    return out


def run_detail(run: Run, share_token: str | None = None) -> dict[str, Any]:
    body = run_summary(run)
    body.update({
        "graph": run.graph,
        "inputs": run.inputs,
        "outputs": run.outputs,
        "error": run.error,
        "nodes": node_runs(run, share_token),
        "last_seq": run.events.order_by("-seq").values_list("seq", flat=True).first() or 0,
    })
    return body


def node_record(run: Run, node_id: str, item: str | None) -> dict[str, Any]:
    """One node record of ``run`` with its values whole (``item``: a map item's index)."""
    from django.http import Http404

    try:
        index = WHOLE_NODE if item in (None, "") else int(item)  # type: ignore[arg-type]
    except ValueError:
        raise Http404 from None
    record = run.node_runs.filter(node_id=node_id, item=index).first()
    if record is None:
        raise Http404
    return node_run(record)


class RunCreate(StrictSerializer):
    inputs = serializers.JSONField(required=False, default=dict)
    version = serializers.IntegerField(required=False, min_value=1)
    from_run = serializers.IntegerField(required=False, min_value=1)
    from_node = serializers.CharField(required=False, max_length=100)


class ProgrammaticRun(StrictSerializer):
    inputs = serializers.JSONField(required=False, default=dict)
    version = serializers.IntegerField(required=False, min_value=1)
    draft = serializers.BooleanField(required=False, default=False)
