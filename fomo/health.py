"""GET /healthz: database, Redis and live workers."""
from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    from runs.heartbeat import live_workers, redis_client

    report: dict[str, object] = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:
        report["database"] = f"error: {type(exc).__name__}"
    try:
        client = redis_client()
        client.ping()
        client.close()
        report["redis"] = "ok"
        report["workers"] = live_workers()
    except Exception as exc:
        report["redis"] = f"error: {type(exc).__name__}"
        report["workers"] = 0
    healthy = report["database"] == "ok" and report["redis"] == "ok" and bool(report["workers"])
    report["status"] = "ok" if healthy else "degraded"
    return JsonResponse(report, status=200 if healthy else 503)
