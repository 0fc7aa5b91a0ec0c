"""JSON shapes of design-time objects, and the validation of request bodies."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from builder.interface import interface_of
from builder.models import Pipeline, PipelineVersion
from fomo.http import StrictSerializer


def _user(u: Any) -> str | None:
    return u.get_username() if u is not None else None


def pipeline_summary(p: Pipeline, last_run: dict[str, Any] | None = None,
                     latest_version: int | None = None) -> dict[str, Any]:
    nodes = p.draft.get("nodes") if isinstance(p.draft, dict) else None
    return {
        "id": p.pk,
        "workspace": p.workspace_id,
        "name": p.name,
        "description": p.description,
        "revision": p.revision,
        "created_at": p.created_at.isoformat(),
        "updated_at": p.updated_at.isoformat(),
        "updated_by": _user(p.updated_by),
        "latest_version": latest_version,
        "last_run": last_run,
        "node_count": len(nodes) if isinstance(nodes, list) else 0,
    }


def pipeline_detail(p: Pipeline, role: str) -> dict[str, Any]:
    latest = p.versions.order_by("-number").values_list("number", flat=True).first()
    last = p.runs.order_by("-created_at").values("id", "status", "created_at").first()
    body = pipeline_summary(p, _last_run(last), latest)
    body["graph"] = p.draft
    body["interface"] = interface_of(p.draft)  # None while the draft is not valid
    body["role"] = role
    return body


def _last_run(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if not row:
        return None
    return {"id": row["id"], "status": row["status"], "created_at": row["created_at"].isoformat()}


def version_summary(v: PipelineVersion) -> dict[str, Any]:
    return {"number": v.number, "author": _user(v.author), "message": v.message,
            "created_at": v.created_at.isoformat()}


def version_detail(v: PipelineVersion) -> dict[str, Any]:
    return {**version_summary(v), "graph": v.graph}


class GraphField(serializers.JSONField):
    """Any JSON value: the graph validator judges it and reports every error at once."""


class PipelineCreate(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    workspace = serializers.IntegerField(required=False)
    graph = GraphField(required=False)


class PipelineUpdate(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class DraftSave(StrictSerializer):
    graph = GraphField()
    base_revision = serializers.IntegerField(min_value=1)


class GraphBody(StrictSerializer):
    graph = GraphField()


class VersionCreate(StrictSerializer):
    message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    base_revision = serializers.IntegerField(min_value=1, required=False)


class PortsQuery(StrictSerializer):
    type = serializers.CharField(max_length=100)
    version = serializers.IntegerField(required=False, allow_null=True)
    config = serializers.JSONField(required=False)
