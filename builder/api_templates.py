"""REST for the template gallery: list templates; create a template's pipelines in a workspace."""
from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.models import Pipeline, Workspace
from builder.policy import Action, require, workspaces_of
from builder.serializers import pipeline_detail
from builder.templates_gallery import TEMPLATES
from fomo.http import StrictSerializer, body


class TemplateUse(StrictSerializer):
    workspace = serializers.IntegerField(required=False)


class TemplateList(APIView):
    def get(self, request: Request) -> Response:
        return Response([t.describe() for t in TEMPLATES.values()])


class TemplateCreate(APIView):
    def post(self, request: Request, slug: str) -> Response:
        template = TEMPLATES.get(slug)
        if template is None:
            raise Http404
        data = body(TemplateUse, request)
        if "workspace" in data:
            workspace = get_object_or_404(workspaces_of(request.user), pk=data["workspace"])
        else:
            workspace = Workspace.personal_of(request.user)
        role = require(request.user, workspace.pk, Action.EDIT)
        created = []
        with transaction.atomic():
            for spec in template.pipelines:
                graph = spec.build()
                pipeline = Pipeline.objects.create(workspace=workspace, name=spec.name, description=spec.description,
                                                   draft=graph, created_by=request.user, updated_by=request.user)
                pipeline.add_version(graph, request.user, f"Created from the template “{template.title}”")
                created.append(pipeline)
        return Response({"template": template.slug, "pipelines": [pipeline_detail(p, role) for p in created]},
                        status=201)
