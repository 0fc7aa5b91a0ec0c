"""REST for moving and copying pipelines, share links (and their public pages), export and
import."""
from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder import serializers as bs
from builder.models import Workspace
from builder.policy import Action, pipeline_for, token_scope
from fomo.http import body
from runs import serializers as rs
from runs.models import Run
from teams import serializers as s
from teams import sharing
from teams.activity import record
from teams.api_workspaces import workspace_for
from teams.models import ShareLink


def _with_unbound(detail: dict[str, Any], unbound: list[dict[str, Any]]) -> dict[str, Any]:
    return {**detail, "unbound_credentials": unbound}


class PipelineMove(APIView):
    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.DELETE)
        target, role = workspace_for(request.user, body(s.PipelineTarget, request)["workspace"], Action.EDIT)
        unbound = sharing.move_to(pipeline, target, request.user)
        return Response(_with_unbound(bs.pipeline_detail(pipeline, role), unbound))


class PipelineCopy(APIView):
    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.READ)
        target, role = workspace_for(request.user, body(s.PipelineTarget, request)["workspace"], Action.EDIT)
        copy, unbound = sharing.copy_to(pipeline, target, request.user, f"{pipeline.name} (copy)")
        return Response(_with_unbound(bs.pipeline_detail(copy, role), unbound), status=201)


class ShareLinks(APIView):
    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        rows = ShareLink.objects.filter(pipeline=pipeline).select_related("created_by").order_by("-created_at")
        return Response([s.share_link_out(link) for link in rows])

    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        data = body(s.ShareLinkCreate, request)
        link, raw = sharing.create_share_link(pipeline, data["include_runs"], data.get("expires_in_hours"),
                                              request.user)
        return Response({**s.share_link_out(link), "token": raw, "url": f"/api/share/{raw}"}, status=201)


class ShareLinkDetail(APIView):
    def delete(self, request: Request, pk: int, link_id: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        sharing.revoke_share_link(pipeline, link_id, request.user)
        return Response(status=204)


def _public_run(run: Run) -> dict[str, Any]:
    return {**rs.run_summary(run), "started_by": None}


class SharedPipeline(APIView):
    """Anyone with the link: the pipeline's draft (credentials stripped) and, if the link
    includes them, its runs."""

    permission_classes = [AllowAny]

    def get(self, request: Request, token: str) -> Response:
        link = sharing.share_link_for(token)
        p = link.pipeline
        graph, _ = sharing.strip_credentials(p.draft)
        out: dict[str, Any] = {
            "pipeline": {"name": p.name, "description": p.description, "graph": graph,
                         "updated_at": p.updated_at.isoformat(),
                         "latest_version": p.versions.order_by("-number").values_list("number", flat=True).first()},
            "include_runs": link.include_runs,
            "expires_at": link.expires_at.isoformat() if link.expires_at else None,
        }
        if link.include_runs:
            runs = p.runs.select_related("pipeline", "version")[:100]
            out["runs"] = [_public_run(r) for r in runs]
        return Response(out)


def _shared_run(token: str, run_id: int) -> Run:
    link = sharing.share_link_for(token)
    if not link.include_runs:
        raise Http404
    run = Run.objects.select_related("pipeline", "version").filter(pk=run_id, pipeline=link.pipeline).first()
    if run is None:
        raise Http404
    return run


class SharedRun(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, token: str, run_id: int) -> Response:
        detail = rs.run_detail(_shared_run(token, run_id), share_token=token)
        detail["graph"], _ = sharing.strip_credentials(detail["graph"])
        detail["started_by"] = None
        return Response(detail)


class SharedRunNode(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, token: str, run_id: int, node_id: str) -> Response:
        return Response(rs.node_record(_shared_run(token, run_id), node_id, request.query_params.get("item")))


class SharedDuplicate(APIView):
    """A logged-in holder of the link copies the pipeline into a workspace they can edit."""

    def post(self, request: Request, token: str) -> Response:
        link = sharing.share_link_for(token)
        data = body(s.ShareDuplicate, request)
        ws_id = data.get("workspace") or token_scope(request.user) or Workspace.personal_of(request.user).pk
        target, role = workspace_for(request.user, ws_id, Action.EDIT)
        copy, unbound = sharing.copy_to(link.pipeline, target, request.user)
        if target.pk == link.pipeline.workspace_id:
            unbound = []
        return Response(_with_unbound(bs.pipeline_detail(copy, role), unbound), status=201)


class Export(APIView):
    def get(self, request: Request, pk: int) -> HttpResponse:
        pipeline, _ = pipeline_for(request.user, pk, Action.READ)
        with_versions = request.query_params.get("versions", "0").lower() in ("1", "true", "yes")
        doc = sharing.export_doc(pipeline, with_versions)
        record(pipeline.workspace_id, request.user, "exported", "pipeline", pipeline.pk,
               f"exported “{pipeline.name}”" + (" with its versions" if with_versions else ""))
        resp = HttpResponse(json.dumps(doc, indent=2, ensure_ascii=False), content_type="application/json")
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in pipeline.name)[:60] or "pipeline"
        resp["Content-Disposition"] = f'attachment; filename="{safe}.fomo.json"'
        return resp


class Import(APIView):
    def post(self, request: Request, workspace_id: int) -> Response:
        ws, role = workspace_for(request.user, workspace_id, Action.EDIT)
        limit = settings.FOMO["MAX_IMPORT_BYTES"]
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > limit:
            raise sharing.InvalidImport(f"The file is {declared} bytes; imports are limited to {limit} bytes.",
                                        code="too_large")
        try:
            raw = request.body
        except RequestDataTooBig:
            raise sharing.InvalidImport(f"Imports are limited to {limit} bytes.", code="too_large") from None
        pipeline, unbound = sharing.import_doc(ws, sharing.parse_import(raw), request.user)
        return Response(_with_unbound(bs.pipeline_detail(pipeline, role), unbound), status=201)
