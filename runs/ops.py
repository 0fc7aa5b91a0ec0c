"""Operations: what the runs, the queue and the workers are doing, for workspace owners and staff;
and what retention pruned from a pipeline's history (``GET /api/pipelines/<id>/pruned``).

``GET /api/ops?workspace=<id>`` answers one snapshot; ``/ops/`` is a page that polls it. Who may
see which workspace is decided in :func:`builder.policy.ops_workspaces`. Run figures are
limited to the visible workspaces; the queue depth and the workers are shared by every
workspace, so they are reported as they are.
"""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.policy import ops_workspaces, pipeline_for
from fomo.errors import Forbidden
from fomo.http import StrictSerializer
from runs import retention
from runs.heartbeat import KEY_PREFIX
from runs.models import PruneRecord, Run, RunStatus

# kombu's Redis transport keeps one list per priority step: the queue's own name for the
# default priority, ``<name>\x06\x16<n>`` for the others.
PRIORITY_STEPS = (0, 3, 6, 9)
PRIORITY_SEP = "\x06\x16"


class OpsQuery(StrictSerializer):
    workspace = serializers.IntegerField(required=False, min_value=1)


def _runs(workspaces: list[int] | None) -> QuerySet[Run]:
    qs = Run.objects.all()
    return qs if workspaces is None else qs.filter(pipeline__workspace_id__in=workspaces)


def queue_depth() -> int | None:
    """Messages waiting in the Celery queue (every priority), or None when the broker cannot say."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        pipe = client.pipeline(transaction=False)
        for step in PRIORITY_STEPS:
            pipe.llen(queue if step == 0 else f"{queue}{PRIORITY_SEP}{step}")
        return int(sum(pipe.execute()))
    except redis.RedisError:
        return None
    finally:
        client.close()


def workers(held: dict[str, int]) -> list[dict[str, Any]] | None:
    """Live workers (a fresh heartbeat in Redis), newest beat first, with the runs each holds."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}*", count=500))
        beats = client.mget(keys) if keys else []
    except redis.RedisError:
        return None
    finally:
        client.close()
    now = time.time()
    out = []
    for key, beat in zip(keys, beats, strict=True):
        worker_id = key.decode()[len(KEY_PREFIX):]
        try:
            last = float(beat) if beat is not None else None
        except ValueError:
            last = None
        out.append({"id": worker_id, "last_heartbeat": last,
                    "age_s": round(now - last, 1) if last is not None else None,
                    "running_runs": held.get(worker_id, 0)})
    return sorted(out, key=lambda w: (w["age_s"] is None, w["age_s"] or 0.0, w["id"]))


def snapshot(workspaces: list[int] | None) -> dict[str, Any]:
    runs = _runs(workspaces)
    now = timezone.now()
    by_status = dict.fromkeys(RunStatus.values, 0)
    for row in runs.values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    running = runs.filter(status=RunStatus.RUNNING)
    oldest = running.exclude(started_at=None).order_by("started_at").select_related("pipeline").first()
    held: dict[str, int] = {}
    # Only the visible runs count: an owner sees how many of their runs each worker holds.
    for owner in running.values_list("lease_owner", flat=True):
        if owner and ":" in owner:
            worker_id = owner.rsplit(":", 1)[0]
            held[worker_id] = held.get(worker_id, 0) + 1
    hour_ago = now - timedelta(hours=1)
    last_hour = runs.filter(finished_at__gte=hour_ago).aggregate(
        finished=Count("id", filter=Q(status__in=(RunStatus.SUCCEEDED, RunStatus.FAILED))),
        failed=Count("id", filter=Q(status=RunStatus.FAILED)),
        cancelled=Count("id", filter=Q(status=RunStatus.CANCELLED)),
    )
    finished = last_hour["finished"]
    return {
        "scope": {"workspaces": workspaces, "all": workspaces is None},
        "generated_at": now.isoformat(),
        "runs_by_status": by_status,
        "queued": by_status[RunStatus.QUEUED],
        "running": by_status[RunStatus.RUNNING],
        "queue_depth": queue_depth(),
        "workers": workers(held),
        "oldest_running": None if oldest is None else {
            "id": oldest.pk, "pipeline_id": oldest.pipeline_id, "pipeline": oldest.pipeline.name,
            "started_at": oldest.started_at.isoformat() if oldest.started_at else None,
            "age_s": round((now - oldest.started_at).total_seconds(), 1) if oldest.started_at else None,
            "attempt": oldest.attempt, "lease_owner": oldest.lease_owner,
        },
        "retention": _retention(workspaces, now),
        "failure_rate_1h": {
            "finished": finished, "failed": last_hour["failed"], "cancelled": last_hour["cancelled"],
            "rate": round(last_hour["failed"] / finished, 4) if finished else None,
        },
    }


def _retention(workspaces: list[int] | None, now: Any) -> dict[str, Any]:
    """The retention settings and what they pruned in the visible workspaces over the last day."""
    policy = retention.Policy.from_settings()
    records = PruneRecord.objects.filter(pruned_at__gte=now - timedelta(days=1))
    if workspaces is not None:
        records = records.filter(pipeline__workspace_id__in=workspaces)
    pruned = records.aggregate(runs=Sum("runs"), events=Sum("events"), last=Max("pruned_at"))
    return {"days": policy.max_age_days, "keep_runs": policy.keep_runs,
            "pruned_24h": {"runs": pruned["runs"] or 0, "events": pruned["events"] or 0},
            "last_pass": pruned["last"].isoformat() if pruned["last"] else None}


class OpsView(APIView):
    def get(self, request: Request) -> Response:
        query = OpsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        workspaces = ops_workspaces(request.user, query.validated_data.get("workspace"))
        return Response(snapshot(workspaces))


class PipelinePruned(APIView):
    """What retention removed from a pipeline's run history (anyone who may read the pipeline)."""

    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk)
        return Response(retention.summary(pipeline.pk))


def ops_page(request: HttpRequest) -> HttpResponse:
    """The operations page: a server-rendered shell that polls ``/api/ops`` every few seconds."""
    raw = request.GET.get("workspace", "")
    workspace = int(raw) if raw.isdigit() else None
    try:
        ops_workspaces(request.user, workspace)  # 404 (a stranger) or 403 (not an owner), as on the API
    except Forbidden as exc:
        return HttpResponseForbidden(exc.message)
    return render(request, "ops/ops.html", {"workspace": workspace or ""})
