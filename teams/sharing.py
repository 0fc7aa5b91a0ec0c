"""Moving and copying pipelines between workspaces, share links, export and import.

Credential references belong to one workspace, so they never travel: whenever a graph leaves
its workspace (export, share, move, copy) every credential value in node configs is cleared
and listed as *unbound*, to be bound again in the new workspace.
"""
from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from builder.graph_store import check_storable
from builder.models import Credential, Pipeline, Workspace
from fomo import jsonsafe
from fomo.errors import DomainError, InvalidJSON
from teams.activity import record
from teams.keys import digest, new_link_token
from teams.models import ShareLink

EXPORT_FORMAT = 1


class InvalidImport(DomainError):
    code = "invalid_import"


def _is_credential_key(key: str) -> bool:
    return key == "credential" or key.endswith("_credential") or key.endswith("credential_id")


def strip_credentials(graph: Any) -> tuple[Any, list[dict[str, Any]]]:
    """A copy of ``graph`` without credential references, and where they were."""
    graph = copy.deepcopy(graph)
    unbound: list[dict[str, Any]] = []
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        config = node.get("config") if isinstance(node, dict) else None
        if not isinstance(config, dict):
            continue
        for key in sorted(config):
            if _is_credential_key(key) and config[key] not in (None, ""):
                config[key] = None
                unbound.append({"node": node.get("id"), "field": key})
    return graph, unbound


def copy_to(pipeline: Pipeline, target: Workspace, user: Any, name: str | None = None) -> tuple[Pipeline, list]:
    graph, unbound = (strip_credentials(pipeline.draft) if target.pk != pipeline.workspace_id
                      else (copy.deepcopy(pipeline.draft), []))
    new = Pipeline.objects.create(workspace=target, name=(name or pipeline.name)[:200],
                                  description=pipeline.description, draft=graph, created_by=user, updated_by=user)
    return new, unbound


def move_to(pipeline: Pipeline, target: Workspace, user: Any) -> list[dict[str, Any]]:
    """Move the pipeline with its versions and runs; credential references are cleared."""
    if target.pk == pipeline.workspace_id:
        return []
    source = pipeline.workspace_id
    graph, unbound = strip_credentials(pipeline.draft)
    with transaction.atomic():
        Pipeline.objects.filter(pk=pipeline.pk).update(workspace=target, draft=graph, updated_at=timezone.now())
        ShareLink.objects.filter(pipeline=pipeline).update(revoked=True)
        record(source, user, "moved", "pipeline", pipeline.pk, f"moved “{pipeline.name}” to “{target.name}”")
        record(target.pk, user, "moved", "pipeline", pipeline.pk, f"moved “{pipeline.name}” here")
    pipeline.refresh_from_db()
    return unbound


# ---------------------------------------------------------------- share links

def create_share_link(pipeline: Pipeline, include_runs: bool, hours: int | None, user: Any) -> tuple[ShareLink, str]:
    raw, hashed = new_link_token()
    expires = timezone.now() + timedelta(hours=hours) if hours else None
    link = ShareLink.objects.create(pipeline=pipeline, token_hash=hashed, include_runs=include_runs,
                                    expires_at=expires, created_by=user)
    record(pipeline.workspace_id, user, "shared", "pipeline", pipeline.pk,
           f"created a share link for “{pipeline.name}”" + (" with its runs" if include_runs else ""))
    return link, raw


def revoke_share_link(pipeline: Pipeline, link_id: int, user: Any) -> None:
    if not ShareLink.objects.filter(pk=link_id, pipeline=pipeline).update(revoked=True):
        raise Http404
    record(pipeline.workspace_id, user, "unshared", "pipeline", pipeline.pk,
           f"revoked a share link for “{pipeline.name}”")


def share_link_for(raw: str) -> ShareLink:
    """The usable link for a raw token; 404 for unknown, revoked and expired links alike."""
    link = ShareLink.objects.select_related("pipeline").filter(token_hash=digest(raw)).first()
    if link is None or not link.usable:
        raise Http404
    return link


# ---------------------------------------------------------------- export / import

def export_doc(pipeline: Pipeline, with_versions: bool) -> dict[str, Any]:
    graph, unbound = strip_credentials(pipeline.draft)
    doc: dict[str, Any] = {
        "fomo_export": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "pipeline": {"name": pipeline.name, "description": pipeline.description, "graph": graph},
        "unbound_credentials": unbound,
    }
    if with_versions:
        versions = []
        for v in pipeline.versions.select_related("author").order_by("number"):
            vgraph, vunbound = strip_credentials(v.graph)
            versions.append({"number": v.number, "message": v.message, "created_at": v.created_at.isoformat(),
                             "author": v.author.get_username() if v.author else None, "graph": vgraph})
            unbound.extend({**u, "version": v.number} for u in vunbound)
        doc["versions"] = versions
    return doc


