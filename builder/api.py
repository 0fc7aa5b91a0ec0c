"""REST for the node catalog, pipelines, drafts and versions (and their comparison). Views are
thin: validate the body, ask the policy, call one piece of domain logic, serialize."""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder import palette
from builder import serializers as s
from builder.compare import compare
from builder.graph import validate
from builder.graph_store import check_storable
from builder.interface import interface, interface_of
from builder.models import Pipeline, PipelineVersion, Workspace, empty_graph
from builder.policy import Action, pipeline_for, pipelines_of, require, token_scope, workspaces_of
from builder.signals import pipeline_edited
from fomo.errors import DomainError, InvalidGraph
from fomo.http import body


def graph_errors(graph: Any) -> list[dict[str, Any]]:
    return [e.as_dict() for e in validate(graph)[1]]


_CATALOG: dict[str, Any] | None = None


class NodeTypes(APIView):
    def get(self, request: Request) -> Response:
        global _CATALOG
        if _CATALOG is None:
            _CATALOG = palette.catalog()
        return Response(_CATALOG)


class NodePorts(APIView):
    def post(self, request: Request) -> Response:
        data = body(s.PortsQuery, request)
        ports, errors = palette.node_ports(data["type"], data.get("version"), data.get("config") or {})
        if errors:
            raise InvalidGraph(errors[0].message, details={"errors": [e.as_dict() for e in errors]})
        return Response(ports)


class PipelineList(APIView):
    def get(self, request: Request) -> Response:
        qs = pipelines_of(request.user).select_related("updated_by")
        if ws := request.query_params.get("workspace"):
            qs = qs.filter(workspace_id=ws) if ws.isdigit() else qs.none()
        if q := request.query_params.get("q", "").strip():
            qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
        # The newest run through the reverse relation runs defines: builder never imports runs.
        last = Pipeline.objects.filter(pk=OuterRef("pk")).order_by("-runs__created_at")
        qs = qs.annotate(
            last_run_id=Subquery(last.values("runs__id")[:1]),
            last_run_status=Subquery(last.values("runs__status")[:1]),
            last_run_at=Subquery(last.values("runs__created_at")[:1]),
            latest_version=Max("versions__number"),
        )
        out = []
        for p in qs[:500]:
            last_run = ({"id": p.last_run_id, "status": p.last_run_status,
                         "created_at": p.last_run_at.isoformat() if hasattr(p.last_run_at, "isoformat")
                         else p.last_run_at} if p.last_run_id else None)
            out.append(s.pipeline_summary(p, last_run, p.latest_version))
        return Response(out)

    def post(self, request: Request) -> Response:
        data = body(s.PipelineCreate, request)
        if "workspace" in data:
            workspace = get_object_or_404(workspaces_of(request.user), pk=data["workspace"])
        elif (scope := token_scope(request.user)) is not None:
            workspace = get_object_or_404(workspaces_of(request.user), pk=scope)
        else:
            workspace = Workspace.personal_of(request.user)
        role = require(request.user, workspace.pk, Action.EDIT)
        graph = data.get("graph", empty_graph())
        check_storable(graph)
        pipeline = Pipeline.objects.create(workspace=workspace, name=data["name"],
                                           description=data.get("description", ""), draft=graph,
                                           created_by=request.user, updated_by=request.user)
        return Response(s.pipeline_detail(pipeline, role), status=201)


class PipelineDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        pipeline, role = pipeline_for(request.user, pk)
        return Response(s.pipeline_detail(pipeline, role))

    def patch(self, request: Request, pk: int) -> Response:
        pipeline, role = pipeline_for(request.user, pk, Action.EDIT)
        data = body(s.PipelineUpdate, request)
        for field, value in data.items():
            setattr(pipeline, field, value)
        if data:
            pipeline.save(update_fields=list(data))
        return Response(s.pipeline_detail(pipeline, role))

    def delete(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.DELETE)
        pipeline.delete()
        return Response(status=204)


class PipelineDuplicate(APIView):
    def post(self, request: Request, pk: int) -> Response:
        pipeline, role = pipeline_for(request.user, pk, Action.EDIT)
        copy = Pipeline.objects.create(workspace_id=pipeline.workspace_id, name=f"{pipeline.name} (copy)"[:200],
                                       description=pipeline.description, draft=pipeline.draft,
                                       created_by=request.user, updated_by=request.user)
        return Response(s.pipeline_detail(copy, role), status=201)


class DraftView(APIView):
    def put(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        data = body(s.DraftSave, request)
        errors = check_storable(data["graph"])
        with transaction.atomic():  # the save and its activity line land together or not at all
            pipeline.save_draft(data["graph"], data["base_revision"], request.user)
            pipeline_edited.send(Pipeline, pipeline=pipeline, user=request.user, summary=f"edited “{pipeline.name}”")
        return Response({"revision": pipeline.revision, "updated_at": pipeline.updated_at.isoformat(),
                         "updated_by": pipeline.updated_by_name, "errors": errors,
                         "interface": None if errors else interface_of(data["graph"])})


class ValidateView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        pipeline_for(request.user, pk)
        plan, found = validate(body(s.GraphBody, request)["graph"])
        errors = [e.as_dict() for e in found]
        return Response({"valid": not errors, "errors": errors,
                         "interface": interface(plan) if plan is not None else None})


class VersionList(APIView):
    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk)
        return Response([s.version_summary(v) for v in pipeline.versions.select_related("author")])

    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        data = body(s.VersionCreate, request)
        if "base_revision" in data and data["base_revision"] != pipeline.revision:
            pipeline.save_draft(pipeline.draft, data["base_revision"], request.user)  # raises 409
        errors = graph_errors(pipeline.draft)
        if errors:
            raise InvalidGraph("Fix the pipeline's errors before saving a version.", details={"errors": errors})
        version = pipeline.add_version(pipeline.draft, request.user, data["message"])
        return Response(s.version_detail(version), status=201)


def _version(pipeline: Pipeline, number: int) -> PipelineVersion:
    try:
        return pipeline.versions.select_related("author").get(number=number)
    except PipelineVersion.DoesNotExist:
        raise Http404 from None


class VersionDetail(APIView):
    def get(self, request: Request, pk: int, number: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk)
        return Response(s.version_detail(_version(pipeline, number)))


class VersionRestore(APIView):
    def post(self, request: Request, pk: int, number: int) -> Response:
        pipeline, role = pipeline_for(request.user, pk, Action.EDIT)
        version = _version(pipeline, number)
        with transaction.atomic():
            pipeline.save_draft(version.graph, pipeline.revision, request.user)
            pipeline.add_version(version.graph, request.user, f"Restored version {number}")
        return Response(s.pipeline_detail(pipeline, role))


class VersionCompare(APIView):
    """``?a=<n|draft>&b=<n|draft>``: what ``b`` changes relative to ``a``."""

    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.READ)
        graphs = {}
        for side in ("a", "b"):
            raw = request.query_params.get(side, "")
            if not raw:
                raise DomainError(f"{side}: a version number or 'draft' is required.", code="invalid")
            graphs[side] = pipeline.draft if raw == "draft" else _version(pipeline, _number(raw)).graph
        return Response({"a": request.query_params["a"], "b": request.query_params["b"],
                         **compare(graphs["a"], graphs["b"])})


def _number(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None
