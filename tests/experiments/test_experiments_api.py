"""Experiments in-process (no worker): everything is validated before anything is written;
a valid experiment writes one held run and one cell per (variant, row); cancel, export and
promote."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from builder.models import PipelineVersion
from experiments import datasets
from experiments.models import Cell, Experiment, Variant
from runs.models import Run, RunEvent

pytestmark = [pytest.mark.postgres]

VARIANTS = [{"name": "small", "overrides": []},
            {"name": "large", "overrides": [{"node": "llm", "field": "model", "value": "fake-large"}]}]


@pytest.fixture
def dataset(workspace):
    return datasets.create_dataset(workspace.pk, None, "questions", "", [
        datasets.ParsedRow({"question": f"question {i}"}, f"Summary of: Answer: question {i}") for i in range(3)])


def create(client, pipeline, dataset, **overrides: Any):
    body = {"name": "models", "dataset": dataset.pk, "concurrency": 2, "variants": VARIANTS,
            "scorers": [{"kind": "contains"}, {"kind": "regex", "pattern": "^Detailed"}], **overrides}
    return client.post(f"/api/pipelines/{pipeline.pk}/experiments", body, format="json")


def nothing_written() -> bool:
    return not (Experiment.objects.exists() or Variant.objects.exists() or Cell.objects.exists()
                or Run.objects.exists())


def test_it_writes_one_held_run_and_cell_per_variant_and_row(as_user, qa_pipeline, dataset, no_dispatch):
    resp = create(as_user("bob"), qa_pipeline, dataset)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "running" and body["output"] == "answer" and body["concurrency"] == 2
    assert body["progress"] == {"total": 6, "done": 0, "failed": 0, "cancelled": 0, "running": 0, "queued": 6}
    assert [v["name"] for v in body["variants"]] == ["small", "large"]
    assert no_dispatch == []  # sent after commit only (the test's transaction never commits)
    runs = list(Run.objects.order_by("pk"))
    assert len(runs) == 6 and all(r.status == "queued" and r.enqueued_at is None for r in runs)
    models = [next(n for n in r.graph["nodes"] if n["id"] == "llm")["config"]["model"] for r in runs]
    assert models == ["fake-small", "fake-large"] * 3
    assert [r.inputs["question"] for r in runs] == ["question 0"] * 2 + ["question 1"] * 2 + ["question 2"] * 2
    assert [(c["row_position"], c["variant"]) for c in body["cells"]] == [
        (p, v["id"]) for p in range(3) for v in body["variants"]]
    assert qa_pipeline.draft["nodes"][2]["config"]["model"] == "fake-small"  # the pipeline itself is untouched


@pytest.mark.parametrize("change, code, where", [
    ({"variants": [VARIANTS[0], {"name": "B", "overrides": [{"node": "ghost", "field": "model", "value": "x"}]}]},
     "invalid_graph", {"variant": "B", "node": "ghost", "field": "model"}),
    ({"variants": [VARIANTS[0], {"name": "B", "overrides": [{"node": "llm", "field": "temperature", "value": 9}]}]},
     "invalid_graph", {"variant": "B", "node": "llm", "field": "temperature"}),
    ({"variants": [VARIANTS[0], {"name": "B", "overrides": [{"node": "llm", "field": "colour", "value": 1}]}]},
     "invalid_graph", {"variant": "B", "node": "llm"}),
    ({"variants": [VARIANTS[0]]}, "invalid_graph", {"field": "variants"}),
    ({"variants": [VARIANTS[0], {**VARIANTS[1], "name": "small"}]}, "invalid_graph", {"variant": "small"}),
    ({"scorers": [{"kind": "regex", "pattern": "("}]}, "invalid_experiment", {"scorer": 0, "field": "pattern"}),
    ({"output": "nope"}, "invalid_experiment", {"field": "output"}),
    ({"version": 7}, "invalid_experiment", {"field": "version"}),
])
def test_an_invalid_experiment_names_what_is_wrong_and_writes_nothing(as_user, qa_pipeline, dataset, change, code,
                                                                      where):
    resp = create(as_user("alice"), qa_pipeline, dataset, **change)
    assert resp.status_code == 400, resp.content
    err = resp.json()["error"]
    assert err["code"] == code
    first = err["details"]["errors"][0]
    assert {k: first.get(k) for k in where} == where, first
    assert nothing_written()


def test_every_row_is_checked_against_every_variant_before_anything_starts(as_user, qa_pipeline, workspace):
    ds = datasets.create_dataset(workspace.pk, None, "d", "", [datasets.ParsedRow({"question": "ok"}, None),
                                                              datasets.ParsedRow({"questoin": "typo"}, None)])
    resp = create(as_user("alice"), qa_pipeline, ds)
    assert resp.status_code == 400
    errors = resp.json()["error"]["details"]["errors"]
    assert {(e["variant"], e["row"], e["field"]) for e in errors} >= {("small", 1, "question"),
                                                                     ("small", 1, "questoin"),
                                                                     ("large", 1, "question")}
    assert nothing_written()


def test_a_dataset_of_another_workspace_cannot_be_used(as_user, qa_pipeline, users):
    from builder.models import Workspace

    foreign = datasets.create_dataset(Workspace.personal_of(users["charlie"]).pk, None, "x", "",
                                      [datasets.ParsedRow({"question": "a"}, None)])
    resp = create(as_user("alice"), qa_pipeline, foreign)
    assert resp.status_code == 400 and resp.json()["error"]["details"]["errors"][0]["field"] == "dataset"
    assert nothing_written()


def test_a_pinned_version_is_the_base(as_user, qa_pipeline, dataset):
    v1 = qa_pipeline.draft
    PipelineVersion.objects.create(pipeline=qa_pipeline, number=1, graph=v1)
    draft = {**v1, "nodes": [dict(n, config={**n["config"], "template": "Draft: {{ question }}"})
                             if n["id"] == "prompt" else n for n in v1["nodes"]]}
    qa_pipeline.draft = draft
    qa_pipeline.save()
    resp = create(as_user("alice"), qa_pipeline, dataset, version=1)
    assert resp.status_code == 201 and resp.json()["version"] == 1
    templates = {next(n for n in r.graph["nodes"] if n["id"] == "prompt")["config"]["template"]
                 for r in Run.objects.all()}
    assert templates == {"Answer: {{ question }}"}


def finish(run: Run, output: str, cost: float, duration: float) -> None:
    Run.objects.filter(pk=run.pk).update(status="succeeded", outputs={"answer": output}, cost=cost,
                                         duration_ms=duration, prompt_tokens=10, completion_tokens=5)
    RunEvent.objects.create(run=run, seq=1, type="run.finished", payload={"status": "succeeded"}, ts=1.0)


def test_cancel_stops_queued_runs_and_keeps_finished_ones(as_user, qa_pipeline, dataset):
    from experiments.service import score_cell

    exp_id = create(as_user("alice"), qa_pipeline, dataset).json()["id"]
    cells = list(Cell.objects.filter(experiment_id=exp_id).select_related("run").order_by("pk"))
    finish(cells[0].run, "Summary of: Answer: question 0", 0.001, 200)
    assert score_cell(cells[0].pk) and not score_cell(cells[0].pk)  # once only
    Run.objects.filter(pk=cells[1].run_id).update(status="running", lease_owner="w:1")
    Cell.objects.filter(pk=cells[1].pk).update(status="running")

    resp = as_user("bob").post(f"/api/experiments/{exp_id}/cancel")
    assert resp.status_code == 200
    body = resp.json()
    # Not terminal while a run is still stopping: the page keeps polling until it has stopped.
    assert body["status"] == "cancelling" and body["finished_at"] is None
    assert body["progress"] == {"total": 6, "done": 1, "failed": 0, "cancelled": 4, "running": 1, "queued": 0}
    first = Run.objects.get(pk=cells[0].run_id)
    assert first.status == "succeeded" and first.outputs == {"answer": "Summary of: Answer: question 0"}
    assert Run.objects.get(pk=cells[1].run_id).cancel_requested is True
    assert as_user("bob").post(f"/api/experiments/{exp_id}/cancel").json()["status"] == "cancelling"  # idempotent
    for c in cells[2:]:
        run = Run.objects.get(pk=c.run_id)
        assert run.status == "cancelled" and run.finished_at is not None
        assert list(run.events.values_list("seq", "type")) == [(1, "run.finished")]
    assert body["cells"][0]["scores"] == {"contains": 1.0, "regex": 0.0}

    # The running run stops (its worker saw the request); the dispatcher scores its cell and
    # then, every run having stopped, writes the terminal status.
    from experiments.dispatch import Driver

    Run.objects.filter(pk=cells[1].run_id).update(status="cancelled")
    assert score_cell(cells[1].pk)
    assert Driver(exp_id, "w:2")._finished()
    body = as_user("vera").get(f"/api/experiments/{exp_id}").json()
    assert body["status"] == "cancelled" and body["finished_at"] is not None
    assert body["progress"] == {"total": 6, "done": 1, "failed": 0, "cancelled": 5, "running": 0, "queued": 0}


def test_cancel_with_nothing_running_is_cancelled_at_once(as_user, qa_pipeline, dataset):
    exp_id = create(as_user("alice"), qa_pipeline, dataset).json()["id"]
    body = as_user("alice").post(f"/api/experiments/{exp_id}/cancel").json()
    assert body["status"] == "cancelled" and body["finished_at"] is not None
    assert body["progress"]["cancelled"] == 6
    assert as_user("vera").post(f"/api/experiments/{exp_id}/cancel").status_code == 403


def test_aggregates_and_the_csv_export(as_user, qa_pipeline, dataset):
    from experiments.service import score_cell

    exp_id = create(as_user("alice"), qa_pipeline, dataset).json()["id"]
    for i, cell in enumerate(Cell.objects.filter(experiment_id=exp_id).select_related("run", "variant").order_by("pk")):
        large = cell.variant.name == "large"
        text = f"Detailed answer to question {cell.row_position}" if large else \
            f"Summary of: Answer: question {cell.row_position}"
        finish(cell.run, text, 0.01 if large else 0.001, 100.0 * (i + 1))
        score_cell(cell.pk)
    body = as_user("vera").get(f"/api/experiments/{exp_id}").json()
    small, large = body["aggregates"]
    assert small["mean_scores"] == {"contains": 1.0, "regex": 0.0}
    assert large["mean_scores"] == {"contains": 0.0, "regex": 1.0}
    assert (small["p50_ms"], large["p50_ms"]) == (300.0, 400.0)
    assert small["total_cost"] == pytest.approx(0.003) and large["cost_per_row"] == pytest.approx(0.01)
    assert small["prompt_tokens"] == 30 and small["runs_succeeded"] == 3 and small["runs_failed"] == 0

    last = max(c["updated_at"] for c in body["cells"])
    later = as_user("vera").get(f"/api/experiments/{exp_id}", {"cells_after": last})
    assert later.json()["cells"] == [] and later.json()["aggregates"] == body["aggregates"]
    naive = as_user("vera").get(f"/api/experiments/{exp_id}", {"cells_after": "2000-01-01T00:00:00"})
    assert len(naive.json()["cells"]) == 6
    assert as_user("vera").get(f"/api/experiments/{exp_id}", {"cells_after": "soon"}).status_code == 400

    resp = as_user("vera").get(f"/api/experiments/{exp_id}/results.csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(resp.content.decode())))
    assert table[0][:5] == ["row", "question", "expected", "small output", "small contains"]
    answer = "Summary of: Answer: question 0"
    assert table[1][:5] == ["0", "question 0", answer, answer, "1.0"]
    assert len(table) == 4


def test_promote_applies_the_overrides_as_a_new_version_through_the_draft_cas(as_user, qa_pipeline, dataset):
    body = create(as_user("alice"), qa_pipeline, dataset).json()
    large = body["variants"][1]["id"]
    stale = as_user("bob").post(f"/api/experiments/{body['id']}/promote",
                                {"variant": large, "base_revision": qa_pipeline.revision + 5}, format="json")
    assert stale.status_code == 409 and not PipelineVersion.objects.exists()
    resp = as_user("bob").post(f"/api/experiments/{body['id']}/promote",
                               {"variant": large, "message": "cheaper was worse"}, format="json")
    assert resp.status_code == 201, resp.content
    version = resp.json()
    assert version["number"] == 1
    assert version["message"] == f"Promoted variant “large” of experiment “models” (#{body['id']}): cheaper was worse"
    assert next(n for n in version["graph"]["nodes"] if n["id"] == "llm")["config"]["model"] == "fake-large"
    qa_pipeline.refresh_from_db()
    assert qa_pipeline.draft == version["graph"] and qa_pipeline.revision == 2
    assert as_user("vera").post(f"/api/experiments/{body['id']}/promote", {"variant": large},
                                format="json").status_code == 403


def test_delete_keeps_the_runs(as_user, qa_pipeline, dataset):
    exp_id = create(as_user("alice"), qa_pipeline, dataset).json()["id"]
    assert as_user("alice").delete(f"/api/experiments/{exp_id}").status_code == 204
    assert not Experiment.objects.exists() and not Cell.objects.exists()
    assert Run.objects.count() == 6 and set(Run.objects.values_list("status", flat=True)) == {"cancelled"}


def test_one_dispatcher_at_a_time_and_the_sweep_replaces_a_dead_one(as_user, qa_pipeline, dataset, no_dispatch):
    from datetime import timedelta

    from django.utils import timezone

    from experiments import dispatch

    exp_id = create(as_user("alice"), qa_pipeline, dataset).json()["id"]
    assert dispatch.claim(exp_id, "w1:a") is True
    assert dispatch.claim(exp_id, "w2:b") is False  # a duplicate delivery does nothing
    assert dispatch.sweep() == 0 and no_dispatch == []
    Experiment.objects.filter(pk=exp_id).update(driver_expires_at=timezone.now() - timedelta(seconds=1))
    assert dispatch.sweep() == 1 and no_dispatch == [exp_id]
    assert dispatch.sweep() == 0  # sent once; the new dispatcher claims it
    assert dispatch.claim(exp_id, "w2:b") is True
    # A cancelling experiment still needs a dispatcher (to score the stopping runs, then settle).
    Experiment.objects.filter(pk=exp_id).update(status="cancelling", driver_owner="",
                                                driver_expires_at=timezone.now() - timedelta(seconds=1))
    assert dispatch.sweep() == 1 and dispatch.claim(exp_id, "w2:c") is True
    Experiment.objects.filter(pk=exp_id).update(status="cancelled", driver_expires_at=timezone.now())
    assert dispatch.claim(exp_id, "w3:c") is False  # an experiment that is over is not driven again
    assert dispatch.sweep() == 0


def test_a_poll_returns_only_changed_cells_and_fresh_aggregates(as_user, qa_pipeline, dataset,
                                                                django_assert_max_num_queries):
    from experiments.service import score_cell

    exp_id = create(as_user("alice"), qa_pipeline, dataset).json()["id"]
    cells = list(Cell.objects.filter(experiment_id=exp_id).select_related("run").order_by("pk"))
    finish(cells[0].run, "Summary of: Answer: question 0", 0.001, 100)
    score_cell(cells[0].pk)
    client = as_user("vera")
    first = client.get(f"/api/experiments/{exp_id}").json()
    assert len(first["cells"]) == 6 and first["aggregates"][0]["runs_succeeded"] == 1
    cursor = max(c["updated_at"] for c in first["cells"])

    # Nothing changed: no cells, the cached aggregates, and a fixed number of queries.
    with django_assert_max_num_queries(12):
        idle = client.get(f"/api/experiments/{exp_id}", {"cells_after": cursor}).json()
    assert idle["cells"] == [] and idle["aggregates"] == first["aggregates"]

    # One more cell scored: only it comes back, and the aggregates (cached until then) follow.
    finish(cells[2].run, "Summary of: Answer: question 1", 0.003, 300)
    score_cell(cells[2].pk)
    later = client.get(f"/api/experiments/{exp_id}", {"cells_after": cursor}).json()
    assert [c["id"] for c in later["cells"]] == [cells[2].pk]
    small = later["aggregates"][0]
    assert small["runs_succeeded"] == 2 and small["p50_ms"] == 200.0 and small["total_cost"] == pytest.approx(0.004)
    assert later["progress"] == {"total": 6, "done": 2, "failed": 0, "cancelled": 0, "running": 0, "queued": 4}
