"""GET /api/ops and the /ops/ page: owners see their workspace, staff see every workspace, others
are refused as everywhere else (403 for a member below owner, 404 for a stranger). Queue depth
and workers are read from the real Redis."""
from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone

from runs.heartbeat import KEY_PREFIX
from runs.models import Run, RunStatus

pytestmark = [pytest.mark.postgres]


def make_run(pipeline, status: str, **fields: Any) -> Run:
    return Run.objects.create(pipeline=pipeline, graph=pipeline.draft, status=status, **fields)


@pytest.fixture
def busy(pipeline, other_pipeline) -> dict[str, Any]:
    now = timezone.now()
    runs = {
        "queued": make_run(pipeline, RunStatus.QUEUED),
        "old": make_run(pipeline, RunStatus.RUNNING, started_at=now - timedelta(minutes=5), attempt=2,
                        lease_owner="host-a:11:abcd1234"),
        "young": make_run(pipeline, RunStatus.RUNNING, started_at=now - timedelta(seconds=5), attempt=1,
                          lease_owner="host-a:11:ef567890"),
        "ok1": make_run(pipeline, RunStatus.SUCCEEDED, finished_at=now - timedelta(minutes=1)),
        "ok2": make_run(pipeline, RunStatus.SUCCEEDED, finished_at=now - timedelta(minutes=2)),
        "ok3": make_run(pipeline, RunStatus.SUCCEEDED, finished_at=now - timedelta(minutes=3)),
        "bad": make_run(pipeline, RunStatus.FAILED, finished_at=now - timedelta(minutes=4)),
        "stale_bad": make_run(pipeline, RunStatus.FAILED, finished_at=now - timedelta(hours=3)),
        "stopped": make_run(pipeline, RunStatus.CANCELLED, finished_at=now - timedelta(minutes=4)),
        # Another workspace's: never counted for alice, counted for staff.
        "elsewhere": make_run(other_pipeline, RunStatus.RUNNING, started_at=now - timedelta(hours=1),
                              lease_owner="host-b:22:00000000"),
    }
    return runs


def test_an_owner_sees_the_figures_of_her_workspace(as_user, busy, pipeline):
    resp = as_user("alice").get(f"/api/ops?workspace={pipeline.workspace_id}")
    assert resp.status_code == 200, resp.content
    d = resp.json()
    assert d["scope"] == {"workspaces": [pipeline.workspace_id], "all": False}
    assert d["runs_by_status"] == {"queued": 1, "running": 2, "succeeded": 3, "failed": 2, "cancelled": 1}
    assert (d["queued"], d["running"]) == (1, 2)
    assert d["oldest_running"]["id"] == busy["old"].pk
    assert d["oldest_running"]["attempt"] == 2 and 290 < d["oldest_running"]["age_s"] < 400
    # Of the runs that ended in the last hour, 1 failed and 3 succeeded; the cancelled one is apart.
    assert d["failure_rate_1h"] == {"finished": 4, "failed": 1, "cancelled": 1, "rate": 0.25}
    assert d["retention"] == {"days": None, "keep_runs": None, "pruned_24h": {"runs": 0, "events": 0},
                              "last_pass": None}


def test_it_reports_what_retention_pruned_today(as_user, pipeline, other_pipeline, settings):
    from runs.models import PruneRecord

    settings.FOMO = {**settings.FOMO, "RETENTION_DAYS": 30.0}
    PruneRecord.objects.create(pipeline=pipeline, runs=4, events=40)
    PruneRecord.objects.create(pipeline=pipeline, runs=1, events=5,
                               pruned_at=timezone.now() - timedelta(days=2))  # not today
    PruneRecord.objects.create(pipeline=other_pipeline, runs=9, events=90)  # not hers
    r = as_user("alice").get(f"/api/ops?workspace={pipeline.workspace_id}").json()["retention"]
    assert r["days"] == 30.0 and r["pruned_24h"] == {"runs": 4, "events": 40} and r["last_pass"]


