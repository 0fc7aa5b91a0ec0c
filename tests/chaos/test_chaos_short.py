"""The chaos suite's short form (``python -m chaos --short`` covers a, b, d, e at these sizes): one
stack on its own Redis, two Celery workers, daphne. Each test asserts the scenario's invariants."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from chaos import crash, faults, streams
from chaos.common import ChaosStack, chaos_stack

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def cs() -> Iterator[ChaosStack]:
    with chaos_stack(workers=2) as stack:
        yield stack


def test_killed_workers_lose_no_run_and_rerun_no_finished_node(cs):
    res = crash.sigkill(cs, runs=8, spacing_s=1.0, timeout_s=180)
    cs.ensure_workers()
    assert res.violations == [], res.notes
    assert res.value("chaos_sigkill_runs_completed") == 8
    assert res.value("chaos_sigkill_reexecuted_nodes") == 0
    assert res.value("chaos_sigkill_kills") >= 1


def test_a_poison_run_fails_at_the_attempt_cap_and_spares_the_others(cs):
    res = crash.poison(cs, bystanders=4, timeout_s=150)
    cs.ensure_workers()
    assert res.violations == [], res.notes
    assert res.value("chaos_poison_requeues") == 2  # FOMO_MAX_RUN_ATTEMPTS=3: three attempts, then worker_lost
    assert res.notes["poison_error"]["kind"] == "worker_lost"


def test_a_stalled_websocket_client_catches_up_and_slows_no_one(cs):
    res = streams.stalled_client(cs, runs=1, chunks=500)
    assert res.violations == [], res.notes
    assert res.value("chaos_stalled_client_events") >= 1000
    assert res.value("chaos_stalled_client_rss_growth_mb") < 100


def test_provider_faults_end_every_run_correctly_within_the_attempt_budget(cs):
    res = faults.provider_faults(cs, runs=15, timeout_s=180)
    assert res.violations == [], res.notes
    assert res.value("faults_runs_wrong") == 0
    assert res.value("faults_attempts_over_budget") == 0
