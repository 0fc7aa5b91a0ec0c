"""Following a run over HTTP: start a pipeline and (optionally) wait for its outputs
(``POST /api/pipelines/<id>/run?wait=``), and the SSE stream of a run's events."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.models import Pipeline, PipelineVersion
from builder.policy import Action, api_token_id, pipeline_for
from fomo.errors import DomainError
from fomo.http import body, sse
from runs import serializers as s
from runs import transitions
from runs.access import run_for
from runs.live import sse_stream, wait_for_run
from runs.models import Run


def run_urls(run_id: int) -> dict[str, str]:
    return {"run": f"/api/runs/{run_id}", "events": f"/api/runs/{run_id}/events",
            "stream": f"/api/runs/{run_id}/stream", "websocket": f"/ws/runs/{run_id}/"}


def _wait_seconds(raw: str | None) -> float:
    if raw in (None, ""):
        return 0.0
    limit = settings.FOMO["MAX_RUN_WAIT_SECONDS"]
    try:
        wait = float(raw)
    except ValueError:
        raise DomainError(f"wait: a number of seconds from 0 to {limit} is expected.", code="invalid") from None
    if not 0 <= wait <= limit:
        raise DomainError(f"wait: at most {limit} seconds (got {raw}).", code="invalid")
    return wait


def _version_to_run(pipeline: Pipeline, data: dict[str, Any]) -> PipelineVersion | None:
    if "version" in data:
        if data.get("draft"):
            raise DomainError("Give either version or draft, not both.", code="invalid")
        try:
            return pipeline.versions.get(number=data["version"])
        except PipelineVersion.DoesNotExist:
            raise Http404 from None
    if data.get("draft"):
        return None
    latest = pipeline.versions.order_by("-number").first()
    if latest is None:
        raise DomainError("This pipeline has no saved version yet: save a version first, or pass "
                          '"draft": true to run the current draft.', code="no_version")
    return latest


class PipelineRun(APIView):
    """``POST /api/pipelines/<id>/run?wait=<s>``: runs the stored graph (latest version by
    default); 200 with the outputs if it ends within ``wait``, else 202 with where to follow it."""

    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.RUN)
        data = body(s.ProgrammaticRun, request)
        wait = _wait_seconds(request.query_params.get("wait"))
        run = transitions.create(pipeline, request.user, data.get("inputs"), _version_to_run(pipeline, data))
        done = wait_for_run(run.pk, wait)
        run = Run.objects.select_related("pipeline", "version", "started_by").get(pk=run.pk)
        out = {**s.run_summary(run), "urls": run_urls(run.pk)}
        if done:
            return Response({**out, "outputs": run.outputs, "error": run.error}, status=200)
        return Response(out, status=202)


def _after(request: Request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.query_params.get("after") or "0"
    try:
        return max(0, int(raw))
    except ValueError:
        raise DomainError("after / Last-Event-ID: an event seq (integer) is expected.", code="invalid") from None


class RunStream(APIView):
    """``GET /api/runs/<id>/stream?after=N`` (or ``Last-Event-ID``): server-sent events."""

    renderer_classes = [JSONRenderer, sse.EventStreamRenderer]

    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        run = run_for(request.user, pk)
        return sse.stream_response(sse_stream(run.pk, _after(request), run.pipeline.workspace_id, request.user.pk,
                                              api_token_id(request.user)))
