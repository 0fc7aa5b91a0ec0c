"""JSON shapes of datasets and experiments, and the validation of request bodies."""
from __future__ import annotations

import statistics
import threading
from collections import OrderedDict
from typing import Any

from django.db.models import Count
from rest_framework import serializers

from experiments.models import Cell, Dataset, DatasetRow, Experiment
from experiments.scoring import scorer_keys
from fomo.http import StrictSerializer
from runs.models import RunStatus


def _iso(dt: Any) -> str | None:
    return dt.isoformat() if dt is not None else None


def dataset_summary(d: Dataset, row_count: int | None = None) -> dict[str, Any]:
    return {"id": d.pk, "workspace": d.workspace_id, "name": d.name, "description": d.description,
            "row_count": row_count if row_count is not None else d.rows.count(), "columns": d.columns,
            "created_at": _iso(d.created_at), "updated_at": _iso(d.updated_at),
            "created_by": d.created_by.get_username() if d.created_by else None}


def row_json(r: DatasetRow) -> dict[str, Any]:
    return {"id": r.pk, "position": r.position, "inputs": r.inputs, "expected": r.expected}


def dataset_detail(d: Dataset) -> dict[str, Any]:
    rows = list(d.rows.order_by("position"))
    return {**dataset_summary(d, len(rows)), "rows": [row_json(r) for r in rows]}


def experiment_summary(e: Experiment, progress: dict[str, int] | None = None) -> dict[str, Any]:
    return {"id": e.pk, "name": e.name, "pipeline": e.pipeline_id, "dataset": e.dataset_id,
            "dataset_name": e.dataset_name, "version": e.version.number if e.version_id and e.version else None,
            "status": e.status, "created_at": _iso(e.created_at), "finished_at": _iso(e.finished_at),
            "created_by": e.created_by.get_username() if e.created_by else None, "concurrency": e.concurrency,
            "output": e.output, "progress": progress if progress is not None else progress_of(e)}


def progress_of(e: Experiment) -> dict[str, int]:
    return progress_and_scored(e)[0]


def progress_and_scored(e: Experiment) -> tuple[dict[str, int], int]:
    """Cell counts by state, in SQL (one GROUP BY; a second small count only while cells run),
    and how many cells are scored (the aggregates' cache key)."""
    counts = {"total": 0, "done": 0, "failed": 0, "cancelled": 0, "running": 0, "queued": 0}
    scored_n = 0
    for row in e.cells.values("status", "scored").annotate(n=Count("pk")).order_by():
        status, scored, n = row["status"], row["scored"], row["n"]
        counts["total"] += n
        scored_n += n if scored else 0
        if status == RunStatus.SUCCEEDED and scored:
            counts["done"] += n
        elif status in (RunStatus.FAILED, RunStatus.CANCELLED) and scored:
            counts[status] += n
        elif status == "queued":
            counts["queued"] += n
        else:
            counts["running"] += n
    if counts["running"]:  # a cell handed to the dispatcher whose run is not claimed yet still waits
        held = Cell.objects.filter(experiment=e, scored=False, status="running", run__status=RunStatus.QUEUED).count()
        counts["running"] -= held
        counts["queued"] += held
    return counts, scored_n


_CELL_FIELDS = ("pk", "variant_id", "row_id", "row_position", "expected", "run_id", "status", "scored", "output",
                "scores", "score_errors", "judge_prompt_tokens", "judge_completion_tokens", "judge_cost",
                "updated_at", "run__duration_ms", "run__prompt_tokens", "run__completion_tokens", "run__cost",
                "run__error", "run__status")


def cell_rows(e: Experiment, after: Any = None) -> list[dict[str, Any]]:
    qs = Cell.objects.filter(experiment=e)
    if after is not None:
        qs = qs.filter(updated_at__gt=after)
    return list(qs.order_by("row_position", "variant__position").values(*_CELL_FIELDS))


def cell_json(c: dict[str, Any]) -> dict[str, Any]:
    status = c["status"]
    if not c["scored"] and status == "running" and c["run__status"] == RunStatus.QUEUED:
        status = "queued"
    return {"id": c["pk"], "row": c["row_id"], "row_position": c["row_position"], "variant": c["variant_id"],
            "run": c["run_id"], "status": status, "output": c["output"], "expected": c["expected"],
            "scores": c["scores"], "score_errors": c["score_errors"],
            "duration_ms": c["run__duration_ms"] if c["scored"] else None,
            "tokens": (c["run__prompt_tokens"] or 0) + (c["run__completion_tokens"] or 0),
            "prompt_tokens": c["run__prompt_tokens"] or 0, "completion_tokens": c["run__completion_tokens"] or 0,
            "cost": c["run__cost"], "judge_tokens": c["judge_prompt_tokens"] + c["judge_completion_tokens"],
            "judge_cost": c["judge_cost"], "error": c["run__error"], "updated_at": _iso(c["updated_at"])}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def _sum_known(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known), 8) if known else None


