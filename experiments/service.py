"""Experiment transitions, each written once: create (validate everything, then write the
experiment, its variants, runs and cells in one transaction), score a cell, cancel, promote."""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from builder.models import Pipeline, PipelineVersion
from builder.signals import pipeline_edited
from experiments import scoring, variants
from experiments.models import Cell, Dataset, Experiment, ExperimentStatus, Variant
from fomo.errors import DomainError, InvalidGraph
from runs import transitions
from runs.models import TERMINAL, Run, RunStatus

log = logging.getLogger(__name__)

MAX_RUNS = 20_000
MAX_CONCURRENCY = 200
T = TypeVar("T")


class InvalidExperiment(DomainError):
    code = "invalid_experiment"


def _providers() -> dict[str, tuple[bool, bool]]:
    from builder.providers.registry import PROVIDERS

    return {p.name: (p.chat, p.embeddings) for p in PROVIDERS.values()}


def create_experiment(pipeline: Pipeline, user: Any, data: dict[str, Any]) -> Experiment:
    """Validate the dataset, scorers, every variant's graph and every row's inputs; then write
    everything in one transaction and start the dispatcher after commit. Nothing is created
    when anything is invalid."""
    dataset = Dataset.objects.filter(pk=data["dataset"], workspace_id=pipeline.workspace_id).first()
    if dataset is None:
        raise InvalidExperiment("the dataset is not in this pipeline's workspace",
                                details={"errors": [{"field": "dataset", "message": "not found"}]})
    version: PipelineVersion | None = None
    if data.get("version") is not None:
        version = pipeline.versions.filter(number=data["version"]).first()
        if version is None:
            raise InvalidExperiment(f"the pipeline has no version {data['version']}",
                                    details={"errors": [{"field": "version", "message": "not found"}]})
    base = version.graph if version is not None else pipeline.draft
    try:
        scorers = scoring.check_scorers(data.get("scorers"), _providers())
    except scoring.ScorerError as exc:
        raise InvalidExperiment(f"scorer {exc.index + 1}: {exc.message}", details={"errors": [
            {"scorer": exc.index, "field": exc.field, "message": exc.message}]}) from None
    try:
        checked = variants.check_variants(data.get("variants"), base)
    except variants.VariantError as exc:
        raise InvalidGraph(exc.message, details={"errors": exc.errors}) from None
    rows = list(dataset.rows.order_by("position").values_list("pk", "position", "inputs", "expected"))
    if not rows:
        raise InvalidExperiment("the dataset has no rows", details={"errors": [{"field": "dataset",
                                                                                "message": "empty"}]})
    if len(rows) * len(checked) > MAX_RUNS:
        raise InvalidExperiment(f"{len(rows)} rows × {len(checked)} variants is more than {MAX_RUNS:,} runs")
    typed, row_errors = variants.typed_rows(checked, [(pos, inputs) for _, pos, inputs, _ in rows])
    if row_errors:
        e = row_errors[0]
        raise InvalidExperiment(f"variant {e['variant']!r}, row {e['row']}, column {e['field']!r}: {e['message']}",
                                details={"errors": row_errors})
    outputs = variants.output_names(checked[0][3])
    output = data.get("output") or (outputs[0] if outputs else "")
    for name, _, _, plan in checked:
        if output not in variants.output_names(plan):
            raise InvalidExperiment(f"variant {name!r} has no output named {output!r}", details={"errors": [
                {"variant": name, "field": "output", "message": f"outputs: {', '.join(outputs) or 'none'}"}]})
    concurrency = int(data.get("concurrency") or 10)
    return _write(pipeline, user, data["name"], dataset, version, base, scorers, checked, rows, typed, output,
                  max(1, min(MAX_CONCURRENCY, concurrency)))


@transaction.atomic
def _write(pipeline: Pipeline, user: Any, name: str, dataset: Dataset, version: PipelineVersion | None,
           base: dict[str, Any], scorers: list[dict[str, Any]], checked: list[Any], rows: list[Any],
           typed: list[list[dict[str, Any]]], output: str, concurrency: int) -> Experiment:
    from experiments import dispatch

    now = timezone.now()
    exp = Experiment.objects.create(
        pipeline=pipeline, dataset=dataset, dataset_name=dataset.name, version=version, base_graph=base,
        name=name, concurrency=concurrency, output=output, scorers=scorers, created_by=user, created_at=now,
        updated_at=now, driver_owner="", driver_expires_at=now + dispatch.lease())
    made = Variant.objects.bulk_create([Variant(experiment=exp, name=v[0], overrides=v[1], position=i)
                                        for i, v in enumerate(checked)])
    # Row-major: every variant advances through the dataset together. Each run gets the row's
    # inputs typed for its variant (CSV text read as numbers, booleans, JSON where declared).
    pairs = [(variant, graph, row, typed[v][r]) for r, row in enumerate(rows)
             for v, (variant, (_, _, graph, _)) in enumerate(zip(made, checked, strict=True))]
    runs = transitions.create_many(pipeline, user, version, [(graph, inputs) for _, graph, _, inputs in pairs])
    Cell.objects.bulk_create([
        Cell(experiment=exp, variant=variant, row_id=row[0], row_position=row[1], expected=row[3], run=run,
             updated_at=now) for (variant, _, row, _), run in zip(pairs, runs, strict=True)], batch_size=500)
    transaction.on_commit(lambda: dispatch.enqueue_driver(exp.pk))
    return exp


