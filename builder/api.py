"""REST for workspaces, the node catalog, pipelines, drafts and versions. Views are thin:
validate the body, ask the policy, call one piece of domain logic, serialize."""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder import serializers as s
from builder.graph import ports_for, validate
from builder.models import Pipeline, PipelineVersion, Workspace, empty_graph
from builder.nodes.base import BASE_TYPES
from builder.nodes.catalog import registry
from builder.policy import Action, pipeline_for, pipelines_of, require, token_scope, workspaces_of
from builder.providers.registry import PROVIDERS
from fomo.errors import InvalidGraph


def body(serializer_cls: type[s.StrictSerializer], request: Request) -> dict[str, Any]:
    ser = serializer_cls(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def graph_errors(graph: Any) -> list[dict[str, Any]]:
    return [e.as_dict() for e in validate(graph)[1]]


class WorkspaceList(APIView):
    def get(self, request: Request) -> Response:
        rows = workspaces_of(request.user).filter(membership__user=request.user).values(
            "id", "name", "personal", "membership__role").order_by("-personal", "name")
        return Response([{"id": r["id"], "name": r["name"], "personal": r["personal"],
                          "role": r["membership__role"]} for r in rows])

    def post(self, request: Request) -> Response:
        from teams.api_workspaces import create_workspace

        return create_workspace(request)


_CATALOG: dict[str, Any] | None = None


class NodeTypes(APIView):
    def get(self, request: Request) -> Response:
        global _CATALOG
        if _CATALOG is None:
            _CATALOG = {
                "node_types": registry.describe(),
                "port_types": sorted(BASE_TYPES),
                "providers": [{"name": p.name, "title": p.title, "chat": p.chat, "embeddings": p.embeddings,
                               "free_model": p.free_model, "chat_models": list(p.chat_models),
                               "embedding_models": list(p.embedding_models)} for p in PROVIDERS.values()],
            }
        return Response(_CATALOG)


class NodePorts(APIView):
    def post(self, request: Request) -> Response:
        data = body(s.PortsQuery, request)
        inputs, outputs, errors = ports_for(data["type"], data.get("version"), data.get("config") or {}, registry)
        if errors:
            raise InvalidGraph(errors[0].message, details={"errors": [e.as_dict() for e in errors]})
        return Response({"inputs": [p.describe() for p in inputs], "outputs": [p.describe() for p in outputs]})


class PipelineList(APIView):
    def get(self, request: Request) -> Response:
        qs = pipelines_of(request.user).select_related("updated_by")
        if ws := request.query_params.get("workspace"):
            qs = qs.filter(workspace_id=ws) if ws.isdigit() else qs.none()
        if q := request.query_params.get("q", "").strip():
            qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
        from runs.models import Run

        last = Run.objects.filter(pipeline=OuterRef("pk")).order_by("-created_at")
        qs = qs.annotate(
            last_run_id=Subquery(last.values("id")[:1]),
            last_run_status=Subquery(last.values("status")[:1]),
            last_run_at=Subquery(last.values("created_at")[:1]),
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
        validate_size(graph)
        pipeline = Pipeline.objects.create(workspace=workspace, name=data["name"],
                                           description=data.get("description", ""), draft=graph,
                                           created_by=request.user, updated_by=request.user)
        return Response(s.pipeline_detail(pipeline, role), status=201)


def validate_size(graph: Any) -> list[dict[str, Any]]:
    """Refuse documents the validator calls too big or shapeless before they are stored
    anywhere; return every error of a document that may be stored (a draft may be invalid)."""
    found = validate(graph)[1]
    # A secret typed into the document (graph_checks.check_secret_headers) must not be stored at all.
    fatal = [e for e in found if e.code == "secret" or (e.code in ("limit", "schema") and e.node is None
                                                          and e.edge is None)]
    if fatal:
        raise InvalidGraph(fatal[0].message, details={"errors": [e.as_dict() for e in fatal]})
    return [e.as_dict() for e in found]


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
        errors = validate_size(data["graph"])
        from teams.activity import record

        with transaction.atomic():  # the save and its activity line land together or not at all
            pipeline.save_draft(data["graph"], data["base_revision"], request.user)
            record(pipeline.workspace_id, request.user, "edited", "pipeline", pipeline.pk, f"edited “{pipeline.name}”")
        return Response({"revision": pipeline.revision, "updated_at": pipeline.updated_at.isoformat(),
                         "updated_by": pipeline.updated_by_name, "errors": errors})


class ValidateView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        pipeline_for(request.user, pk)
        errors = graph_errors(body(s.GraphBody, request)["graph"])
        return Response({"valid": not errors, "errors": errors})


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