def test_staff_see_every_workspace(client_for_staff, busy):
    d = client_for_staff.get("/api/ops").json()
    assert d["scope"]["all"] is True
    assert d["running"] == 3
    assert d["oldest_running"]["id"] == busy["elsewhere"].pk


def test_without_a_workspace_an_owner_sees_the_workspaces_she_owns(as_user, busy, pipeline):
    d = as_user("alice").get("/api/ops").json()
    assert d["scope"]["workspaces"] == [pipeline.workspace_id]
    assert d["running"] == 2
    # bob edits alice's workspace and owns only his own (empty) personal one.
    bob = as_user("bob").get("/api/ops").json()
    assert bob["running"] == 0 and pipeline.workspace_id not in bob["scope"]["workspaces"]


@pytest.mark.parametrize("who, status", [("bob", 403), ("vera", 403), ("charlie", 404)])
def test_others_are_refused(as_user, pipeline, who, status):
    resp = as_user(who).get(f"/api/ops?workspace={pipeline.workspace_id}")
    assert resp.status_code == status
    assert "error" in resp.json()


@pytest.mark.parametrize("query, field", [("workspace=abc", "workspace"), ("workspace=0", "workspace"),
                                          ("everything=1", "everything")])
def test_a_bad_query_names_the_field(as_user, query, field):
    resp = as_user("alice").get(f"/api/ops?{query}")
    assert resp.status_code == 400
    assert field in resp.json()["error"]["details"]


def test_queue_depth_and_workers_come_from_redis(as_user, pipeline, busy, settings):
    queue = f"fomo-ops-test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    worker = f"host-a:11-{uuid.uuid4().hex[:6]}"
    beat_key = f"{KEY_PREFIX}{worker}"
    try:
        client.rpush(queue, "m1", "m2", "m3")
        client.rpush(f"{queue}\x06\x163", "m4")
        client.set(beat_key, str(time.time() - 2), ex=30)
        d = as_user("alice").get(f"/api/ops?workspace={pipeline.workspace_id}").json()
    finally:
        client.delete(queue, f"{queue}\x06\x163", beat_key)
        client.close()
    assert d["queue_depth"] == 4
    mine = [w for w in d["workers"] if w["id"] == worker]
    assert len(mine) == 1 and 1.5 <= mine[0]["age_s"] < 30
    # Runs are attributed to the worker named in their lease (host:pid, then a per-claim suffix).
    assert {w["id"]: w["running_runs"] for w in d["workers"]}.get("host-a:11") is None
    assert mine[0]["running_runs"] == 0


def test_runs_held_are_counted_per_worker(as_user, pipeline, busy):
    client = redis.Redis.from_url(settings.REDIS_URL)
    beat_key = f"{KEY_PREFIX}host-a:11"
    try:
        client.set(beat_key, str(time.time()), ex=30)
        d = as_user("alice").get(f"/api/ops?workspace={pipeline.workspace_id}").json()
    finally:
        client.delete(beat_key)
        client.close()
    assert {w["id"]: w["running_runs"] for w in d["workers"]}["host-a:11"] == 2


def test_the_page_polls_the_api_and_refuses_like_it(as_user, pipeline, users):
    page = Client()
    page.force_login(users["alice"])
    resp = page.get(f"/ops/?workspace={pipeline.workspace_id}")
    assert resp.status_code == 200
    assert b"/api/ops" in resp.content and b"setInterval" in resp.content
    for who, status in (("vera", 403), ("charlie", 404)):
        other = Client()
        other.force_login(users[who])
        assert other.get(f"/ops/?workspace={pipeline.workspace_id}").status_code == status
    assert Client().get("/ops/").status_code in (302, 401)


@pytest.fixture
def client_for_staff(staff):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff)
    client.force_login(staff)
    return client