# ------------------------------------------------------------------ scoring


def _drive(coro: Coroutine[Any, Any, T]) -> T:
    """Finish a coroutine that never suspends (the synchronous scorers) without an event loop."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("the coroutine suspended")


def output_text(outputs: Any, name: str) -> str | None:
    if not isinstance(outputs, dict) or name not in outputs:
        return None
    value = outputs[name]
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class ScoringPlan:
    """What scoring needs of an experiment; fixed at creation, so cached per process."""

    output: str
    scorers: list[dict[str, Any]]
    workspace_id: int


_plans: dict[int, ScoringPlan] = {}


def scoring_plan(experiment_id: int) -> ScoringPlan:
    plan = _plans.get(experiment_id)
    if plan is None:
        output, scorers, workspace_id = Experiment.objects.filter(pk=experiment_id).values_list(
            "output", "scorers", "pipeline__workspace_id").get()
        plan = _plans[experiment_id] = ScoringPlan(output, scorers, workspace_id)
    return plan


def score_cell(cell_id: int) -> bool:
    """Score one cell whose run is over, once. Returns whether this call did it."""
    row = Cell.objects.filter(pk=cell_id, scored=False).values_list("experiment_id", "run_id", "expected").first()
    if row is None:
        return False
    return score_cells(row[0], [(cell_id, row[1], row[2])]) == 1


def score_cells(experiment_id: int, cells: Sequence[tuple[int, int | None, str | None]]) -> int:
    """Score the cells ``(cell id, run id, expected)`` whose runs are over, each once
    (compare-and-set on ``scored``; safe to call twice or from two workers). Cells whose run
    is still going are left. Returns how many this call scored."""
    updates = compute_scores(experiment_id, cells)
    with transaction.atomic():
        return write_scores(updates)


def compute_scores(experiment_id: int, cells: Sequence[tuple[int, int | None, str | None]],
                   ) -> list[tuple[int, dict[str, Any]]]:
    """``(cell id, fields to write)`` for the cells whose runs are over. Reads only."""
    plan = scoring_plan(experiment_id)
    runs = {pk: (status, outputs, inputs) for pk, status, outputs, inputs in
            Run.objects.filter(pk__in=[r for _, r, _ in cells if r]).values_list("pk", "status", "outputs", "inputs")}
    todo: list[tuple[int, str, str | None, Any]] = []
    ctx = _context(plan.workspace_id)
    for cell_id, run_id, expected in cells:
        status, outputs, inputs = runs.get(run_id or 0, (RunStatus.CANCELLED, None, {}))
        if status not in TERMINAL:
            continue
        output = output_text(outputs, plan.output) if status == RunStatus.SUCCEEDED else None
        coro = scoring.score_all(output, expected, inputs or {}, plan.scorers, ctx) \
            if output is not None and plan.scorers else None
        todo.append((cell_id, status, output, coro))
    results: list[scoring.CellScores | None]
    coros = [c for *_, c in todo if c is not None]
    if coros and scoring.needs_async(plan.scorers):
        from runs.loop import run_coroutine

        async def gather() -> list[scoring.CellScores]:
            return list(await asyncio.gather(*coros))

        done = iter(run_coroutine(gather()))
        results = [next(done) if c is not None else None for *_, c in todo]
    else:
        results = [_drive(c) if c is not None else None for *_, c in todo]
    now = timezone.now()
    updates = []
    for (cell_id, status, output, _), result in zip(todo, results, strict=True):
        fields: dict[str, Any] = {"status": status, "output": output, "scored": True, "updated_at": now}
        if result is not None:
            fields.update(scores=result.scores, score_errors=result.errors,
                          judge_prompt_tokens=result.judge_prompt_tokens,
                          judge_completion_tokens=result.judge_completion_tokens, judge_cost=result.judge_cost)
        updates.append((cell_id, fields))
    return updates


def write_scores(updates: list[tuple[int, dict[str, Any]]]) -> int:
    """Write computed scores (inside the caller's transaction), each cell once."""
    return sum(Cell.objects.filter(pk=cell_id, scored=False).update(**fields) for cell_id, fields in updates)


def _context(workspace_id: int) -> scoring.ScoreContext:
    from builder.providers import pricing
    from builder.providers.base import Usage
    from runs.services import RunServices

    services = RunServices(workspace_id)
    return scoring.ScoreContext(
        chat=lambda provider, credential: services.chat(provider, credential),
        embedder=lambda provider, credential: services.embedder(provider, credential),
        cost=lambda model, p, c: pricing.cost(model, Usage(prompt_tokens=p, completion_tokens=c)))


# ------------------------------------------------------------------ cancel


def cancel(exp: Experiment) -> Experiment:
    """Stop feeding runs; cancel the ones no worker has claimed (with their ``run.finished``
    event), ask each running one to stop (``request_cancel``); finished runs keep their results.

    The experiment is ``cancelling`` until every one of its runs has stopped and its cell is
    scored (the dispatcher then writes ``cancelled``); at once when nothing was running."""
    now = timezone.now()
    with transaction.atomic():
        Experiment.objects.filter(pk=exp.pk, status=ExperimentStatus.RUNNING).update(
            status=ExperimentStatus.CANCELLING, updated_at=now)
        run_ids = list(Cell.objects.filter(experiment=exp, scored=False, run__isnull=False)
                       .values_list("run_id", flat=True))
        queued = transitions.finish_many(run_ids, RunStatus.CANCELLED, None, only_if=(RunStatus.QUEUED,))
        if queued:
            Cell.objects.filter(experiment=exp, run_id__in=queued, scored=False).update(
                status=RunStatus.CANCELLED, scored=True, updated_at=now)
        # Cells whose run is gone (deleted) have nothing to wait for.
        Cell.objects.filter(experiment=exp, scored=False, run__isnull=True).update(
            status=RunStatus.CANCELLED, scored=True, updated_at=now)
    # Each claimed run is asked to stop; its worker sees the request within one lease tick.
    for run in Run.objects.filter(pk__in=run_ids).exclude(status__in=TERMINAL):
        transitions.request_cancel(run)
    settle_cancel(exp.pk)
    exp.refresh_from_db()
    return exp


def settle_cancel(experiment_id: int) -> bool:
    """Write ``cancelled`` on a ``cancelling`` experiment once every cell is scored (every run
    has stopped). Compare-and-set; returns whether this call did it."""
    if Cell.objects.filter(experiment_id=experiment_id, scored=False).exists():
        return False
    now = timezone.now()
    return Experiment.objects.filter(pk=experiment_id, status=ExperimentStatus.CANCELLING).update(
        status=ExperimentStatus.CANCELLED, finished_at=now, updated_at=now) == 1


# ------------------------------------------------------------------ promote


def promote(exp: Experiment, variant: Variant, user: Any, message: str, base_revision: int | None) -> PipelineVersion:
    """Apply the variant's overrides to the pipeline's current draft and save it as a new
    version, through the draft's compare-and-set (a stale ``base_revision`` gets 409)."""
    pipeline = Pipeline.objects.get(pk=exp.pipeline_id)
    draft_ids = {n.get("id") for n in pipeline.draft.get("nodes", []) if isinstance(n, dict)}
    missing = [o for o in variant.overrides if o["node"] not in draft_ids]
    if missing:
        raise InvalidGraph(f"the draft no longer has node {missing[0]['node']!r}", details={"errors": [
            {"variant": variant.name, "node": o["node"], "field": o["field"], "message": "node not in the draft"}
            for o in missing]})
    graph = variants.apply_overrides(pipeline.draft, variant.overrides)
    from builder.graph import validate

    plan, errors = validate(graph)
    if plan is None:
        raise InvalidGraph("the promoted graph has errors", details={"errors": [
            {"variant": variant.name, **e.as_dict()} for e in errors]})
    text = f"Promoted variant “{variant.name}” of experiment “{exp.name}” (#{exp.pk})"
    if message.strip():
        text = f"{text}: {message.strip()}"
    with transaction.atomic():
        pipeline.save_draft(graph, base_revision if base_revision is not None else pipeline.revision, user)
        version = pipeline.add_version(graph, user, text[:500])
        pipeline_edited.send(Pipeline, pipeline=pipeline, user=user, summary=f"promoted a variant of “{exp.name}”")
    return version
