"""Scenario i's short form: template bombs (time, hard-kill, memory) on a one-worker stack while 10
ordinary runs go through the same worker. The bystanders' p99 latency stays near what it is without
the bombs (the short form allows x2.0 for 10-run noise; ``make chaos`` checks x1.5 over 20 runs)
and the worker with its render processes grows by at most 100 MB."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from chaos import bombs
from chaos.common import ChaosStack, chaos_stack

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def cs() -> Iterator[ChaosStack]:
    with chaos_stack(workers=1) as stack:
        yield stack


def test_bystanders_keep_their_latency_and_the_worker_its_memory_beside_template_bombs(cs):
    res = bombs.bomb_bystanders(cs, runs=10, max_ratio=2.0)
    assert res.violations == [], res.notes
    assert res.value("chaos_bomb_bomb_nodes_stopped") == 2 + len(bombs.MEMORY_BOMBS)
    assert res.value("chaos_bomb_worker_rss_growth_mb") <= 100
    assert res.value("chaos_bomb_bystander_ratio") <= 2.0
