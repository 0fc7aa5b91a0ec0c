"""The sweeper hands runs of dead workers back to the queue, and fails runs that keep
killing their worker once they reach the attempt cap; claiming is compare-and-set."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from runs import transitions, worker
from runs.models import Run, RunEvent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def enqueued(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(transitions, "enqueue", sent.append)
    return sent


def a_run(pipeline, **fields) -> Run:
    return Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={"transcript": "x"}, **fields)


def test_a_run_whose_lease_expired_is_requeued_once(pipeline, enqueued):
    run = a_run(pipeline, status="running", attempt=1, lease_owner="dead:1",
                lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert worker.sweep()["requeued"] == 1
    assert worker.sweep()["requeued"] == 0  # the requeue holds a fresh lease until it is claimed
    assert enqueued == [run.pk]
    run.refresh_from_db()
    assert run.lease_owner == transitions.REQUEUED and run.status == "running"
    claimed = transitions.claim(run.pk, "w2:abc")
    assert claimed is not None and claimed.attempt == 2
    assert transitions.claim(run.pk, "w3:def") is None  # held by w2 now


def test_a_run_that_keeps_killing_its_worker_fails_at_the_cap(pipeline, enqueued, settings):
    cap = settings.FOMO["MAX_RUN_ATTEMPTS"]
    run = a_run(pipeline, status="running", attempt=cap, lease_owner="dead:1",
                lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert worker.sweep()["failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.error["kind"] == "worker_lost"
    assert f"{cap} times" in run.error["message"]
    last = RunEvent.objects.filter(run=run).order_by("-seq").first()
    assert last.type == "run.finished" and last.payload["status"] == "failed"
    assert enqueued == []


def test_a_finished_or_held_run_cannot_be_claimed(pipeline):
    done = a_run(pipeline, status="succeeded", attempt=1)
    held = a_run(pipeline, status="running", attempt=1, lease_owner="w1:x",
                 lease_expires_at=timezone.now() + timedelta(seconds=30))
    assert transitions.claim(done.pk, "w2:y") is None
    assert transitions.claim(held.pk, "w2:y") is None
    queued = a_run(pipeline)
    assert transitions.claim(queued.pk, "w2:y").attempt == 1
    assert transitions.claim(queued.pk, "w3:z") is None


def test_a_queued_run_whose_message_was_lost_is_sent_again(pipeline, enqueued):
    run = a_run(pipeline, enqueued_at=timezone.now() - timedelta(minutes=10))
    assert worker.sweep()["resent"] == 1
    assert enqueued == [run.pk]


def test_a_late_renewal_by_a_live_worker_is_not_taken_for_a_death(pipeline, enqueued, settings):
    from runs.heartbeat import KEY_PREFIX, redis_client

    client = redis_client()
    client.set(f"{KEY_PREFIX}alive-host:4242", "1", ex=30)
    try:
        lease = settings.FOMO["LEASE_SECONDS"]
        late = a_run(pipeline, status="running", attempt=1, lease_owner="alive-host:4242:abcd1234",
                     lease_expires_at=timezone.now() - timedelta(seconds=1))
        assert worker.sweep()["spared"] == 1 and enqueued == []
        # Far past its lease, even a live worker's run is handed over: it must be stuck.
        Run.objects.filter(pk=late.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=4 * lease))
        assert worker.sweep()["requeued"] == 1 and enqueued == [late.pk]
    finally:
        client.delete(f"{KEY_PREFIX}alive-host:4242")
        client.close()
