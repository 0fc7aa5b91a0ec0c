"""REST to start, cancel, list and read runs, and to page through a run's log. Following a run
live (``…/run?wait=``, the SSE stream) is runs/api_follow.py; the websocket runs/consumers.py."""
from __future__ import annotations

from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.models import PipelineVersion
from builder.policy import Action, pipeline_for
from fomo.http import body, clamped_int
from runs import eventlog, transitions
from runs import serializers as s
from runs.access import run_for


class PipelineRuns(APIView):
    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk)
        limit = clamped_int(request.query_params.get("limit"), 50, 1, 500)
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
        run = transitions.create(pipeline, request.user, data.get("inputs"), version,
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
        after = clamped_int(request.query_params.get("after"), 0, 0, 2**31)
        limit = clamped_int(request.query_params.get("limit"), 1000, 1, 5000)
        return Response(eventlog.page(run.pk, run.status, after, limit))


class RunCancel(APIView):
    def post(self, request: Request, pk: int) -> Response:
        run = run_for(request.user, pk, Action.RUN)
        return Response(s.run_summary(transitions.request_cancel(run)))
