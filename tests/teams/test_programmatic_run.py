"""``POST /api/pipelines/<id>/run``: the latest version by default, a clear 400 without one,
the stored graph always, 202 with the run's URLs when it does not end within ``wait``."""
from __future__ import annotations

from builder.models import PipelineVersion
from runs.models import Run
from teams.models import Activity


def test_a_pipeline_without_a_version_needs_draft_true(as_user, pipeline, no_celery):
    resp = as_user("bob").post(f"/api/pipelines/{pipeline.pk}/run", {"inputs": {"transcript": "hi"}}, format="json")
    assert resp.status_code == 400 and "draft" in resp.json()["error"]["message"]
    ok = as_user("bob").post(f"/api/pipelines/{pipeline.pk}/run", {"inputs": {"transcript": "hi"}, "draft": True},
                             format="json")
    assert ok.status_code == 202
    assert ok.json()["urls"] == {"run": f"/api/runs/{ok.json()['id']}", "events": f"/api/runs/{ok.json()['id']}/events",
                                 "stream": f"/api/runs/{ok.json()['id']}/stream",
                                 "websocket": f"/ws/runs/{ok.json()['id']}/"}


def test_the_latest_version_runs_by_default(as_user, pipeline):
    PipelineVersion.objects.create(pipeline=pipeline, number=1, graph=pipeline.draft)
    PipelineVersion.objects.create(pipeline=pipeline, number=2, graph=pipeline.draft)
    resp = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/run", {"inputs": {"transcript": "x"}}, format="json")
    assert resp.status_code == 202 and resp.json()["version"] == 2
    pinned = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/run", {"inputs": {"transcript": "x"}, "version": 1},
                                   format="json")
    assert pinned.json()["version"] == 1
    missing = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/run", {"inputs": {}, "version": 7}, format="json")
    assert missing.status_code == 404


def test_a_body_cannot_substitute_the_graph(as_user, pipeline):
    resp = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/run",
                                 {"inputs": {"transcript": "x"}, "draft": True, "graph": {"nodes": []}}, format="json")
    assert resp.status_code == 400 and not Run.objects.exists()


def test_viewers_cannot_run_and_strangers_see_nothing(as_user, pipeline):
    body = {"inputs": {"transcript": "x"}, "draft": True}
    assert as_user("vera").post(f"/api/pipelines/{pipeline.pk}/run", body, format="json").status_code == 403
    assert as_user("charlie").post(f"/api/pipelines/{pipeline.pk}/run", body, format="json").status_code == 404


def test_wait_is_bounded_and_a_run_that_does_not_end_in_time_answers_202(as_user, pipeline):
    url = f"/api/pipelines/{pipeline.pk}/run"
    body = {"inputs": {"transcript": "x"}, "draft": True}
    assert as_user("alice").post(f"{url}?wait=61", body, format="json").status_code == 400
    assert as_user("alice").post(f"{url}?wait=abc", body, format="json").status_code == 400
    resp = as_user("alice").post(f"{url}?wait=0.5", body, format="json")
    assert resp.status_code == 202 and resp.json()["status"] == "queued"


def test_a_run_that_already_ended_returns_its_outputs(as_user, pipeline, monkeypatch):
    from runs import api_follow

    def finish(run_id, timeout):
        Run.objects.filter(pk=run_id).update(status="succeeded", outputs={"summary": "done"})
        return True

    monkeypatch.setattr(api_follow, "wait_for_run", finish)
    resp = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/run?wait=5",
                                 {"inputs": {"transcript": "x"}, "draft": True}, format="json")
    assert resp.status_code == 200 and resp.json()["outputs"] == {"summary": "done"}


def test_activity_records_creating_editing_versioning_and_running(as_user, pipeline, users):
    alice = as_user("alice")
    for rev in (1, 2, 3):
        alice.put(f"/api/pipelines/{pipeline.pk}/draft", {"graph": pipeline.draft, "base_revision": rev}, format="json")
    alice.post(f"/api/pipelines/{pipeline.pk}/versions", {"message": "v1"}, format="json")
    alice.post(f"/api/pipelines/{pipeline.pk}/run", {"inputs": {"transcript": "x"}}, format="json")
    rows = list(Activity.objects.filter(workspace=pipeline.workspace).order_by("created_at", "id"))
    assert [(a.verb, a.count) for a in rows] == [("created", 1), ("edited", 3), ("versioned", 1), ("ran", 1)]
    as_user("bob").put(f"/api/pipelines/{pipeline.pk}/draft", {"graph": pipeline.draft, "base_revision": 4},
                       format="json")
    latest = as_user("vera").get(f"/api/workspaces/{pipeline.workspace_id}/activity").json()[0]
    assert (latest["verb"], latest["actor"], latest["count"]) == ("edited", "bob", 1)
    assert as_user("charlie").get(f"/api/workspaces/{pipeline.workspace_id}/activity").status_code == 404