def aggregates(e: Experiment, cells: list[dict[str, Any]], variants: list[Any] | None = None,
               ) -> list[dict[str, Any]]:
    keys = scorer_keys(e.scorers)
    out = []
    for v in variants if variants is not None else e.variants.all():
        mine = [c for c in cells if c["variant_id"] == v.pk and c["scored"]]
        finished = [c for c in mine if c["status"] in (RunStatus.SUCCEEDED, RunStatus.FAILED)]
        ok = [c for c in mine if c["status"] == RunStatus.SUCCEEDED]
        means: dict[str, float | None] = {}
        for k in keys:
            vals = [c["scores"].get(k) for c in ok if isinstance(c["scores"], dict)]
            nums = [float(x) for x in vals if isinstance(x, (int, float))]
            means[k] = round(statistics.fmean(nums), 6) if nums else None
        durations = [float(c["run__duration_ms"]) for c in ok if c["run__duration_ms"] is not None]
        total_cost = _sum_known([c["run__cost"] for c in finished])
        out.append({
            "variant": v.pk, "name": v.name, "mean_scores": means,
            "p50_ms": _percentile(durations, 50), "p95_ms": _percentile(durations, 95),
            "total_cost": total_cost,
            "cost_per_row": round(total_cost / len(finished), 8) if total_cost is not None and finished else None,
            "prompt_tokens": sum(c["run__prompt_tokens"] or 0 for c in finished),
            "completion_tokens": sum(c["run__completion_tokens"] or 0 for c in finished),
            "judge_prompt_tokens": sum(c["judge_prompt_tokens"] for c in mine),
            "judge_completion_tokens": sum(c["judge_completion_tokens"] for c in mine),
            "judge_cost": _sum_known([c["judge_cost"] for c in mine]),
            "runs_succeeded": len(ok), "runs_failed": len(finished) - len(ok),
        })
    return out


_AGG_FIELDS = ("variant_id", "status", "scored", "scores", "judge_prompt_tokens", "judge_completion_tokens",
               "judge_cost", "run__duration_ms", "run__prompt_tokens", "run__completion_tokens", "run__cost")
_AGG_CACHE_SIZE = 256
_agg_cache: OrderedDict[tuple[int, Any, int], list[dict[str, Any]]] = OrderedDict()
_agg_lock = threading.Lock()


def cached_aggregates(e: Experiment, scored: int, variants: list[Any]) -> list[dict[str, Any]]:
    """The aggregates, computed from the scored cells only and cached by how many cells are
    scored: a scored cell never changes again (scoring is a compare-and-set on ``scored``, and
    nothing else writes a scored cell), so the same count means the same aggregates."""
    key = (e.pk, e.created_at, scored)
    with _agg_lock:
        hit = _agg_cache.get(key)
        if hit is not None:
            _agg_cache.move_to_end(key)
            return hit
    cells = list(Cell.objects.filter(experiment=e, scored=True).values(*_AGG_FIELDS))
    result = aggregates(e, cells, variants)
    with _agg_lock:  # stored under the count actually read (a cell may have been scored since)
        _agg_cache[(e.pk, e.created_at, len(cells))] = result
        while len(_agg_cache) > _AGG_CACHE_SIZE:
            _agg_cache.popitem(last=False)
    return result


def experiment_detail(e: Experiment, after: Any = None) -> dict[str, Any]:
    """The detail; with ``after`` only the cells updated since then (one indexed range read on
    ``(experiment, updated_at)``). Progress is counted in SQL; aggregates are cached until a
    cell is scored."""
    progress, scored = progress_and_scored(e)
    variants = list(e.variants.all())
    shown = cell_rows(e, after)
    return {**experiment_summary(e, progress),
            "variants": [{"id": v.pk, "name": v.name, "overrides": v.overrides, "position": v.position}
                         for v in variants],
            "scorers": e.scorers, "scorer_keys": scorer_keys(e.scorers),
            "aggregates": cached_aggregates(e, scored, variants),
            "cells": [cell_json(c) for c in shown]}


# ------------------------------------------------------------------ request bodies


class RowBody(StrictSerializer):
    inputs = serializers.DictField()
    expected = serializers.JSONField(required=False, allow_null=True)


class DatasetCreate(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    rows = serializers.JSONField(required=False, default=list)


class DatasetUpdate(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class DatasetFromRuns(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    run_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=5000)
    with_outputs = serializers.BooleanField(required=False, default=False)


class RowsAdd(StrictSerializer):
    rows = serializers.JSONField()


class RowUpdate(StrictSerializer):
    inputs = serializers.DictField(required=False)
    expected = serializers.JSONField(required=False, allow_null=True)


class ExperimentCreate(StrictSerializer):
    name = serializers.CharField(max_length=200)
    dataset = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    concurrency = serializers.IntegerField(min_value=1, max_value=200, required=False, default=10)
    variants = serializers.JSONField()
    scorers = serializers.JSONField(required=False, default=list)
    output = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)


class Promote(StrictSerializer):
    variant = serializers.IntegerField(min_value=1)
    message = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")
    base_revision = serializers.IntegerField(min_value=1, required=False)
