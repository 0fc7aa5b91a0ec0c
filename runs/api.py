"""REST to start, cancel, list and read runs."""
from __future__ import annotations

from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.api import body
from builder.models import PipelineVersion
from builder.policy import Action, pipeline_for, require
from runs import serializers as s
from runs.lifecycle import create_run, request_cancel
from runs.models import TERMINAL, Run


def run_for(user: object, pk: int, action: Action = Action.READ) -> Run:
    try:
        run = Run.objects.select_related("pipeline", "version", "started_by").get(pk=pk)
    except Run.DoesNotExist:
        raise Http404 from None
    require(user, run.pipeline.workspace_id, action)
    return run


def _int(raw: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(raw))) if raw is not None else default
    except ValueError:
        return default


class PipelineRuns(APIView):
    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk)
        limit = _int(request.query_params.get("limit"), 50, 1, 500)
        runs = pipeline.runs.select_related("pipeline", "version", "started_by")[:limit]
        return Response([s.run_summary(r) for r in runs])

    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.RUN)
        data = body(s.RunCreate, request)
        version = None
        if "version" in data:
            try:
                version = pipeline.versions.get(number=data["version"])
            except PipelineVersion.DoesNotExist:
                raise Http404 from None
        run = create_run(pipeline, request.user, data.get("inputs"), version,
                         data.get("from_run"), data.get("from_node"))
        return Response(s.run_summary(run), status=201)


class RunDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.run_detail(run_for(request.user, pk)))


class RunNode(APIView):
    """One node record with its inputs and outputs whole (a run detail leaves large ones out)."""

    def get(self, request: Request, pk: int, node_id: str) -> Response:
        return Response(s.node_record(run_for(request.user, pk), node_id, request.query_params.get("item")))


class RunEvents(APIView):
    def get(self, request: Request, pk: int) -> Response:
        run = run_for(request.user, pk)
        after = _int(request.query_params.get("after"), 0, 0, 2**31)
        limit = _int(request.query_params.get("limit"), 1000, 1, 5000)
        events = [e.as_message() for e in run.events.filter(seq__gt=after).order_by("seq")[:limit]]
        last = events[-1]["seq"] if events else after
        done = run.status in TERMINAL and not run.events.filter(seq__gt=last).exists()
        return Response({"events": events, "last_seq": last, "done": done})


class RunCancel(APIView):
    def post(self, request: Request, pk: int) -> Response:
        run = run_for(request.user, pk, Action.RUN)
        return Response(s.run_summary(request_cancel(run)))
