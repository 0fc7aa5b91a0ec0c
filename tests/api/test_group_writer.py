"""The group writer (runs/writer.py) commits many runs' batches at once, and a batch whose run
is no longer held, or whose seq collides with another writer's, fails alone."""
from __future__ import annotations

import pytest

from runs.models import NodeRun, Run, RunEvent
from runs.sink_sql import NodeRecord
from runs.writer import WRITER, LostRun, RunWrite, write_group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def held_run(pipeline, owner: str) -> Run:
    return Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={}, status="running",
                              attempt=1, lease_owner=owner)


def batch(run: Run, owner: str, seqs: range, finish: bool = False) -> RunWrite:
    events = [(run.pk, s, "node.started", "a", None, {"attempt": 1}, 1.0 + s) for s in seqs]
    return RunWrite(run_id=run.pk, lease_owner=owner, events=events,
                    new_nodes=[NodeRecord(node_id="a", item=-1, status="running", attempts=1)],
                    finish={"status": "succeeded", "lease_owner": ""} if finish else None)


def test_one_group_writes_every_held_run_and_refuses_the_others_alone(pipeline):
    ok = held_run(pipeline, "w1:a")
    done = held_run(pipeline, "w1:b")
    stolen = held_run(pipeline, "w2:c")
    clash = held_run(pipeline, "w1:d")
    RunEvent.objects.create(run=clash, seq=2, type="node.started", node_id="a", payload={}, ts=0.0)

    writes = [batch(ok, "w1:a", range(1, 4)), batch(done, "w1:b", range(1, 3), finish=True),
              batch(stolen, "w1:c", range(1, 3)), batch(clash, "w1:d", range(1, 3))]
    write_group(writes)

    assert [w.error is None for w in writes] == [True, True, False, False]
    assert isinstance(writes[2].error, LostRun) and "no longer held" in str(writes[2].error)
    assert isinstance(writes[3].error, LostRun) and "another writer" in str(writes[3].error)
    assert list(RunEvent.objects.filter(run=ok).values_list("seq", flat=True).order_by("seq")) == [1, 2, 3]
    assert RunEvent.objects.filter(run=stolen).count() == 0
    assert list(RunEvent.objects.filter(run=clash).values_list("seq", flat=True)) == [2]  # untouched
    assert NodeRun.objects.filter(run__in=[ok, done]).count() == 2
    assert not NodeRun.objects.filter(run__in=[stolen, clash]).exists()
    done.refresh_from_db()
    assert done.status == "succeeded" and done.lease_owner == ""


def test_the_writer_thread_resolves_each_batch_with_its_own_outcome(pipeline):
    ok = held_run(pipeline, "w1:a")
    stolen = held_run(pipeline, "w2:b")
    futures = [WRITER.submit(batch(ok, "w1:a", range(1, 3))), WRITER.submit(batch(stolen, "w1:b", range(1, 3)))]
    assert futures[0].result(timeout=10) is None
    with pytest.raises(LostRun):
        futures[1].result(timeout=10)
    assert RunEvent.objects.filter(run=ok).count() == 2
