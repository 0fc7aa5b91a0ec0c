"""REST for datasets and experiments (the contract is docs/experiments-api.md). Views are
thin: validate the body, ask the policy, call one piece of domain logic, serialize."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.policy import Action, pipeline_for, require
from builder.serializers import version_detail
from experiments import datasets, service
from experiments import serializers as s
from experiments.models import Dataset, DatasetRow, Experiment, ExperimentStatus
from experiments.scoring import scorer_keys
from fomo.http import body


def dataset_for(user: Any, pk: int, action: Action = Action.READ) -> Dataset:
    dataset = Dataset.objects.select_related("created_by").filter(pk=pk).first()
    if dataset is None:
        raise Http404
    require(user, dataset.workspace_id, action)
    return dataset


def experiment_for(user: Any, pk: int, action: Action = Action.READ) -> Experiment:
    exp = Experiment.objects.select_related("pipeline", "version", "created_by").filter(pk=pk).first()
    if exp is None:
        raise Http404
    require(user, exp.pipeline.workspace_id, action)
    return exp


class WorkspaceDatasets(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.READ)
        qs = Dataset.objects.filter(workspace_id=workspace_id).select_related("created_by").annotate(n=Count("rows"))
        return Response([s.dataset_summary(d, d.n) for d in qs[:500]])

    def post(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.EDIT)
        data = body(s.DatasetCreate, request)
        rows = datasets.parse_pasted(data["rows"]) if data["rows"] else []
        dataset = datasets.create_dataset(workspace_id, request.user, data["name"], data["description"], rows)
        return Response(s.dataset_detail(dataset), status=201)


class DatasetImport(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.EDIT)
        upload = request.FILES.get("file")
        unknown = sorted(set(request.data) - {"file", "name", "description", "expected_column", "pipeline"})
        if unknown:
            raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
        if upload is None:
            raise datasets.InvalidDataset("attach a .csv or .jsonl file as the multipart field 'file'",
                                          details={"errors": [{"line": 0, "field": "file", "message": "missing"}]})
        if upload.size is not None and upload.size > datasets.MAX_FILE_BYTES:
            raise datasets.InvalidDataset(f"the file is {upload.size:,} bytes; the limit is "
                                          f"{datasets.MAX_FILE_BYTES:,}",
                                          details={"errors": [{"line": 0, "field": "file", "message": "too large"}]})
        data = upload.read(datasets.MAX_FILE_BYTES + 1)
        name = str(request.data.get("name") or upload.name or "dataset")[:200]
        expected_column = str(request.data.get("expected_column") or "").strip() or None
        rows = datasets.parse_file(upload.name or "", data, expected_column,
                                   _import_plan(workspace_id, request.data.get("pipeline")))
        dataset = datasets.create_dataset(workspace_id, request.user, name,
                                          str(request.data.get("description") or "")[:10_000], rows)
        return Response(s.dataset_detail(dataset), status=201)


def _import_plan(workspace_id: int, raw: Any) -> Any:
    """The plan of the pipeline an import is typed for (its draft), if one is named."""
    if raw in (None, ""):
        return None
    from builder.graph import validate
    from builder.models import Pipeline

    pipeline = Pipeline.objects.filter(pk=int(raw) if str(raw).isdigit() else 0, workspace_id=workspace_id).first()
    if pipeline is None:
        raise datasets.InvalidDataset("the pipeline to type the columns for is not in this workspace",
                                      details={"errors": [{"line": 0, "field": "pipeline", "message": "not found"}]})
    plan, errors = validate(pipeline.draft)
    if plan is None:
        raise datasets.InvalidDataset("the pipeline has errors, so its input types are unknown", details={"errors": [
            {"line": 0, "field": "pipeline", "message": errors[0].message if errors else "invalid graph"}]})
    return plan


class DatasetFromRuns(APIView):
    def post(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.EDIT)
        data = body(s.DatasetFromRuns, request)
        rows = datasets.rows_from_runs(workspace_id, data["run_ids"], data["with_outputs"])
        dataset = datasets.create_dataset(workspace_id, request.user, data["name"], data["description"], rows)
        return Response(s.dataset_detail(dataset), status=201)


class DatasetDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.dataset_detail(dataset_for(request.user, pk)))

    def patch(self, request: Request, pk: int) -> Response:
        dataset = dataset_for(request.user, pk, Action.EDIT)
        data = body(s.DatasetUpdate, request)
        for field, value in data.items():
            setattr(dataset, field, value)
        if data:
            dataset.updated_at = timezone.now()
            dataset.save(update_fields=[*data, "updated_at"])
        return Response(s.dataset_detail(dataset))

    def delete(self, request: Request, pk: int) -> Response:
        dataset_for(request.user, pk, Action.DELETE).delete()
        return Response(status=204)


class DatasetRows(APIView):
    def post(self, request: Request, pk: int) -> Response:
        dataset = dataset_for(request.user, pk, Action.EDIT)
        rows = datasets.parse_pasted(body(s.RowsAdd, request)["rows"])
        made = datasets.append_rows(dataset, rows)
        return Response({"rows": [s.row_json(r) for r in made]}, status=201)


def _row(dataset: Dataset, row_id: int) -> DatasetRow:
    row = DatasetRow.objects.select_related("dataset").filter(pk=row_id, dataset=dataset).first()
    if row is None:
        raise Http404
    return row


class DatasetRowDetail(APIView):
    def patch(self, request: Request, pk: int, row_id: int) -> Response:
        dataset = dataset_for(request.user, pk, Action.EDIT)
        row = _row(dataset, row_id)
        data = body(s.RowUpdate, request)
        row = datasets.edit_row(row, data.get("inputs"), data.get("expected"), "expected" in data)
        return Response(s.row_json(row))

    def delete(self, request: Request, pk: int, row_id: int) -> Response:
        dataset = dataset_for(request.user, pk, Action.EDIT)
        with transaction.atomic():
            _row(dataset, row_id).delete()
            Dataset.objects.filter(pk=dataset.pk).update(updated_at=timezone.now())
        return Response(status=204)


class PipelineExperiments(APIView):
    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk)
        exps = pipeline.experiments.select_related("pipeline", "version", "created_by")[:200]
        return Response([s.experiment_summary(e) for e in exps])

    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.RUN)
        exp = service.create_experiment(pipeline, request.user, body(s.ExperimentCreate, request))
        return Response(s.experiment_detail(experiment_for(request.user, exp.pk)), status=201)


def _after(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        raise service.InvalidExperiment("cells_after must be an ISO time", details={"errors": [
            {"field": "cells_after", "message": "not an ISO time"}]}) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class ExperimentDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        exp = experiment_for(request.user, pk)
        return Response(s.experiment_detail(exp, _after(request.query_params.get("cells_after"))))

    def delete(self, request: Request, pk: int) -> Response:
        exp = experiment_for(request.user, pk, Action.DELETE)
        if exp.status == ExperimentStatus.RUNNING:
            service.cancel(exp)
        exp.delete()
        return Response(status=204)


class ExperimentCancel(APIView):
    def post(self, request: Request, pk: int) -> Response:
        exp = service.cancel(experiment_for(request.user, pk, Action.RUN))
        return Response(s.experiment_detail(exp))


class ExperimentPromote(APIView):
    def post(self, request: Request, pk: int) -> Response:
        exp = experiment_for(request.user, pk, Action.EDIT)
        data = body(s.Promote, request)
        variant = exp.variants.filter(pk=data["variant"]).first()
        if variant is None:
            raise service.InvalidExperiment("the experiment has no such variant", details={"errors": [
                {"field": "variant", "message": "not found"}]})
        version = service.promote(exp, variant, request.user, data["message"], data.get("base_revision"))
        return Response(version_detail(version), status=201)


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else str(data).encode()


class ExperimentResultsCsv(APIView):
    renderer_classes = [JSONRenderer, CsvRenderer]

    def get(self, request: Request, pk: int) -> HttpResponse:
        exp = experiment_for(request.user, pk)
        keys = scorer_keys(exp.scorers)
        cells = s.cell_rows(exp)
        variants = list(exp.variants.all())
        by_row: dict[int, dict[int, dict[str, Any]]] = {}
        for c in cells:
            by_row.setdefault(c["row_position"], {})[c["variant_id"]] = c
        inputs = dict(exp.cells.values_list("row_position", "run__inputs"))
        columns: list[str] = []
        for value in inputs.values():
            for name in value or {}:
                if name not in columns:
                    columns.append(name)
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)  # OWASP: every cell quoted, so none runs into the next
        header = ["row", *columns, "expected"]
        for v in variants:
            header += [f"{v.name} output", *[f"{v.name} {k}" for k in keys], f"{v.name} latency_ms",
                       f"{v.name} tokens", f"{v.name} cost", f"{v.name} status"]
        writer.writerow([_csv_value(h) for h in header])
        for position in sorted(by_row):
            row_cells = by_row[position]
            first = next(iter(row_cells.values()))
            line: list[Any] = [position, *[(inputs.get(position) or {}).get(c) for c in columns], first["expected"]]
            for v in variants:
                cell = row_cells.get(v.pk)
                if cell is None:
                    line += [""] * (len(keys) + 5)
                    continue
                j = s.cell_json(cell)
                line += [j["output"], *[(j["scores"] or {}).get(k) for k in keys],
                         j["duration_ms"], j["tokens"], j["cost"], j["status"]]
            writer.writerow([_csv_value(v) for v in line])
        resp = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in exp.name)[:60] or "experiment"
        resp["Content-Disposition"] = f'attachment; filename="{safe}-{exp.pk}.csv"'
        return resp


# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection list,
# plus the full-width forms some spreadsheets fold to ASCII).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _csv_value(value: Any) -> Any:
    """One cell of the results file: None as empty, JSON for structures, and text that a
    spreadsheet would run as a formula prefixed with a single quote (shown, never evaluated)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