def parse_import(raw: bytes) -> dict[str, Any]:
    """The export document in ``raw``, or a 400 naming what is wrong with it."""
    limit = settings.FOMO["MAX_IMPORT_BYTES"]
    if len(raw) > limit:
        raise InvalidImport(f"The file is {len(raw)} bytes; imports are limited to {limit} bytes.", code="too_large")
    try:
        doc = jsonsafe.loads(raw)
    except jsonsafe.UnsafeJSON as exc:
        raise InvalidJSON.from_unsafe(exc) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidImport(f"The file is not valid JSON: {exc}.") from None
    if not isinstance(doc, dict):
        raise InvalidImport("The file must hold a JSON object.")
    if doc.get("fomo_export") != EXPORT_FORMAT:
        raise InvalidImport(f"fomo_export: expected {EXPORT_FORMAT}; this is not a fomo export file.")
    p = doc.get("pipeline")
    if not isinstance(p, dict) or not isinstance(p.get("name"), str) or not p["name"].strip():
        raise InvalidImport("pipeline.name: a non-empty string is required.")
    if len(p["name"]) > 200:
        raise InvalidImport("pipeline.name: at most 200 characters.")
    if not isinstance(p.get("description", ""), str):
        raise InvalidImport("pipeline.description: must be a string.")
    if "graph" not in p:
        raise InvalidImport("pipeline.graph: required.")
    check_storable(p["graph"], "pipeline.graph")
    versions = doc.get("versions", [])
    if not isinstance(versions, list):
        raise InvalidImport("versions: must be a list.")
    for i, v in enumerate(versions):
        if not isinstance(v, dict) or "graph" not in v:
            raise InvalidImport(f"versions[{i}]: an object with a graph is required.")
        if not isinstance(v.get("message", ""), str):
            raise InvalidImport(f"versions[{i}].message: must be a string.")
        check_storable(v["graph"], f"versions[{i}].graph")
    bind = doc.get("bind", {})
    if not isinstance(bind, dict) or not all(isinstance(k, str) and isinstance(x, (str, int))
                                             for k, x in bind.items()):
        raise InvalidImport("bind: must map node ids to credential ids.")
    return doc


def _bindable(workspace: Workspace, bind: dict[str, Any]) -> dict[str, str]:
    """The ``bind`` entries whose credential exists in ``workspace``."""
    if not bind:
        return {}
    ids = {str(c) for c in Credential.objects.filter(workspace=workspace).values_list("pk", flat=True)}
    return {node: str(cred) for node, cred in bind.items() if str(cred) in ids}


def _bind(graph: Any, wanted: list[Any], bindings: dict[str, str]) -> tuple[Any, list[dict[str, Any]]]:
    """``graph`` with credential references bound from ``bindings`` where given; the rest
    (listed in the file as unbound, or still present in it) come back as unbound."""
    graph, present = strip_credentials(graph)
    needed = {(u["node"], u["field"]) for u in present}
    needed |= {(u.get("node"), u.get("field")) for u in wanted if isinstance(u, dict)}
    nodes = {n.get("id"): n for n in graph.get("nodes", []) if isinstance(n, dict)}
    unbound: list[dict[str, Any]] = []
    for node_id, field in sorted(needed, key=str):
        config = nodes.get(node_id, {}).get("config")
        if not isinstance(config, dict) or not isinstance(field, str) or not _is_credential_key(field):
            continue
        if node_id in bindings:
            config[field] = bindings[node_id]
        else:
            unbound.append({"node": node_id, "field": field})
    return graph, unbound


def import_doc(workspace: Workspace, doc: dict[str, Any], user: Any) -> tuple[Pipeline, list[dict[str, Any]]]:
    """Create the pipeline (and its versions, renumbered from 1 in order) in ``workspace``."""
    bindings = _bindable(workspace, doc.get("bind", {}))
    listed: list[Any] = doc["unbound_credentials"] if isinstance(doc.get("unbound_credentials"), list) else []
    p = doc["pipeline"]
    graph, unbound = _bind(p["graph"], [u for u in listed if isinstance(u, dict) and "version" not in u], bindings)
    with transaction.atomic():
        pipeline = Pipeline.objects.create(workspace=workspace, name=p["name"].strip()[:200],
                                           description=p.get("description", ""), draft=graph,
                                           created_by=user, updated_by=user)
        for v in doc.get("versions", []):
            wanted = [u for u in listed if isinstance(u, dict) and u.get("version") == v.get("number")]
            vgraph, vunbound = _bind(v["graph"], wanted, bindings)
            version = pipeline.add_version(vgraph, user, str(v.get("message", ""))[:500])
            unbound.extend({**u, "version": version.number} for u in vunbound)
        record(workspace.pk, user, "imported", "pipeline", pipeline.pk, f"imported “{pipeline.name}”")
    return pipeline, unbound
