"""Time ``GET /api/experiments/<id>`` at 600 cells (200 rows × 3 variants), in-process through
Django and DRF on a fresh SQLite database in a temporary data dir: the full read (first load),
a live poll with ``cells_after`` while the experiment runs (a few cells changed since the
cursor), and the same poll once nothing changed.

    .venv/bin/python -m tests.experiments.measure_detail

Prints one JSON line per figure ``{"name", "value", "unit"}`` (median milliseconds). Not a
pytest module (no ``test_`` prefix): a measurement for the lead, not a pass/fail check.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROWS, VARIANTS, REPEAT = 200, 3, 30


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="fomo-detail-")
    os.environ["FOMO_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    try:
        _measure()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _measure() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.test import APIClient

    from builder.models import Pipeline, Workspace
    from experiments import datasets, dispatch, service
    from experiments.models import Cell
    from runs.models import Run
    from tests.experiments.conftest import qa_graph

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("alice", password="x")
    ws = Workspace.personal_of(user)
    pipeline = Pipeline.objects.create(workspace=ws, name="QA", draft=qa_graph(), created_by=user, updated_by=user)
    ds = datasets.create_dataset(ws.pk, user, "d", "", [
        datasets.ParsedRow({"question": f"question {i} " + "x" * 200}, f"expected {i}") for i in range(ROWS)])
    dispatch.enqueue_driver = lambda _id: None  # type: ignore[assignment]  # nothing runs: cells are set by hand
    exp = service.create_experiment(pipeline, user, {
        "name": "m", "dataset": ds.pk, "concurrency": 50, "scorers": [{"kind": "contains"}, {"kind": "exact"}],
        "variants": [{"name": f"v{i}", "overrides": []} for i in range(VARIANTS)]})
    cells = list(Cell.objects.filter(experiment=exp).order_by("pk").values_list("pk", "run_id", "expected"))
    assert len(cells) == ROWS * VARIANTS

    def finish(batch: list[tuple[int, int, str]]) -> None:
        for i, (_, run_id, expected) in enumerate(batch):
            Run.objects.filter(pk=run_id).update(status="succeeded", outputs={"answer": expected + " " + "y" * 300},
                                                 duration_ms=100 + i, cost=0.001, prompt_tokens=10,
                                                 completion_tokens=20, finished_at=timezone.now())
        service.score_cells(exp.pk, batch)

    finish(cells[:-30])  # 570 of 600 cells done, 30 still going
    client = APIClient(SERVER_NAME="localhost")
    client.force_login(user)
    url = f"/api/experiments/{exp.pk}"

    def timed(params: dict[str, str] | None = None) -> tuple[float, dict]:
        t0 = time.perf_counter()
        resp = client.get(url, params or {})
        ms = (time.perf_counter() - t0) * 1000
        assert resp.status_code == 200, resp.content
        return ms, resp.json()

    timed()  # warm up
    full = [timed()[0] for _ in range(REPEAT)]
    _, body = timed()
    cursor = max(c["updated_at"] for c in body["cells"])
    idle = [timed({"cells_after": cursor})[0] for _ in range(REPEAT)]
    live = []
    for k in range(REPEAT // 3):  # each poll sees one newly finished cell (the aggregates change)
        finish([cells[-30 + k]])
        ms, body = timed({"cells_after": cursor})
        assert len(body["cells"]) >= 1
        cursor = max(c["updated_at"] for c in body["cells"])
        live.append(ms)
    for name, values in (("experiment_detail_full_600_ms", full), ("experiment_detail_poll_changed_600_ms", live),
                         ("experiment_detail_poll_idle_600_ms", idle)):
        print(json.dumps({"name": name, "value": round(statistics.median(values), 2), "unit": "ms"}), flush=True)


if __name__ == "__main__":
    main()
