"""Retention: finished runs older than the age, or beyond the newest N of their pipeline, go with
their events and node records, in small batches; queued and running runs stay whatever their age;
the pipeline's history says what was pruned (GET /api/pipelines/<id>/pruned)."""
from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from io import StringIO

import pytest
import redis
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from runs import retention
from runs.models import NodeRun, PruneRecord, Run, RunEvent, RunStatus
from runs.retention import Policy, prune

pytestmark = [pytest.mark.postgres]


def aged_run(pipeline, status: str, age: timedelta, events: int = 3) -> Run:
    when = timezone.now() - age
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, status=status, created_at=when,
                             finished_at=when if status in ("succeeded", "failed", "cancelled") else None)
    RunEvent.objects.bulk_create(RunEvent(run=run, seq=i, type="node.token", payload={}, ts=0.0)
                                 for i in range(1, events + 1))
    NodeRun.objects.create(run=run, node_id="a", status="succeeded")
    return run


@pytest.fixture
def history(pipeline):
    return {
        "old_ok": aged_run(pipeline, RunStatus.SUCCEEDED, timedelta(days=40)),
        "old_failed": aged_run(pipeline, RunStatus.FAILED, timedelta(days=31)),
        "old_running": aged_run(pipeline, RunStatus.RUNNING, timedelta(days=60)),
        "old_queued": aged_run(pipeline, RunStatus.QUEUED, timedelta(days=60)),
        "recent": aged_run(pipeline, RunStatus.SUCCEEDED, timedelta(days=2)),
        "newest": aged_run(pipeline, RunStatus.CANCELLED, timedelta(hours=1)),
    }


def left(pipeline) -> set[int]:
    return set(Run.objects.filter(pipeline=pipeline).values_list("pk", flat=True))


def test_runs_older_than_the_age_go_with_their_events_and_records(history, pipeline, as_user):
    pruned = prune(Policy(max_age_days=30))
    h = history
    assert left(pipeline) == {h["old_running"].pk, h["old_queued"].pk, h["recent"].pk, h["newest"].pk}
    assert (pruned.runs, pruned.events, pruned.node_runs) == (2, 6, 2)
    assert not RunEvent.objects.filter(run_id__in=[h["old_ok"].pk, h["old_failed"].pk]).exists()
    assert RunEvent.objects.filter(run=h["old_running"]).count() == 3  # never touched while running
    record = PruneRecord.objects.get(pipeline=pipeline)
    assert (record.runs, record.events, record.node_runs, record.keep_runs) == (2, 6, 2, None)
    assert abs((timezone.now() - record.cutoff) - timedelta(days=30)) < timedelta(minutes=1)

    alice = as_user("alice")
    body = alice.get(f"/api/pipelines/{pipeline.pk}/pruned").json()
    assert body["total"] == {"runs": 2, "node_runs": 2, "events": 6}
    assert body["records"][0]["runs"] == 2 and body["records"][0]["cutoff"]
    runs = alice.get(f"/api/pipelines/{pipeline.pk}/runs").json()
    assert isinstance(runs, list) and {r["id"] for r in runs} == left(pipeline)
    assert as_user("charlie").get(f"/api/pipelines/{pipeline.pk}/pruned").status_code == 404


def test_only_the_newest_finished_runs_of_each_pipeline_are_kept(history, pipeline, other_pipeline):
    theirs = [aged_run(other_pipeline, RunStatus.SUCCEEDED, timedelta(days=d)) for d in (1, 2, 3)]
    pruned = prune(Policy(keep_runs=2), pipeline_ids=[pipeline.pk])
    h = history
    assert left(pipeline) == {h["old_running"].pk, h["old_queued"].pk, h["recent"].pk, h["newest"].pk}
    assert pruned.runs == 2 and pruned.pipelines == 1
    assert left(other_pipeline) == {r.pk for r in theirs}  # another pipeline keeps its own count
    prune(Policy(keep_runs=2))
    assert left(other_pipeline) == {theirs[0].pk, theirs[1].pk}
    assert PruneRecord.objects.get(pipeline=other_pipeline).keep_runs == 2


def test_a_second_pass_finds_nothing_and_records_nothing(history, pipeline):
    prune(Policy(max_age_days=30))
    again = prune(Policy(max_age_days=30))
    assert again.runs == 0 and PruneRecord.objects.filter(pipeline=pipeline).count() == 1


def test_deletes_go_in_small_batches(pipeline):
    for _ in range(5):
        aged_run(pipeline, RunStatus.SUCCEEDED, timedelta(days=90), events=25)
    with CaptureQueriesContext(connection) as ctx:
        pruned = prune(Policy(max_age_days=1, batch=2))
    assert pruned.runs == 5 and pruned.events == 125
    run_deletes = [q["sql"] for q in ctx.captured_queries if re.match(r'DELETE FROM "runs_run"( |$)', q["sql"])]
    # (The run deletes' own cascades find no event left: those name run_id, these name the rows.)
    event_deletes = [q["sql"] for q in ctx.captured_queries
                     if q["sql"].startswith('DELETE FROM "runs_runevent" WHERE "runs_runevent"."id" IN')]
    assert len(run_deletes) == 3  # 2 + 2 + 1 runs
    # Events go in chunks of at most 10x the batch: 20 + 20 + 10 for each pair of runs, then 20 + 5.
    sizes = [len(re.search(r"IN \(([^)]*)\)", sql).group(1).split(",")) for sql in event_deletes]
    assert sizes == [20, 20, 10, 20, 20, 10, 20, 5]


def test_the_command_prunes_counts_dry_and_refuses_without_a_policy(history, pipeline):
    out = StringIO()
    call_command("prune_runs", "--days", "30", "--dry-run", stdout=out)
    assert json.loads(out.getvalue())["runs"] == 2
    assert Run.objects.filter(pipeline=pipeline).count() == 6 and not PruneRecord.objects.exists()
    out = StringIO()
    call_command("prune_runs", "--keep", "1", stdout=out)
    assert json.loads(out.getvalue())["runs"] == 3
    assert left(pipeline) == {history["old_running"].pk, history["old_queued"].pk, history["newest"].pk}
    with pytest.raises(CommandError, match="nothing to prune by"):
        call_command("prune_runs")
    with pytest.raises(CommandError, match="--keep"):
        call_command("prune_runs", "--keep", "-1")


def test_the_periodic_pass_runs_once_per_period_across_workers(history, pipeline, settings, monkeypatch):
    settings.FOMO = {**settings.FOMO, "RETENTION_DAYS": 30.0, "RETENTION_KEEP_RUNS": None}
    monkeypatch.setattr(retention, "LOCK_KEY", f"fomo:retention:test:{uuid.uuid4().hex}")
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        first = retention.run_if_due(client, every_s=60)
        second = retention.run_if_due(client, every_s=60)  # another worker, same hour
    finally:
        client.delete(retention.LOCK_KEY)
        client.close()
    assert first is not None and first.runs == 2
    assert second is None


def test_nothing_is_pruned_without_a_setting(history, pipeline):
    settings_policy = Policy()
    assert not settings_policy.active and prune(settings_policy).runs == 0
    assert Run.objects.filter(pipeline=pipeline).count() == 6
