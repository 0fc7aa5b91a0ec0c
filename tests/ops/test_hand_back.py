"""hand_back (the database side of a graceful stop): only the lease holder can hand a run back;
the run goes to the queue with its attempt given back, and the next claim knows it is a resume."""
from __future__ import annotations

from runs import transitions
from runs.models import Run, RunStatus


def test_the_holder_hands_back_and_the_next_claim_resumes(pipeline, no_celery):
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft)
    first = transitions.claim(run.pk, "host:1:aaaa")
    assert first.attempt == 1 and first.started_at == first.claimed_at  # a first start

    assert transitions.hand_back(run.pk, "host:2:bbbb") is False  # not the holder: nothing changes
    assert no_celery == []
    assert transitions.hand_back(run.pk, "host:1:aaaa") is True
    run.refresh_from_db()
    assert (run.status, run.lease_owner, run.attempt) == (RunStatus.RUNNING, transitions.REQUEUED, 0)
    assert no_celery == [run.pk]
    assert transitions.hand_back(run.pk, "host:1:aaaa") is False  # once only

    second = transitions.claim(run.pk, "host:2:cccc")
    assert second.attempt == 1  # a stop is not a crash
    assert second.started_at != second.claimed_at  # so execute() loads the recorded results


def test_a_finished_run_is_not_handed_back(pipeline, no_celery):
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, status=RunStatus.SUCCEEDED,
                             lease_owner="host:1:aaaa")
    assert transitions.hand_back(run.pk, "host:1:aaaa") is False and no_celery == []
